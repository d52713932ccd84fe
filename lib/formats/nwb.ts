/**
 * NWB 2 reader (HDF5, via h5wasm): one ElectricalSeries from /acquisition, the electrodes table
 * (/general/extracellular_ephys/electrodes) as channel positions/locations/groups, and every TimeIntervals
 * table under /intervals (trials, epochs, invalid_times, ...) as annotations.
 *
 * NWB is read whole, unlike the other formats: HDF5's C library (compiled to wasm) does synchronous IO through
 * Emscripten's in-memory file system, and a ByteSource is asynchronous, so the file's bytes must be copied
 * into that file system before HDF5 can open it. The samples of the chosen series are copied out at once and
 * the in-memory file is deleted, so nothing stays behind in wasm memory after `openNwb` returns.
 */
import type h5wasm from 'h5wasm';
import { checkSampleRange, cropAnnotations, latin1, readRange, shown } from './bytes';
import { FormatError, type Annotation, type ByteSource, type ChannelInfo, type ChannelType, type RecordingInfo, type RecordingReader } from './types';

type H5 = typeof h5wasm;
type H5Group = InstanceType<typeof h5wasm.Group>;
type H5Dataset = InstanceType<typeof h5wasm.Dataset>;
type H5Entity = ReturnType<H5Group['get']>;

export interface NwbOptions {
  /** Name of the ElectricalSeries in /acquisition; default the first by name. */
  series?: string;
  /** Channel type for every channel: NWB does not say (ElectricalSeries covers ECoG, sEEG, probes). Default 'seeg'. */
  channelType?: ChannelType;
  /** Millimetres per unit of the electrodes table's x, y, z, which NWB leaves unspecified. Default 1 (mm, as atlas coordinates usually are). */
  positionScale?: number;
  /** Largest file read into memory (wasm32 memory tops out near 4 GiB, and the bytes are held twice while opening). Default 1 GiB. */
  maxBytes?: number;
}

export interface NwbReader extends RecordingReader {
  /** Path of the ElectricalSeries read, e.g. '/acquisition/ElectricalSeries'. */
  readonly series: string;
  /** Every ElectricalSeries in /acquisition (others can be opened with options.series). */
  readonly allSeries: string[];
  /** Time of the first sample in seconds after timestamps_reference_time (starting_time or timestamps[0]). */
  readonly startTime: number;
}

const HDF5_MAGIC = '\x89HDF\r\n\x1a\n';
/** Column names that carry a trial's label, most specific first; any other text column is the fallback. */
const LABEL_COLUMNS = ['trial_type', 'condition', 'label', 'stimulus', 'stim', 'event', 'value', 'description', 'name', 'tags'];
/** Columns of a TimeIntervals table that are never labels. */
const NOT_LABELS = ['id', 'start_time', 'stop_time', 'timeseries'];

let fileCounter = 0;
let loading: Promise<H5> | undefined;

/** h5wasm compiles its wasm when imported; load it on the first NWB file, not with every importer of lib/formats. */
function loadH5(): Promise<H5> {
  loading ??= import('h5wasm').then(async ({ default: h5 }) => {
    await h5.ready;
    return h5;
  });
  return loading;
}

type NumArray = ArrayLike<number>;

/** Everything a reader needs from an HDF5 object, with where-strings ready for errors. */
class Nwb {
  constructor(
    readonly h5: H5,
    readonly file: string,
    readonly root: H5Group,
  ) {}

  get(path: string): H5Entity {
    try {
      return this.root.get(path);
    } catch {
      return null;
    }
  }

  group(path: string): H5Group | null {
    const e = this.get(path);
    return e instanceof this.h5.Group ? e : null;
  }

  dataset(path: string): H5Dataset | null {
    const e = this.get(path);
    return e instanceof this.h5.Dataset ? e : null;
  }

  requireDataset(path: string, what: string): H5Dataset {
    const d = this.dataset(path);
    if (!d) throw new FormatError(this.file, path, `expected ${what} (a dataset), found none`);
    return d;
  }

