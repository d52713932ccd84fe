/**
 * BrainVision reader (.vhdr header, .vmrk markers, .eeg binary), following mne.io.read_raw_brainvision (MNE 1.3).
 * The header and markers are read whole (they are small text); samples are read on demand.
 */
import { checkSampleRange, cropAnnotations, decodeText, parseInteger, parseNumber, readRange, shown } from './bytes';
import {
  FormatError,
  type Annotation,
  type ByteSource,
  type ChannelInfo,
  type ChannelType,
  type RecordingInfo,
  type RecordingReader,
  type SiblingResolver,
} from './types';

export type BinaryFormat = 'INT_16' | 'INT_32' | 'IEEE_FLOAT_32';
export type DataOrientation = 'MULTIPLEXED' | 'VECTORIZED';

export interface BrainVisionReader extends RecordingReader {
  readonly binaryFormat: BinaryFormat;
  readonly orientation: DataOrientation;
  /** Names as written in the header, resolved through the SiblingResolver. */
  readonly dataFile: string;
  readonly markerFile: string;
}

const BYTES: Record<BinaryFormat, number> = { INT_16: 2, INT_32: 4, IEEE_FLOAT_32: 4 };
/** MNE's _unit_dict: factor to the SI unit; anything else is taken as-is (factor 1). */
const UNIT_SCALE: Record<string, number> = {
  V: 1,
  'µV': 1e-6,
  'μV': 1e-6,
  uV: 1e-6,
  mV: 1e-3,
  nV: 1e-9,
  C: 1,
  '°C': 1,
  'n/a': 1,
  'µS': 1e-6,
  uS: 1e-6,
  ARU: 1,
  S: 1,
  N: 1,
};
const SI_UNIT: Record<string, string> = { 'µS': 'S', uS: 'S', C: '°C' };
const VOLTS = ['V', 'mV', 'µV', 'μV', 'uV', 'nV'];
/** MNE's default eog=('HEOGL', 'HEOGR', 'VEOGb'). */
const EOG_NAMES = ['HEOGL', 'HEOGR', 'VEOGb'];
/** MNE's HEAD_SIZE_DEFAULT in mm: radius 1 in the header means an idealised unit sphere. */
const HEAD_RADIUS_MM = 95;

interface IniValue {
  value: string;
  line: number;
}
type Ini = Map<string, Map<string, IniValue>>;

/** configparser-like: case-insensitive keys, ';'/'#' comments, stops at [Comment] (free text follows). */
function parseIni(file: string, text: string): Ini {
  const ini: Ini = new Map();
  let section: Map<string, IniValue> | undefined;
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '' || line.startsWith(';') || line.startsWith('#')) continue;
    const head = /^\[(.*)\]$/.exec(line);
    if (head) {
      const name = head[1].trim().toLowerCase();
      if (name === 'comment') break;
      section = ini.get(name) ?? new Map();
      ini.set(name, section);
      continue;
    }
    const eq = line.indexOf('=');
    if (!section || eq <= 0) {
      throw new FormatError(file, `line ${i + 1}`, `expected '[Section]' or 'Key=Value' in a section, found ${shown(line)}`);
    }
    section.set(line.slice(0, eq).trim().toLowerCase(), { value: line.slice(eq + 1).trim(), line: i + 1 });
  }
  return ini;
}

async function readText(source: ByteSource, kind: string, expected: RegExp): Promise<{ text: string; ini: Ini }> {
  const bytes = await source.read(0, source.size);
  // The codepage line is ASCII either way; find it before decoding the rest.
  const ascii = new TextDecoder('latin1').decode(bytes);
  const cp = /^Codepage=(.+)$/im.exec(ascii);
  const text = decodeText(bytes, cp ? cp[1].trim() : 'utf-8').replace(/^\uFEFF/, '');
  const first = text.split(/\r\n|\r|\n/, 1)[0].trim();
  if (!expected.test(first)) {
    throw new FormatError(source.name, 'line 1', `expected 'Brain Vision Data Exchange ${kind} File Version 1.0' (or 2.0), found ${shown(first)}`);
  }
  return { text, ini: parseIni(source.name, text) };
}

function get(file: string, ini: Ini, section: string, key: string): IniValue {
  const v = ini.get(section.toLowerCase())?.get(key.toLowerCase());
  if (!v) throw new FormatError(file, `[${section}] ${key}`, 'expected this entry, found none');
  return v;
}

