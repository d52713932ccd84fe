/**
 * EDF, EDF+ (C and D) and BDF reader, following mne.io.read_raw_edf / read_raw_bdf (MNE 1.3) where they
 * agree with the specs (edfplus.info, BioSemi). Only the header is read on open, plus one pass over the
 * annotation and trigger signals; samples are read per data record on demand.
 */
import {
  cropAnnotations,
  checkSampleRange,
  latin1,
  parseInteger,
  parseNumber,
  readRange,
  readStrided,
  shown,
} from './bytes';
import { findEvents, type MneEvent } from './events';
import {
  FormatError,
  type Annotation,
  type ByteSource,
  type ChannelInfo,
  type ChannelType,
  type RecordingInfo,
  type RecordingReader,
} from './types';

export type EdfVariant = 'EDF' | 'EDF+C' | 'EDF+D' | 'BDF' | 'BDF+C' | 'BDF+D';

export interface EdfOptions {
  /** Turn rising steps of the stim channel into annotations (mne.find_events); one pass over that signal. Default true. */
  stimEvents?: boolean;
  /** Trigger bits of the stim channel (find_events mask). Default 0xFFFF: BioSemi keeps status flags above. */
  stimMask?: number;
  /** Type channels from a label prefix such as 'EEG Fp1' or 'ECG' (MNE's infer_types), keeping the label. Default true. */
  inferTypes?: boolean;
}

export interface EdfReader extends RecordingReader {
  readonly variant: EdfVariant;
  readonly nRecords: number;
  /** Seconds per data record. */
  readonly recordDuration: number;
  /** Start of each data record in seconds after the first one (from EDF+ timekeeping TALs; evenly spaced otherwise). */
  readonly recordOnsets: Float64Array;
  /** mne.find_events rows of the stim channel, in samples. Empty without a stim channel or with stimEvents=false. */
  readonly events: MneEvent[];
}

/** Labels MNE treats as trigger channels (stim_channel='auto'). */
const STIM_NAMES = ['status', 'trigger'];
const TAL_NAMES = ['EDF Annotations', 'BDF Annotations'];
/** MNE's CH_TYPE_MAPPING, narrowed to our ChannelType (DBS and TEMP have no type of their own here). */
const PREFIX_TYPES: Record<string, ChannelType> = {
  EEG: 'eeg',
  SEEG: 'seeg',
  ECOG: 'ecog',
  DBS: 'seeg',
  EOG: 'eog',
  ECG: 'ecg',
  EMG: 'emg',
  BIO: 'bio',
  RESP: 'resp',
  TEMP: 'misc',
  MISC: 'misc',
  SAO2: 'bio',
};
/** Physical dimensions that are volts, with their factor to V. */
const VOLT_UNITS: Record<string, number> = { V: 1, mV: 1e-3, uV: 1e-6, 'µV': 1e-6, 'μV': 1e-6, '\x83\xCAV': 1e-6, nV: 1e-9 };

interface Signal {
  label: string;
  transducer: string;
  physDim: string;
  pmin: number;
  pmax: number;
  dmin: number;
  dmax: number;
  prefilter: string;
  nSamp: number;
  /** Byte offset of this signal inside a data record. */
  offset: number;
}