  attr(obj: H5Group | H5Dataset, name: string): unknown {
    const a = obj.attrs[name];
    if (!a) return undefined;
    const v = a.value;
    // Scalar attributes may come back as 1-element arrays.
    if (ArrayBuffer.isView(v) && !(v instanceof DataView) && (v as unknown as ArrayLike<unknown>).length === 1) return (v as unknown as ArrayLike<unknown>)[0];
    if (Array.isArray(v) && v.length === 1) return v[0];
    return v;
  }

  attrString(obj: H5Group | H5Dataset, name: string): string | undefined {
    const v = this.attr(obj, name);
    return typeof v === 'string' ? v : undefined;
  }

  attrNumber(obj: H5Group | H5Dataset, name: string, fallback: number): number {
    const v = this.attr(obj, name);
    if (v === undefined) return fallback;
    const n = typeof v === 'bigint' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isFinite(n)) {
      throw new FormatError(this.file, `${obj.path} attribute '${name}'`, `expected a finite number, found ${shown(String(v))}`);
    }
    return n;
  }

  /** A numeric dataset as numbers (int64 and uint64 become doubles). */
  numbers(d: H5Dataset, what: string): NumArray {
    let v: unknown;
    try {
      v = d.value;
    } catch (err) {
      throw new FormatError(this.file, d.path, `expected readable ${what}, found unreadable data (${(err as Error).message})`);
    }
    if (typeof v === 'number') return [v];
    if (typeof v === 'bigint') return [Number(v)];
    if (v instanceof BigInt64Array || v instanceof BigUint64Array) return Float64Array.from(v, Number);
    if (ArrayBuffer.isView(v) && !(v instanceof DataView) && isNumeric(d)) return v as unknown as NumArray;
    throw new FormatError(this.file, d.path, `expected ${what} as numbers, found ${describeType(d)}`);
  }

  /** A text dataset as strings. */
  strings(d: H5Dataset, what: string): string[] {
    const v: unknown = d.value;
    if (typeof v === 'string') return [v];
    if (Array.isArray(v) && v.every((s) => typeof s === 'string')) return v as string[];
    throw new FormatError(this.file, d.path, `expected ${what} as text, found ${describeType(d)}`);
  }
}

/** H5T classes: 0 integer, 1 float, 3 string. */
function isNumeric(d: H5Dataset): boolean {
  return d.metadata.type === 0 || d.metadata.type === 1;
}

function isText(d: H5Dataset): boolean {
  return d.metadata.type === 3;
}

function describeType(d: H5Dataset): string {
  const names: Record<number, string> = { 0: 'integers', 1: 'floats', 3: 'text', 6: 'a compound type', 7: 'references', 9: 'variable-length data' };
  return `${names[d.metadata.type] ?? `HDF5 type class ${d.metadata.type}`} of shape [${(d.shape ?? []).join(', ')}]`;
}

/** neurodata_type of every child group, for error messages and for finding series. */
function childTypes(nwb: Nwb, g: H5Group): { name: string; type: string }[] {
  return g
    .keys()
    .sort()
    .map((name) => {
      const child = nwb.group(`${g.path === '/' ? '' : g.path}/${name}`);
      return { name, type: child ? (nwb.attrString(child, 'neurodata_type') ?? 'Group') : 'Dataset' };
    });
}

/**
 * The superblock states the file's end; a shorter file is truncated. Checked before HDF5 sees it, since HDF5 then
 * fails later with less useful errors. Superblock v0/v1 and v2/v3 layouts (HDF5 file format spec, section II.A).
 */
async function checkEndOfFile(source: ByteSource): Promise<void> {
  const head = await readRange(source, 0, Math.min(source.size, 64), 'HDF5 superblock');
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const version = head[8];
  const sizeOfOffsets = version <= 1 ? head[13] : head[9];
  const eofAt = version === 0 ? 24 + 2 * sizeOfOffsets : version === 1 ? 28 + 2 * sizeOfOffsets : 12 + 2 * sizeOfOffsets;
  if (version > 3 || (sizeOfOffsets !== 4 && sizeOfOffsets !== 8) || eofAt + sizeOfOffsets > head.length) return;
  const eof = sizeOfOffsets === 8 ? Number(view.getBigUint64(eofAt, true)) : view.getUint32(eofAt, true);
  if (eof > source.size) {
    throw new FormatError(source.name, `HDF5 superblock end-of-file address (byte ${eofAt})`, `expected a file of ${eof} bytes, found ${source.size} (truncated)`);
  }
}