/** 'YYYYMMDDhhmmssuuuuuu' of the first 'New Segment' marker, in UTC. */
function parseMarkerDate(s: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{6})$/.exec(s);
  if (!m || /^0+$/.test(s)) return undefined;
  const [y, mo, d, h, mi, se] = m.slice(1, 7).map(Number);
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, se, Math.floor(Number(m[7]) / 1000)));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export async function openBrainVision(vhdr: ByteSource, resolve: SiblingResolver): Promise<BrainVisionReader> {
  const file = vhdr.name;
  const { ini } = await readText(vhdr, 'Header', /Brain ?Vision( Core| V-Amp)? Data( Exchange)? Header File,? Version [12]\.0/i);
  // Section names are matched case-insensitively, which also covers NeurOne's '[Common infos]'.
  const common = 'Common Infos';
  const where = (section: string, v: IniValue, key: string) => `[${section}] ${key} (line ${v.line})`;

  const fmtEntry = get(file, ini, common, 'DataFormat');
  if (fmtEntry.value.toUpperCase() !== 'BINARY') {
    throw new FormatError(file, where(common, fmtEntry, 'DataFormat'), `expected BINARY (ASCII data is not supported), found ${shown(fmtEntry.value)}`);
  }
  const binEntry = get(file, ini, 'Binary Infos', 'BinaryFormat');
  const binaryFormat = binEntry.value.toUpperCase() as BinaryFormat;
  if (!(binaryFormat in BYTES)) {
    throw new FormatError(
      file,
      where('Binary Infos', binEntry, 'BinaryFormat'),
      `expected INT_16, INT_32 or IEEE_FLOAT_32, found ${shown(binEntry.value)}`,
    );
  }
  const bigEndian = ini.get('binary infos')?.get('usebigendianorder')?.value.toUpperCase() === 'YES';
  const orientEntry = get(file, ini, common, 'DataOrientation');
  const orientation = orientEntry.value.toUpperCase() as DataOrientation;
  if (orientation !== 'MULTIPLEXED' && orientation !== 'VECTORIZED') {
    throw new FormatError(file, where(common, orientEntry, 'DataOrientation'), `expected MULTIPLEXED or VECTORIZED, found ${shown(orientEntry.value)}`);
  }
  const nchEntry = get(file, ini, common, 'NumberOfChannels');
  const nChannels = parseInteger(file, where(common, nchEntry, 'NumberOfChannels'), nchEntry.value);
  if (nChannels < 1) throw new FormatError(file, where(common, nchEntry, 'NumberOfChannels'), `expected at least 1, found ${nChannels}`);
  const siEntry = get(file, ini, common, 'SamplingInterval');
  const interval = parseNumber(file, where(common, siEntry, 'SamplingInterval'), siEntry.value);
  if (!(interval > 0)) {
    throw new FormatError(file, where(common, siEntry, 'SamplingInterval'), `expected an interval > 0 µs (sfreq = 1e6 / interval), found ${interval}`);
  }
  const sfreq = 1e6 / interval;

  // Channel Infos: Ch<n>=<name>,<reference>,<resolution>,<unit>
  const chSection = ini.get('channel infos');
  if (!chSection) throw new FormatError(file, '[Channel Infos]', 'expected this section, found none');
  const entries: ({ name: string; resolution: number; unit: string } | undefined)[] = new Array(nChannels).fill(undefined);
  for (const [key, v] of chSection) {
    const m = /^ch(\d+)$/.exec(key);
    if (!m) continue;
    const n = Number(m[1]);
    const at = `[Channel Infos] Ch${n} (line ${v.line})`;
    if (n < 1 || n > nChannels) throw new FormatError(file, at, `expected a channel number in 1..${nChannels} (NumberOfChannels), found ${n}`);
    const props = v.value.split(',');
    // The BrainVision spec's default unit is µV; PyCorder writes an empty one.
    if (props.length < 4) props.push('µV');
    else if (props[3] === '') props[3] = 'µV';
    const name = props[0].replace(/\\1/g, ',');
    const unit = props[3].replace(/\u00c2/g, '').trim();
    const resolution = props[2].trim() === '' ? 1 : parseNumber(file, `${at}, resolution`, props[2]);
    entries[n - 1] = { name, resolution, unit };
  }
  const missing = entries.findIndex((e) => e === undefined);
  if (missing >= 0) {
    throw new FormatError(file, '[Channel Infos]', `expected an entry Ch${missing + 1} (NumberOfChannels=${nChannels}), found none`);
  }
  const chans = entries as { name: string; resolution: number; unit: string }[];

  // Coordinates: Ch<n>=<radius>,<theta>,<phi> (mm, degrees), as MNE's BVEF handling.
  const positions: ([number, number, number] | null)[] = new Array<[number, number, number] | null>(nChannels).fill(null);
  const coordSection = ini.get('coordinates');
  if (coordSection) {
    for (const [key, v] of coordSection) {
      const m = /^ch(\d+)$/.exec(key);
      if (!m) continue;
      const n = Number(m[1]);
      const at = `[Coordinates] Ch${n} (line ${v.line})`;
      if (n < 1 || n > nChannels) throw new FormatError(file, at, `expected a channel number in 1..${nChannels}, found ${n}`);
      const parts = v.value.split(',');
      if (parts.length !== 3) throw new FormatError(file, at, `expected 'radius,theta,phi', found ${shown(v.value)}`);
      const [r, theta, phi] = parts.map((p, i) => parseNumber(file, `${at}, ${['radius', 'theta', 'phi'][i]}`, p));
      const rad = r === 1 ? HEAD_RADIUS_MM : r;
      const pol = (theta * Math.PI) / 180;
      const az = (phi * Math.PI) / 180;
      const xy = rad * Math.sin(pol);
      positions[n - 1] = [xy * Math.cos(az), xy * Math.sin(az), rad * Math.cos(pol)];
    }
  }

  const channels: ChannelInfo[] = chans.map((c, i) => {
    const isVolt = VOLTS.includes(c.unit);
    const pos = positions[i];
    let type: ChannelType;
    if (EOG_NAMES.includes(c.name)) type = 'eog';
    else if (!isVolt) type = 'misc';
    else if (c.name === 'STI 014') type = 'stim';
    // MNE: a channel listed under Coordinates at the origin has no real position.
    else if (pos && pos.every((x) => x === 0)) type = 'misc';
    else type = 'eeg';
    const scale = UNIT_SCALE[c.unit] ?? 1;
    const info: ChannelInfo = {
      name: c.name,
      type,
      unit: isVolt ? 'V' : (SI_UNIT[c.unit] ?? c.unit),
      resolution: c.resolution * scale,
    };
    if (pos && !pos.every((x) => x === 0)) info.position = pos;
    return info;
  });
  const factors = chans.map((c) => c.resolution * (UNIT_SCALE[c.unit] ?? 1));

  // Sibling files.
  const dataEntry = get(file, ini, common, 'DataFile');
  const markerEntry = get(file, ini, common, 'MarkerFile');
  const data = await resolve(dataEntry.value);
  if (!data) throw new FormatError(file, where(common, dataEntry, 'DataFile'), `expected the data file ${shown(dataEntry.value)} next to the header, found none`);
  const vmrk = await resolve(markerEntry.value);
  if (!vmrk) {
    throw new FormatError(file, where(common, markerEntry, 'MarkerFile'), `expected the marker file ${shown(markerEntry.value)} next to the header, found none`);
  }

  const bps = BYTES[binaryFormat];
  const frame = bps * nChannels;
  let nSamples: number;
  const pointsEntry = ini.get(common.toLowerCase())?.get('datapoints');
  const points = pointsEntry ? parseInteger(file, where(common, pointsEntry, 'DataPoints'), pointsEntry.value) : 0;
  if (orientation === 'VECTORIZED' && points > 0) {
    nSamples = points;
    if (data.size !== points * frame) {
      throw new FormatError(
        data.name,
        `file size (DataPoints=${points} at ${file} line ${pointsEntry?.line})`,
        `expected ${nChannels} channels × ${points} points × ${bps} bytes = ${points * frame} bytes, found ${data.size}`,
      );
    }
  } else {
    if (data.size % frame !== 0) {
      throw new FormatError(
        data.name,
        'file size',
        `expected a multiple of ${nChannels} channels × ${bps} bytes (${binaryFormat}) = ${frame} bytes, found ${data.size} (truncated or wrong header)`,
      );
    }
    nSamples = data.size / frame;
    if (points > 0 && points !== nSamples) {
      throw new FormatError(file, where(common, pointsEntry as IniValue, 'DataPoints'), `expected ${nSamples} (from the size of ${data.name}), found ${points}`);
    }
  }

  // Markers.
  const mk = await readText(vmrk, 'Marker', /Brain ?Vision( Core| V-Amp)? Data( Exchange)? Marker File,? Version [12]\.0/i);
  const annotations: Annotation[] = [];
  let measDate: Date | undefined;
  const markers = [...(mk.ini.get('marker infos') ?? new Map<string, IniValue>())].filter(([k]) => /^mk\d+$/.test(k));
  for (const [key, v] of markers) {
    const parts = v.value.split(',');
    const at = `Mk${key.slice(2)} (line ${v.line})`;
    if (parts.length < 3) throw new FormatError(vmrk.name, at, `expected '<type>,<description>,<position>,<size>,<channel>', found ${shown(v.value)}`);
    const type = parts[0].replace(/\\1/g, ',');
    const desc = parts[1].replace(/\\1/g, ',');
    const position = parseInteger(vmrk.name, `${at}, position`, parts[2]);
    const size = /^\d+$/.test((parts[3] ?? '').trim()) ? Number(parts[3]) : 0;
    if (measDate === undefined && type === 'New Segment' && parts.length >= 6) measDate = parseMarkerDate(parts[5].trim());
    // Positions are 1-based.
    annotations.push({ onset: (position - 1) / sfreq, duration: size / sfreq, description: `${type}/${desc}` });
  }
  annotations.sort((a, b) => a.onset - b.onset);

  const info: RecordingInfo = {
    format: 'BrainVision',
    sfreq,
    nSamples,
    channels,
    annotations: cropAnnotations(annotations, nSamples / sfreq),
    ...(positions.some((p) => p) ? { coordFrame: 'head' } : {}),
    ...(measDate ? { measDate } : {}),
    meta: { dataFile: dataEntry.value, markerFile: markerEntry.value, binaryFormat, orientation },
  };

  const sampleAt = (view: DataView, o: number): number => {
    const le = !bigEndian;
    if (binaryFormat === 'INT_16') return view.getInt16(o, le);
    if (binaryFormat === 'INT_32') return view.getInt32(o, le);
    return view.getFloat32(o, le);
  };
  const CHUNK = 4 * 1024 * 1024;

  return {
    info,
    binaryFormat,
    orientation,
    dataFile: dataEntry.value,
    markerFile: markerEntry.value,
    async readSamples(chIdx: number[], start: number, stop: number) {
      checkSampleRange(nChannels, nSamples, chIdx, start, stop);
      const out = chIdx.map(() => new Float64Array(stop - start));
      if (stop === start || chIdx.length === 0) return out;
      if (orientation === 'MULTIPLEXED') {
        // Samples are frames of all channels; read whole frames in chunks (channels of a frame are adjacent).
        const lo = Math.min(...chIdx);
        const hi = Math.max(...chIdx);
        const perRead = Math.max(1, Math.floor(CHUNK / frame));
        for (let s = start; s < stop; s += perRead) {
          const n = Math.min(perRead, stop - s);
          const bytes = await readRange(data, s * frame + lo * bps, (n - 1) * frame + (hi - lo + 1) * bps, `sample ${s}`);
          const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
          chIdx.forEach((c, k) => {
            const dst = out[k];
            const f = factors[c];
            for (let j = 0; j < n; j++) dst[s - start + j] = sampleAt(view, j * frame + (c - lo) * bps) * f;
          });
        }
      } else {
        // Each channel is one contiguous block of nSamples values.
        const perRead = Math.max(1, Math.floor(CHUNK / bps));
        for (let k = 0; k < chIdx.length; k++) {
          const c = chIdx[k];
          const f = factors[c];
          for (let s = start; s < stop; s += perRead) {
            const n = Math.min(perRead, stop - s);
            const bytes = await readRange(data, (c * nSamples + s) * bps, n * bps, `channel ${c + 1}, sample ${s}`);
            const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
            for (let j = 0; j < n; j++) out[k][s - start + j] = sampleAt(view, j * bps) * f;
          }
        }
      }
      return out;
    },
  };
}
