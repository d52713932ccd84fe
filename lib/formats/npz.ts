/**
 * NumPy .npz epochs as a preprocessing pipeline saves them, e.g.
 *   np.savez(f, data=epochs.get_data(), sfreq=info['sfreq'], tmin=epochs.tmin, ch_names=epochs.ch_names,
 *            labels=..., pos=...)
 * data: epochs x channels x times (float32/float64, volts); sfreq, tmin: scalars; ch_names: unicode strings;
 * labels (optional): strings or integers per epoch; pos (optional): channels x 3, MNI mm.
 */
import { shown } from './bytes';
import { parseNpy, type NpyArray } from './npy';
import { FormatError, type ByteSource, type EpochsData } from './types';
import { listZip, readZipEntry } from './zip';

/** Reads every member (or only `names`, without '.npy') of an .npz archive. */
export async function readNpz(source: ByteSource, names?: string[]): Promise<Map<string, NpyArray>> {
  const entries = await listZip(source);
  const out = new Map<string, NpyArray>();
  for (const entry of entries) {
    if (!entry.name.endsWith('.npy')) continue;
    const key = entry.name.slice(0, -4);
    if (names && !names.includes(key)) continue;
    out.set(key, parseNpy(await readZipEntry(source, entry), source.name, `${entry.name}: `));
  }
  return out;
}

/** Multi-index of flat C-order position i, for error messages. */
function indexOf(i: number, shape: number[]): string {
  const idx: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    idx.unshift(i % shape[d]);
    i = Math.floor(i / shape[d]);
  }
  return `[${idx.join(', ')}]`;
}

function shapeText(shape: number[]): string {
  return `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;
}

function isNumeric(a: NpyArray): boolean {
  return !Array.isArray(a.data);
}

function toNumbers(a: NpyArray): number[] {
  return Array.from(a.data as ArrayLike<number | bigint>, (v) => Number(v));
}

export async function readEpochsNpz(source: ByteSource): Promise<EpochsData> {
  const file = source.name;
  const arrays = await readNpz(source, ['data', 'sfreq', 'tmin', 'ch_names', 'labels', 'pos']);
  const need = (key: string): NpyArray => {
    const a = arrays.get(key);
    if (!a) throw new FormatError(file, `${key}.npy`, `expected an array '${key}' in the archive, found only ${shown([...arrays.keys()].join(', '))}`);
    return a;
  };

  const data = need('data');
  if (!/^[<>|=]?f[48]$/.test(data.dtype)) throw new FormatError(file, 'data.npy dtype', `expected float32 or float64, found ${shown(data.dtype)}`);
  if (data.shape.length !== 3) {
    throw new FormatError(file, 'data.npy shape', `expected 3 dimensions (epochs, channels, times), found ${shapeText(data.shape)}`);
  }
  const [nEpochs, nChannels, nTimes] = data.shape;
  const values = data.data as Float32Array | Float64Array;
  const f32 = values instanceof Float32Array ? values : Float32Array.from(values);
  for (let i = 0; i < f32.length; i++) {
    // Also catches float64 values beyond float32's range, which became infinite.
    if (!Number.isFinite(f32[i])) {
      throw new FormatError(file, `data.npy element ${indexOf(i, data.shape)}`, `expected a finite value, found ${values[i]}${Number.isFinite(values[i]) ? ' (too large for float32)' : ''}`);
    }
  }

  const scalar = (key: string): number => {
    const a = need(key);
    if (!isNumeric(a) || a.data.length !== 1) {
      throw new FormatError(file, `${key}.npy`, `expected a numeric scalar, found dtype ${shown(a.dtype)} with shape ${shapeText(a.shape)}`);
    }
    return toNumbers(a)[0];
  };
  const sfreq = scalar('sfreq');
  if (!(sfreq > 0) || !Number.isFinite(sfreq)) throw new FormatError(file, 'sfreq.npy', `expected a sampling frequency > 0 Hz, found ${sfreq}`);
  const tmin = scalar('tmin');
  if (!Number.isFinite(tmin)) throw new FormatError(file, 'tmin.npy', `expected a finite time in seconds, found ${tmin}`);

  const names = need('ch_names');
  if (isNumeric(names) || names.shape.length !== 1) {
    throw new FormatError(file, 'ch_names.npy', `expected a 1-D string array (dtype '<U..'), found dtype ${shown(names.dtype)} with shape ${shapeText(names.shape)}`);
  }
  if (names.shape[0] !== nChannels) {
    throw new FormatError(file, 'ch_names.npy shape', `expected ${nChannels} names (data.npy has ${nChannels} channels), found ${names.shape[0]}`);
  }

  const result: EpochsData = { sfreq, tmin, chNames: names.data as string[], nEpochs, nTimes, data: f32 };

  const labels = arrays.get('labels');
  if (labels) {
    if (labels.shape.length !== 1 || labels.shape[0] !== nEpochs) {
      throw new FormatError(file, 'labels.npy shape', `expected (${nEpochs},), one label per epoch, found ${shapeText(labels.shape)}`);
    }
    if (Array.isArray(labels.data)) result.labels = labels.data;
    else {
      const nums = toNumbers(labels);
      const bad = nums.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) throw new FormatError(file, `labels.npy element [${bad}]`, `expected a finite label, found ${nums[bad]}`);
      result.labels = labels.dtype.endsWith('b1') ? nums.map((v) => (v ? 'True' : 'False')) : Array.from(labels.data as ArrayLike<number | bigint>, (v) => String(v));
    }
  }

  const pos = arrays.get('pos');
  if (pos) {
    if (!isNumeric(pos) || pos.shape.length !== 2 || pos.shape[0] !== nChannels || pos.shape[1] !== 3) {
      throw new FormatError(file, 'pos.npy shape', `expected numeric (${nChannels}, 3) for ${nChannels} channels, found dtype ${shown(pos.dtype)} with shape ${shapeText(pos.shape)}`);
    }
    const p = Float32Array.from(toNumbers(pos));
    const bad = p.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new FormatError(file, `pos.npy element ${indexOf(bad, pos.shape)}`, `expected a finite coordinate in mm, found ${p[bad]}`);
    result.positions = p;
  }
  return result;
}