/** Copies the file into h5wasm's in-memory file system, opens it, runs `read`, and always deletes the copy. */
async function withHdf5<T>(source: ByteSource, maxBytes: number, read: (h5: H5, root: H5Group) => T): Promise<T> {
  const file = source.name;
  const head = latin1(await readRange(source, 0, Math.min(source.size, 8), 'HDF5 signature (8 bytes)'));
  if (head !== HDF5_MAGIC) {
    throw new FormatError(file, 'byte 0', `expected the HDF5 signature "\\x89HDF\\r\\n\\x1A\\n" of an NWB 2 file, found ${shown(head)}`);
  }
  await checkEndOfFile(source);
  if (source.size > maxBytes) {
    throw new FormatError(file, 'file size', `expected at most ${maxBytes} bytes (NWB files are read whole into memory), found ${source.size}`);
  }
  const bytes = await source.read(0, source.size);
  const h5 = await loadH5();
  const { FS } = await h5.ready;
  const path = `/brainglass-nwb-${++fileCounter}.h5`;
  FS.writeFile(path, bytes);
  try {
    let h5file: InstanceType<typeof h5wasm.File>;
    try {
      h5file = new h5.File(path, 'r');
    } catch (err) {
      throw new FormatError(file, 'HDF5 superblock', `expected a readable HDF5 file, found one HDF5 cannot open (${(err as Error).message}; truncated?)`);
    }
    try {
      return read(h5, h5file);
    } catch (err) {
      if (err instanceof FormatError) throw err;
      // h5wasm reports damage deep in the file as plain Errors while walking it.
      throw new FormatError(file, 'HDF5 objects', `expected readable groups and datasets, found an error from HDF5 (${(err as Error).message}; corrupt?)`);
    } finally {
      h5file.close();
    }
  } finally {
    FS.unlink(path);
  }
}

interface Electrodes {
  names: string[];
  positions: ([number, number, number] | undefined)[];
  locations: (string | undefined)[];
  groups: (string | undefined)[];
}

/** The electrodes table's columns, one entry per row. */
function readElectrodes(nwb: Nwb, path: string, positionScale: number): Electrodes | null {
  const table = nwb.group(path);
  if (!table) return null;
  const col = (name: string) => nwb.dataset(`${path}/${name}`);
  const idDs = col('id');
  const ids = idDs ? Array.from(nwb.numbers(idDs, 'electrode ids')) : [];
  const n = ids.length;
  const text = (name: string): (string | undefined)[] | null => {
    const d = col(name);
    if (!d || !isText(d)) return null;
    const v = nwb.strings(d, `column '${name}'`);
    if (v.length !== n) throw new FormatError(nwb.file, d.path, `expected ${n} rows (as ${path}/id), found ${v.length}`);
    return v;
  };
  const num = (name: string): NumArray | null => {
    const d = col(name);
    if (!d) return null;
    const v = nwb.numbers(d, `column '${name}'`);
    if (v.length !== n) throw new FormatError(nwb.file, d.path, `expected ${n} rows (as ${path}/id), found ${v.length}`);
    return v;
  };
  const labels = text('label');
  const [x, y, z] = [num('x'), num('y'), num('z')];
  const locations = text('location') ?? new Array<undefined>(n).fill(undefined);
  const groups = text('group_name') ?? new Array<undefined>(n).fill(undefined);
  const positions = ids.map((_, i): [number, number, number] | undefined => {
    if (!x || !y || !z) return undefined;
    const p: [number, number, number] = [x[i] * positionScale, y[i] * positionScale, z[i] * positionScale];
    // NaN marks an electrode without a position.
    return p.every(Number.isFinite) ? p : undefined;
  });
  return { names: ids.map((id, i) => labels?.[i] || String(id)), positions, locations, groups };
}

