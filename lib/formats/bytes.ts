/** Small IO-free helpers shared by the format readers. */
import { FormatError, type Annotation, type ByteSource } from './types';

/** A ByteSource over bytes already in memory (browser uploads, zip members, tests). */
export function memorySource(name: string, bytes: Uint8Array): ByteSource {
  return {
    name,
    size: bytes.length,
    async read(offset: number, length: number): Promise<Uint8Array> {
      if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || offset + length > bytes.length) {
        throw new RangeError(`${name}: read(${offset}, ${length}) is outside the file (size ${bytes.length})`);
      }
      return bytes.subarray(offset, offset + length);
    },
  };
}

/** Reads a range the format says must exist; a short file becomes a FormatError naming what was being read. */
export async function readRange(source: ByteSource, offset: number, length: number, where: string): Promise<Uint8Array> {
  if (offset + length > source.size) {
    throw new FormatError(
      source.name,
      where,
      `file is truncated: expected bytes ${offset}..${offset + length}, found a file of ${source.size} bytes`,
    );
  }
  return source.read(offset, length);
}

/** EDF headers and other fixed fields are plain 8-bit text. */
export function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

/** Decodes text as UTF-8, falling back to Latin-1 as MNE does for legacy files. */
export function decodeText(bytes: Uint8Array, encoding = 'utf-8'): string {
  const label = /^(ansi|latin-?1|cp1252|windows-1252|iso-8859-1)$/i.test(encoding) ? 'latin1' : 'utf-8';
  if (label === 'latin1') return new TextDecoder('latin1').decode(bytes);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('latin1').decode(bytes);
  }
}

/** Quotes a found value for an error message, short enough to read. */
export function shown(value: string): string {
  const v = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  return JSON.stringify(v);
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;

/** Parses a decimal number or throws a FormatError saying what was found there. */
export function parseNumber(file: string, where: string, text: string): number {
  const t = text.trim();
  if (!DECIMAL.test(t)) throw new FormatError(file, where, `expected a number, found ${shown(t)}`);
  return Number(t);
}

export function parseInteger(file: string, where: string, text: string): number {
  const t = text.trim();
  if (!INTEGER.test(t)) throw new FormatError(file, where, `expected an integer, found ${shown(t)}`);
  return Number(t);
}

/**
 * Keeps annotations that overlap [0, tmax] and clips the rest to it, as MNE's
 * Raw.set_annotations does (tmax = n_samples / sfreq).
 */
export function cropAnnotations(annotations: Annotation[], tmax: number): Annotation[] {
  const out: Annotation[] = [];
  for (const a of annotations) {
    const end = a.onset + a.duration;
    if (a.onset > tmax || end < 0) continue;
    const onset = Math.max(a.onset, 0);
    out.push({ onset, duration: Math.min(end, tmax) - onset, description: a.description });
  }
  return out;
}

/** Validates readSamples arguments; a caller bug, so RangeError rather than FormatError. */
export function checkSampleRange(nChannels: number, nSamples: number, channels: number[], start: number, stop: number): void {
  for (const c of channels) {
    if (!Number.isInteger(c) || c < 0 || c >= nChannels) throw new RangeError(`channel index ${c} outside 0..${nChannels - 1}`);
  }
  if (!Number.isInteger(start) || !Number.isInteger(stop) || start < 0 || stop < start || stop > nSamples) {
    throw new RangeError(`sample range [${start}, ${stop}) outside [0, ${nSamples})`);
  }
}

/**
 * Reads byte ranges [base + i*stride + spanStart, +spanLength) for i in [first, last]: large reads when the
 * gaps are small, otherwise one read per item, so a few channels of a wide file don't pull in every channel.
 */
export async function readStrided(
  source: ByteSource,
  base: number,
  stride: number,
  first: number,
  last: number,
  spanStart: number,
  spanLength: number,
  where: (i: number) => string,
  visit: (i: number, bytes: Uint8Array) => void,
): Promise<void> {
  const CHUNK = 4 * 1024 * 1024;
  // One big read when at least half of it is wanted (or the gaps are tiny); else skip the gaps.
  if (stride - spanLength <= Math.max(4096, spanLength)) {
    const perRead = Math.max(1, Math.floor(CHUNK / stride));
    for (let i = first; i <= last; i += perRead) {
      const n = Math.min(perRead, last - i + 1);
      const bytes = await readRange(source, base + i * stride + spanStart, (n - 1) * stride + spanLength, where(i));
      for (let k = 0; k < n; k++) visit(i + k, bytes.subarray(k * stride, k * stride + spanLength));
    }
    return;
  }
  const PARALLEL = 32;
  for (let i = first; i <= last; i += PARALLEL) {
    const ids: number[] = [];
    for (let k = i; k <= Math.min(last, i + PARALLEL - 1); k++) ids.push(k);
    const parts = await Promise.all(ids.map((k) => readRange(source, base + k * stride + spanStart, spanLength, where(k))));
    parts.forEach((bytes, j) => visit(ids[j], bytes));
  }
}