interface DataChannel {
  signal: Signal;
  stim: boolean;
  /** physical = (digital * cal + offset) * scale, computed as MNE does so values match bit for bit. */
  cal: number;
  off: number;
  scale: number;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

function parseStartDate(dateField: string, timeField: string, recordingId: string): Date | undefined {
  const time = /^(\d{2})\.(\d{2})\.(\d{2})$/.exec(timeField.trim());
  if (!time) return undefined;
  let day: number, month: number, year: number;
  // EDF+ repeats the date with a 4-digit year in the recording field; prefer it, as MNE does.
  const plus = /^Startdate (\d{2})-([A-Z]{3})-(\d{4}) /i.exec(recordingId);
  if (plus && MONTHS.includes(plus[2].toUpperCase())) {
    day = Number(plus[1]);
    month = MONTHS.indexOf(plus[2].toUpperCase()) + 1;
    year = Number(plus[3]);
  } else {
    const d = /^(\d{2})\.(\d{2})\.(\d{2})$/.exec(dateField.trim());
    if (!d) return undefined;
    day = Number(d[1]);
    month = Number(d[2]);
    const yy = Number(d[3]);
    year = yy < 85 ? 2000 + yy : 1900 + yy;
  }
  const [h, m, s] = [Number(time[1]), Number(time[2]), Number(time[3])];
  const date = new Date(Date.UTC(year, month - 1, day, h, m, s));
  // Date.UTC rolls over silently (31.02 -> 03.03); an impossible date is no date.
  if (date.getUTCDate() !== day || date.getUTCMonth() !== month - 1 || h > 23 || m > 59 || s > 59) return undefined;
  return date;
}

/** Channel names made unique the way MNE does: every duplicate becomes 'name-0', 'name-1', ... */
function uniqueNames(names: string[]): string[] {
  const out = [...names];
  const counts = new Map<string, number>();
  for (const n of names) counts.set(n, (counts.get(n) ?? 0) + 1);
  for (const [stem, count] of counts) {
    if (count < 2) continue;
    let k = 0;
    out.forEach((n, i) => {
      if (n === stem) {
        let candidate = `${stem}-${k}`;
        for (let extra = 0; out.includes(candidate); extra++) candidate = `${stem}-${k}${String.fromCharCode(97 + (extra % 26))}`;
        out[i] = candidate;
        k++;
      }
    });
  }
  return out;
}

function channelType(label: string, infer: boolean): ChannelType {
  if (STIM_NAMES.includes(label.toLowerCase())) return 'stim';
  if (!infer) return 'eeg';
  const parts = label.split(' ');
  const prefix = parts[0].toUpperCase();
  if (parts.length > 1 && prefix in PREFIX_TYPES) return PREFIX_TYPES[prefix];
  // A bare 'ECG', 'EOG' ... label says what it is too.
  if (prefix in PREFIX_TYPES && prefix !== 'EEG') return PREFIX_TYPES[prefix];
  return 'eeg';
}

interface Tal {
  onset: number;
  duration: number;
  texts: string[];
}

/** Parses the Time-stamped Annotation Lists of one record's annotation signal. */
function parseTals(file: string, where: string, bytes: Uint8Array): Tal[] {
  const tals: Tal[] = [];
  const decoder = new TextDecoder('utf-8');
  let i = 0;
  while (i < bytes.length) {
    if (bytes[i] === 0) {
      i++;
      continue;
    }
    let end = bytes.indexOf(0, i);
    if (end < 0) end = bytes.length;
    const text = decoder.decode(bytes.subarray(i, end));
    const m = /^([+-]\d+(?:\.\d*)?)(?:\x15(\d+(?:\.\d*)?))?\x14([\s\S]*)$/.exec(text);
    if (!m || !m[3].endsWith('\x14')) {
      throw new FormatError(file, `${where}, byte ${i}`, `expected a TAL '+onset[\\x15duration]\\x14text\\x14', found ${shown(text)}`);
    }
    tals.push({ onset: Number(m[1]), duration: m[2] ? Number(m[2]) : 0, texts: m[3].slice(0, -1).split('\x14') });
    i = end + 1;
  }
  return tals;
}

export async function openEdf(source: ByteSource, options: EdfOptions = {}): Promise<EdfReader> {
  const file = source.name;
  const fixed = await readRange(source, 0, 256, 'fixed header (256 bytes)');
  const field = (offset: number, length: number) => latin1(fixed.subarray(offset, offset + length));

  let bdf: boolean;
  if (fixed[0] === 0xff && field(1, 7) === 'BIOSEMI') bdf = true;
  else if (field(0, 8).trim() === '0') bdf = false;
  else {
    throw new FormatError(file, "header field 'version' (byte 0)", `expected '0' (EDF) or '\\xFFBIOSEMI' (BDF), found ${shown(field(0, 8))}`);
  }
  const bps = bdf ? 3 : 2;
  const kind = bdf ? 'BDF' : 'EDF';
  const patient = field(8, 80).trim();
  const recording = field(88, 80).trim();
  const headerBytes = parseInteger(file, "header field 'number of bytes in header' (byte 184)", field(184, 8));
  const reserved = field(192, 44).trim();
  let nRecords = parseInteger(file, "header field 'number of data records' (byte 236)", field(236, 8));
  const recordDuration = parseNumber(file, "header field 'duration of a data record' (byte 244)", field(244, 8).replace(',', '.'));
  const ns = parseInteger(file, "header field 'number of signals' (byte 252)", field(252, 4));
  if (ns < 1) throw new FormatError(file, "header field 'number of signals' (byte 252)", `expected at least 1 signal, found ${ns}`);
  if (headerBytes !== 256 * (ns + 1)) {
    throw new FormatError(
      file,
      "header field 'number of bytes in header' (byte 184)",
      `expected 256 + 256 × ${ns} signals = ${256 * (ns + 1)}, found ${headerBytes}`,
    );
  }
  const plus = /^(EDF|BDF)\+([CD])/.exec(reserved);
  const variant = (plus ? `${kind}+${plus[2]}` : kind) as EdfVariant;

  // Signal fields are stored field by field: all labels, then all transducers, ...
  const sh = await readRange(source, 256, 256 * ns, `signal headers (${ns} × 256 bytes)`);
  let pos = 0;
  const column = (width: number) => {
    const values: { text: string; at: number }[] = [];
    for (let s = 0; s < ns; s++) {
      values.push({ text: latin1(sh.subarray(pos, pos + width)), at: 256 + pos });
      pos += width;
    }
    return values;
  };
  const labels = column(16);
  const transducers = column(80);
  const dims = column(8);
  const pmins = column(8);
  const pmaxs = column(8);
  const dmins = column(8);
  const dmaxs = column(8);
  const prefilters = column(80);
  const nsamps = column(8);

  const [dLow, dHigh] = bdf ? [-(2 ** 23), 2 ** 23 - 1] : [-32768, 32767];
  const signals: Signal[] = [];
  let recordBytes = 0;
  for (let s = 0; s < ns; s++) {
    const label = labels[s].text.trim();
    const where = (name: string, at: number) => `signal ${s + 1} (${shown(label)}) '${name}' (byte ${at})`;
    const num = (name: string, f: { text: string; at: number }) => parseNumber(file, where(name, f.at), f.text.replace(',', '.'));
    const sig: Signal = {
      label,
      transducer: transducers[s].text.trim(),
      physDim: dims[s].text.trim(),
      pmin: num('physical minimum', pmins[s]),
      pmax: num('physical maximum', pmaxs[s]),
      dmin: num('digital minimum', dmins[s]),
      dmax: num('digital maximum', dmaxs[s]),
      prefilter: prefilters[s].text.trim(),
      nSamp: parseInteger(file, where('number of samples in each data record', nsamps[s].at), nsamps[s].text),
      offset: recordBytes,
    };
    if (sig.nSamp < 1) {
      throw new FormatError(file, where('number of samples in each data record', nsamps[s].at), `expected at least 1, found ${sig.nSamp}`);
    }
    for (const [name, value, f] of [
      ['digital minimum', sig.dmin, dmins[s]],
      ['digital maximum', sig.dmax, dmaxs[s]],
    ] as const) {
      if (value < dLow || value > dHigh) {
        throw new FormatError(file, where(name, f.at), `expected a ${bps * 8}-bit value in [${dLow}, ${dHigh}], found ${value}`);
      }
    }
    signals.push(sig);
    recordBytes += sig.nSamp * bps;
  }

  const talSignals = signals.filter((s) => TAL_NAMES.includes(s.label));
  if (plus && talSignals.length === 0) {
    throw new FormatError(file, "header field 'reserved' (byte 192)", `${variant} requires an '${kind} Annotations' signal, found none among ${ns} signals`);
  }
  const dataSignals = signals.filter((s) => !TAL_NAMES.includes(s.label));
  const inferTypes = options.inferTypes ?? true;
  const types = dataSignals.map((s) => channelType(s.label, inferTypes));

  const available = Math.floor((source.size - headerBytes) / recordBytes);
  if (nRecords === -1) {
    // -1 is what a recorder writes before it knows; the file size tells.
    nRecords = Math.max(available, 0);
  } else if (nRecords < 0) {
    throw new FormatError(file, "header field 'number of data records' (byte 236)", `expected a count >= 0 (or -1), found ${nRecords}`);
  } else if (headerBytes + nRecords * recordBytes > source.size) {
    throw new FormatError(
      file,
      "header field 'number of data records' (byte 236)",
      `${nRecords} records × ${recordBytes} bytes + ${headerBytes}-byte header = ${headerBytes + nRecords * recordBytes} bytes expected, ` +
        `found a file of ${source.size} bytes (truncated; ${available} complete records)`,
    );
  }

  // sfreq from the fastest non-stim signal; slower ones are held sample-and-hold onto that grid.
  const nonStim = dataSignals.filter((_, i) => types[i] !== 'stim');
  const spr = Math.max(...(nonStim.length > 0 ? nonStim : dataSignals).map((s) => s.nSamp), 1);
  if (dataSignals.length > 0 && !(recordDuration > 0)) {
    throw new FormatError(
      file,
      "header field 'duration of a data record' (byte 244)",
      `expected a duration > 0 s (sfreq = samples per record / duration), found ${recordDuration}`,
    );
  }
  const sfreq = spr / recordDuration;
  const nSamples = nRecords * spr;

  const names = uniqueNames(dataSignals.map((s) => s.label));
  const channels: ChannelInfo[] = [];
  const dataChannels: DataChannel[] = [];
  dataSignals.forEach((sig, i) => {
    const stim = types[i] === 'stim';
    // As MNE: a zero range would divide by zero; it warns and uses 1.
    const drange = sig.dmax - sig.dmin || 1;
    const prange = sig.pmax - sig.pmin || 1;
    const cal = prange / drange;
    const off = sig.pmin - sig.dmin * cal;
    const volts = VOLT_UNITS[sig.physDim];
    const scale = stim ? 1 : (volts ?? 1);
    dataChannels.push({ signal: sig, stim, cal, off, scale });
    const info: ChannelInfo = {
      name: names[i],
      type: types[i],
      unit: stim ? 'n/a' : volts !== undefined ? 'V' : sig.physDim,
      resolution: stim ? 1 : Math.abs(cal) * scale,
    };
    channels.push(info);
  });

  const readDigital = bdf
    ? (b: Uint8Array, o: number) => ((b[o] | (b[o + 1] << 8) | (b[o + 2] << 16)) << 8) >> 8
    : (b: Uint8Array, o: number) => ((b[o] | (b[o + 1] << 8)) << 16) >> 16;

  const toValue = (ch: DataChannel, d: number) =>
    // MNE applies cal/offset to the stim channel of EDF (not BDF), then keeps 17 bits of the integer.
    ch.stim ? Math.trunc(bdf ? d : d * ch.cal + ch.off) & 0x1ffff : (d * ch.cal + ch.off) * ch.scale;

  /** Decodes the samples of record r that fall into [start, stop) for each channel. */
  const decode = (chs: DataChannel[], out: Float64Array[], start: number, stop: number, r: number, bytes: Uint8Array, spanStart: number) => {
    const j0 = Math.max(start, r * spr);
    const j1 = Math.min(stop, (r + 1) * spr);
    chs.forEach((ch, k) => {
      const base = ch.signal.offset - spanStart;
      const n = ch.signal.nSamp;
      const dst = out[k];
      for (let j = j0; j < j1; j++) {
        const within = j - r * spr;
        const idx = n === spr ? within : Math.floor((within * n) / spr);
        dst[j - start] = toValue(ch, readDigital(bytes, base + idx * bps));
      }
    });
  };

  const readChannels = async (chs: DataChannel[], start: number, stop: number): Promise<Float64Array[]> => {
    const out = chs.map(() => new Float64Array(stop - start));
    if (stop <= start || chs.length === 0) return out;
    const spanStart = Math.min(...chs.map((c) => c.signal.offset));
    const spanEnd = Math.max(...chs.map((c) => c.signal.offset + c.signal.nSamp * bps));
    const r0 = Math.floor(start / spr);
    const r1 = Math.floor((stop - 1) / spr);
    await readStrided(source, headerBytes, recordBytes, r0, r1, spanStart, spanEnd - spanStart, (r) => `data record ${r}`, (r, bytes) =>
      decode(chs, out, start, stop, r, bytes, spanStart),
    );
    return out;
  };

  // Annotations and record onsets from the TAL signals.
  const recordOnsets = new Float64Array(nRecords);
  for (let r = 0; r < nRecords; r++) recordOnsets[r] = r * recordDuration;
  const annotations: Annotation[] = [];
  if (talSignals.length > 0 && nRecords > 0) {
    const spanStart = Math.min(...talSignals.map((s) => s.offset));
    const spanEnd = Math.max(...talSignals.map((s) => s.offset + s.nSamp * bps));
    const raw: { t: number; duration: number; text: string }[] = [];
    let firstOnset: number | undefined;
    await readStrided(source, headerBytes, recordBytes, 0, nRecords - 1, spanStart, spanEnd - spanStart, (r) => `data record ${r}`, (r, bytes) => {
      talSignals.forEach((sig, k) => {
        const at = headerBytes + r * recordBytes + sig.offset;
        const where = `data record ${r}, '${sig.label}' signal (byte ${at})`;
        const tals = parseTals(file, where, bytes.subarray(sig.offset - spanStart, sig.offset - spanStart + sig.nSamp * bps));
        tals.forEach((tal, ti) => {
          let texts = tal.texts;
          // The first TAL of a record's first annotation signal is the timekeeping one: its empty text marks the record start.
          if (k === 0 && ti === 0 && texts[0] === '') {
            if (firstOnset === undefined) firstOnset = tal.onset;
            recordOnsets[r] = tal.onset - firstOnset;
            texts = texts.slice(1);
          }
          for (const text of texts) if (text !== '') raw.push({ t: tal.onset, duration: tal.duration, text });
        });
      });
    });
    const t0 = firstOnset ?? 0;
    for (let r = 1; r < nRecords; r++) {
      if (recordOnsets[r] < recordOnsets[r - 1] + recordDuration - 1e-7 && variant.endsWith('+D')) {
        throw new FormatError(
          file,
          `data record ${r} (byte ${headerBytes + r * recordBytes})`,
          `expected a record onset >= ${recordOnsets[r - 1] + recordDuration} s (previous onset + record duration), found ${recordOnsets[r]} s`,
        );
      }
    }
    const discontinuous = variant.endsWith('+D');
    /** EDF+D: map file time onto the concatenated samples (the record holding it, or the last one before a gap). */
    const toSampleTime = (t: number) => {
      if (!discontinuous) return t;
      let lo = 0;
      let hi = nRecords - 1;
      if (t < recordOnsets[0]) return t;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (recordOnsets[mid] <= t + 1e-9) lo = mid;
        else hi = mid - 1;
      }
      return lo * recordDuration + Math.min(t - recordOnsets[lo], recordDuration);
    };
    for (const a of raw) annotations.push({ onset: toSampleTime(a.t - t0), duration: a.duration, description: a.text });
    if (discontinuous) {
      // Same markers MNE puts where concatenate_raws joins two recordings.
      for (let r = 1; r < nRecords; r++) {
        if (recordOnsets[r] - recordOnsets[r - 1] > recordDuration + 1e-7) {
          annotations.push({ onset: r * recordDuration, duration: 0, description: 'BAD boundary' });
          annotations.push({ onset: r * recordDuration, duration: 0, description: 'EDGE boundary' });
        }
      }
    }
  }