/** Label of each row: the first label-like text column (ragged ones joined), or nothing. */
function rowLabels(nwb: Nwb, path: string, table: H5Group, nRows: number): (string | undefined)[] {
  const keys = table.keys();
  const candidates = [...LABEL_COLUMNS.filter((c) => keys.includes(c)), ...keys.filter((k) => !LABEL_COLUMNS.includes(k)).sort()];
  for (const name of candidates) {
    if (NOT_LABELS.includes(name) || name.endsWith('_index')) continue;
    const d = nwb.dataset(`${path}/${name}`);
    if (!d || !isText(d)) continue;
    const values = nwb.strings(d, `column '${name}'`);
    const indexDs = nwb.dataset(`${path}/${name}_index`);
    if (indexDs) {
      // A ragged column: the index holds each row's end offset into the values.
      const ends = nwb.numbers(indexDs, `column '${name}_index'`);
      if (ends.length !== nRows) throw new FormatError(nwb.file, indexDs.path, `expected ${nRows} rows (as start_time), found ${ends.length}`);
      return Array.from(ends, (end, i) => values.slice(i === 0 ? 0 : ends[i - 1], end).join(',') || undefined);
    }
    if (values.length !== nRows) throw new FormatError(nwb.file, d.path, `expected ${nRows} rows (as start_time), found ${values.length}`);
    return values.map((v) => v || undefined);
  }
  return new Array<undefined>(nRows).fill(undefined);
}

/** TimeIntervals rows as annotations, onsets relative to the first sample (t0). */
function readIntervals(nwb: Nwb, t0: number): Annotation[] {
  const intervals = nwb.group('/intervals');
  if (!intervals) return [];
  const out: Annotation[] = [];
  for (const { name, type } of childTypes(nwb, intervals)) {
    const path = `/intervals/${name}`;
    const table = nwb.group(path);
    if (!table || (type !== 'TimeIntervals' && !table.keys().includes('start_time'))) continue;
    const starts = nwb.numbers(nwb.requireDataset(`${path}/start_time`, 'the start_time column of a TimeIntervals table'), 'start_time');
    const stopDs = nwb.dataset(`${path}/stop_time`);
    const stops = stopDs ? nwb.numbers(stopDs, 'stop_time') : null;
    if (stops && stops.length !== starts.length) {
      throw new FormatError(nwb.file, `${path}/stop_time`, `expected ${starts.length} rows (as start_time), found ${stops.length}`);
    }
    const labels = rowLabels(nwb, path, table, starts.length);
    for (let i = 0; i < starts.length; i++) {
      const stop = stops ? stops[i] : NaN;
      if (!Number.isFinite(starts[i])) throw new FormatError(nwb.file, `${path}/start_time row ${i}`, `expected a time in seconds, found ${starts[i]}`);
      if (stop < starts[i]) throw new FormatError(nwb.file, `${path}/stop_time row ${i}`, `expected a stop_time >= start_time ${starts[i]}, found ${stop}`);
      const label = labels[i] ?? name;
      // MNE marks segments to skip with a 'BAD' description.
      const description = name === 'invalid_times' ? `BAD_${labels[i] ?? name}` : label;
      out.push({ onset: starts[i] - t0, duration: Number.isFinite(stop) ? stop - starts[i] : 0, description });
    }
  }
  return out.sort((a, b) => a.onset - b.onset);
}

