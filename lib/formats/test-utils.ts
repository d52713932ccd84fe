/** Test-only helpers: node:fs-backed ByteSources that count what the readers read. */
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import path from 'node:path';
import { FormatError, type ByteSource, type SiblingResolver } from './types';

const HERE = path.dirname(new URL(import.meta.url).pathname);
/** ../shared beside the checkout, as in CI (the repository root is two folders up). */
export const RECORDINGS = process.env.BRAINGLASS_RECORDINGS ?? path.resolve(HERE, '../../../shared/data/recordings');
export const FIXTURES = path.join(HERE, 'fixtures');

export interface CountingSource extends ByteSource {
  /** Bytes handed out so far; tests check readers read only what they need. */
  bytesRead: number;
  reads: number;
  close(): void;
}

export function fileSource(file: string): CountingSource {
  const fd = openSync(file, 'r');
  const size = fstatSync(fd).size;
  const src: CountingSource = {
    name: path.basename(file),
    size,
    bytesRead: 0,
    reads: 0,
    async read(offset: number, length: number) {
      if (offset < 0 || length < 0 || offset + length > size) throw new RangeError(`read(${offset}, ${length}) past end of ${file}`);
      const buf = new Uint8Array(length);
      let done = 0;
      while (done < length) done += readSync(fd, buf, done, length - done, offset + done);
      src.bytesRead += length;
      src.reads++;
      return buf;
    },
    close: () => closeSync(fd),
  };
  return src;
}

export function dirResolver(dir: string): SiblingResolver {
  return async (name: string) => {
    const p = path.join(dir, name);
    return existsSync(p) ? fileSource(p) : null;
  };
}

export function readBytes(file: string): Uint8Array {
  return new Uint8Array(readFileSync(file));
}

export function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/** Runs `fn` and returns the FormatError it throws (failing if it throws something else or nothing). */
export async function formatError(fn: () => Promise<unknown>): Promise<FormatError> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof FormatError) return err;
    throw new Error(`expected a FormatError, got ${String(err)}`);
  }
  throw new Error('expected a FormatError, but nothing was thrown');
}

/** Reference JSON written by MNE-Python (reference-mne.json entries and fixtures/*.mne.json). */
export interface MneReference {
  sfreq: number;
  n_samples: number;
  ch_names: string[];
  ch_types: string[];
  first_samples_volts?: Record<string, number[]>;
  channel_mean_volts?: number[];
  channel_std_volts?: number[];
  data?: number[][];
  annotations: { onset_s: number; duration_s: number; description: string }[];
  meas_date?: string | null;
  positions_mm?: ([number, number, number] | null)[];
  events?: [number, number, number][];
}