  let events: MneEvent[] = [];
  const stimIndex = types.indexOf('stim');
  if (stimIndex >= 0 && (options.stimEvents ?? true) && nSamples > 0) {
    const [values] = await readChannels([dataChannels[stimIndex]], 0, nSamples);
    events = findEvents(values, { mask: options.stimMask ?? 0xffff });
    for (const [sample, , id] of events) annotations.push({ onset: sample / sfreq, duration: 0, description: String(id) });
  }

  const gaps = variant.endsWith('+D') ? annotations.filter((a) => a.description === 'BAD boundary').length : 0;
  const info: RecordingInfo = {
    format: variant,
    sfreq,
    nSamples,
    channels,
    annotations: cropAnnotations(
      annotations.sort((a, b) => a.onset - b.onset),
      nSamples / sfreq,
    ),
    measDate: parseStartDate(field(168, 8), field(176, 8), recording),
    meta: {
      patient,
      recording,
      records: nRecords,
      recordDuration,
      ...(gaps > 0 ? { gaps } : {}),
    },
  };

  return {
    info,
    variant,
    nRecords,
    recordDuration,
    recordOnsets,
    events,
    async readSamples(chIdx: number[], start: number, stop: number) {
      checkSampleRange(channels.length, nSamples, chIdx, start, stop);
      return readChannels(
        chIdx.map((c) => dataChannels[c]),
        start,
        stop,
      );
    },
  };
}