function parseDate(nwb: Nwb, path: string): Date | undefined {
  const d = nwb.dataset(path);
  if (!d || !isText(d)) return undefined;
  const [s] = nwb.strings(d, 'a date');
  const date = new Date(s);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export async function openNwb(source: ByteSource, options: NwbOptions = {}): Promise<NwbReader> {
  const file = source.name;
  return withHdf5(source, options.maxBytes ?? 2 ** 30, (h5, root) => {
    const nwb = new Nwb(h5, file, root);
    const rootType = nwb.attrString(root, 'neurodata_type');
    if (rootType !== 'NWBFile') {
      throw new FormatError(file, "root attribute 'neurodata_type'", `expected "NWBFile" (an NWB 2 file), found ${rootType === undefined ? 'none (a plain HDF5 file)' : shown(rootType)}`);
    }
    const version = nwb.attrString(root, 'nwb_version') ?? '';
    if (!/^2\./.test(version)) throw new FormatError(file, "root attribute 'nwb_version'", `expected NWB 2.x, found ${shown(version)}`);

    const acquisition = nwb.group('/acquisition');
    const found = acquisition ? childTypes(nwb, acquisition) : [];
    const allSeries = found.filter((c) => c.type === 'ElectricalSeries').map((c) => `/acquisition/${c.name}`);
    if (allSeries.length === 0) {
      const others = found.length ? found.map((c) => `${c.type} ${shown(c.name)}`).join(', ') : 'nothing';
      throw new FormatError(file, '/acquisition', `expected an ElectricalSeries (a recording), found an HDF5 file (e.g. NWB) without one: /acquisition holds ${others}`);
    }
    let series = allSeries[0];
    if (options.series !== undefined) {
      series = `/acquisition/${options.series}`;
      if (!allSeries.includes(series)) throw new FormatError(file, '/acquisition', `expected the ElectricalSeries ${shown(options.series)}, found only ${allSeries.join(', ')}`);
    }

    // Samples: data is [time] or [time, channel]; volts = data * conversion * channel_conversion + offset.
    const dataDs = nwb.requireDataset(`${series}/data`, 'the samples');
    const shape = dataDs.shape ?? [];
    if (shape.length < 1 || shape.length > 2) {
      throw new FormatError(file, `${series}/data`, `expected shape [time] or [time, channel], found [${shape.join(', ')}]`);
    }
    const nSamples = shape[0];
    const nChannels = shape.length === 2 ? shape[1] : 1;
    const raw = nwb.numbers(dataDs, 'samples');
    const conversion = nwb.attrNumber(dataDs, 'conversion', 1);
    const offset = nwb.attrNumber(dataDs, 'offset', 0);
    const unitAttr = nwb.attrString(dataDs, 'unit') ?? 'volts';
    const resolutionAttr = nwb.attrNumber(dataDs, 'resolution', -1);
    const ccDs = nwb.dataset(`${series}/channel_conversion`);
    const channelConversion = ccDs ? nwb.numbers(ccDs, 'channel_conversion') : null;
    if (channelConversion && channelConversion.length !== nChannels) {
      throw new FormatError(file, `${series}/channel_conversion`, `expected ${nChannels} factors (one per channel of data), found ${channelConversion.length}`);
    }
    const factors = Array.from({ length: nChannels }, (_, c) => conversion * (channelConversion ? channelConversion[c] : 1));

    // Time base: a regular rate from starting_time, or timestamps that must be evenly spaced.
    let sfreq: number;
    let t0: number;
    const startDs = nwb.dataset(`${series}/starting_time`);
    const stampsDs = nwb.dataset(`${series}/timestamps`);
    if (startDs) {
      t0 = nwb.numbers(startDs, 'starting_time')[0];
      sfreq = nwb.attrNumber(startDs, 'rate', NaN);
      if (!(sfreq > 0)) {
        throw new FormatError(file, `${series}/starting_time attribute 'rate'`, `expected a sampling rate > 0 Hz, found ${Number.isNaN(sfreq) ? 'none' : sfreq}`);
      }
    } else if (stampsDs) {
      const t = nwb.numbers(stampsDs, 'timestamps');
      if (t.length !== nSamples) throw new FormatError(file, `${series}/timestamps`, `expected ${nSamples} timestamps (one per sample of data), found ${t.length}`);
      if (nSamples < 2) throw new FormatError(file, `${series}/timestamps`, `expected at least 2 timestamps to give a sampling rate, found ${nSamples}`);
      t0 = t[0];
      sfreq = (nSamples - 1) / (t[nSamples - 1] - t0);
      const step = 1 / sfreq;
      for (let i = 1; i < nSamples; i++) {
        // A continuous recording: steps may jitter, not jump or go back.
        if (!(Math.abs(t[i] - t[i - 1] - step) <= 0.5 * step)) {
          throw new FormatError(file, `${series}/timestamps[${i}]`, `expected evenly spaced samples (${step} s apart), found a step of ${t[i] - t[i - 1]} s`);
        }
      }
    } else {
      throw new FormatError(file, series, "expected 'starting_time' (with a 'rate') or 'timestamps', found neither");
    }

    // Channels from the electrodes table, through the series' region of row indices.
    const tablePath = '/general/extracellular_ephys/electrodes';
    const table = readElectrodes(nwb, tablePath, options.positionScale ?? 1);
    const regionDs = nwb.dataset(`${series}/electrodes`);
    let rows: number[];
    if (regionDs) {
      rows = Array.from(nwb.numbers(regionDs, 'electrode indices'));
      if (!table) throw new FormatError(file, tablePath, `expected the electrodes table that ${series}/electrodes points into, found none`);
      const bad = rows.findIndex((r) => !Number.isInteger(r) || r < 0 || r >= table.names.length);
      if (bad >= 0) throw new FormatError(file, `${series}/electrodes[${bad}]`, `expected a row of ${tablePath} (0..${table.names.length - 1}), found ${rows[bad]}`);
    } else {
      rows = Array.from({ length: nChannels }, (_, i) => i);
      if (table && table.names.length < nChannels) rows = [];
    }
    if (rows.length !== nChannels) {
      throw new FormatError(file, `${series}/electrodes`, `expected ${nChannels} electrodes (one per channel of data), found ${rows.length}`);
    }
    const volts = unitAttr.toLowerCase() === 'volts' || unitAttr === 'V';
    const integer = dataDs.metadata.type === 0;
    const channels: ChannelInfo[] = rows.map((row, c) => {
      const info: ChannelInfo = { name: table ? table.names[row] : String(c), type: options.channelType ?? 'seeg', unit: volts ? 'V' : unitAttr };
      // NWB's resolution is -1 when unknown; integer data still has a step of one count.
      const resolution = resolutionAttr > 0 ? resolutionAttr : integer ? Math.abs(factors[c]) : undefined;
      if (resolution !== undefined) info.resolution = resolution;
      const position = table?.positions[row];
      if (position) info.position = position;
      const location = table?.locations[row];
      if (location) info.location = location;
      const group = table?.groups[row];
      if (group) info.group = group;
      return info;
    });

    const reference = parseDate(nwb, '/timestamps_reference_time') ?? parseDate(nwb, '/session_start_time');
    const textOf = (path: string) => {
      const d = nwb.dataset(path);
      return d && isText(d) ? nwb.strings(d, path)[0] : undefined;
    };
    const meta: Record<string, string | number> = { nwbVersion: version, series, startTime: t0 };
    const identifier = textOf('/identifier');
    if (identifier) meta.identifier = identifier;
    const description = textOf('/session_description');
    if (description) meta.sessionDescription = description;
    if (allSeries.length > 1) meta.otherSeries = allSeries.filter((s) => s !== series).join(', ');

    const info: RecordingInfo = {
      format: 'NWB',
      sfreq,
      nSamples,
      channels,
      annotations: cropAnnotations(readIntervals(nwb, t0), nSamples / sfreq),
      ...(channels.some((c) => c.position) ? { coordFrame: 'unknown' } : {}),
      ...(reference ? { measDate: new Date(reference.getTime() + t0 * 1000) } : {}),
      meta,
    };

    return {
      info,
      series,
      allSeries,
      startTime: t0,
      async readSamples(chIdx: number[], start: number, stop: number) {
        checkSampleRange(nChannels, nSamples, chIdx, start, stop);
        return chIdx.map((c) => {
          const out = new Float64Array(stop - start);
          const f = factors[c];
          for (let j = start; j < stop; j++) out[j - start] = raw[j * nChannels + c] * f + offset;
          return out;
        });
      },
    };
  });
}
