/** Picks the reader for a file from its extension and first bytes. */
import { latin1, memorySource } from './bytes';
import { openBrainVision } from './brainvision';
import { openEdf, type EdfOptions } from './edf';
import { FormatError, type ByteSource, type RecordingReader, type SiblingResolver } from './types';

export type FormatName = 'edf' | 'bdf' | 'brainvision' | 'npz' | 'npy';

export * from './types';
export { memorySource } from './bytes';
export { openEdf, type EdfOptions, type EdfReader, type EdfVariant } from './edf';
export { openBrainVision, type BrainVisionReader, type BinaryFormat, type DataOrientation } from './brainvision';
export { readEpochsNpz, readNpz } from './npz';
export { parseNpy, readNpy, writeNpy, type NpyArray, type NpyData } from './npy';
export { findEvents, type FindEventsOptions, type MneEvent } from './events';

function extension(name: string): string {
  const m = /\.([^./\\]+)$/.exec(name);
  return m ? m[1].toLowerCase() : '';
}

/** Format by magic bytes first (names lie after renames), by extension where the bytes can't tell. */
export async function detectFormat(source: ByteSource): Promise<FormatName | null> {
  const head = await source.read(0, Math.min(source.size, 64));
  const text = latin1(head);
  if (head[0] === 0xff && text.startsWith('BIOSEMI', 1)) return 'bdf';
  if (text.startsWith('0       ') && source.size >= 256) return 'edf';
  if (/^(\uFEFF|\xEF\xBB\xBF)?Brain ?Vision[^\r\n]*Header/i.test(text)) return 'brainvision';
  if (text.startsWith('\x93NUMPY')) return 'npy';
  const ext = extension(source.name);
  // Any zip could be an .npz; only trust the name for that.
  if (text.startsWith('PK\x03\x04') || text.startsWith('PK\x05\x06')) return ext === 'npz' ? 'npz' : null;
  const byExt: Record<string, FormatName> = { edf: 'edf', bdf: 'bdf', vhdr: 'brainvision', npz: 'npz', npy: 'npy' };
  return byExt[ext] ?? null;
}

/** Opens a continuous recording (EDF/EDF+/BDF, BrainVision); epochs (.npz) go through readEpochsNpz. */
export async function openRecording(source: ByteSource, resolve: SiblingResolver, options: EdfOptions = {}): Promise<RecordingReader> {
  const ext = extension(source.name);
  if (ext === 'eeg' || ext === 'vmrk') {
    throw new FormatError(source.name, 'file name', `expected the BrainVision header (.vhdr) that names this .${ext} file, found the .${ext} itself`);
  }
  if (source.size === 0) throw new FormatError(source.name, 'byte 0', 'expected a recording, found an empty file');
  const format = await detectFormat(source);
  switch (format) {
    case 'edf':
    case 'bdf':
      return openEdf(source, options);
    case 'brainvision':
      return openBrainVision(source, resolve);
    case 'npz':
    case 'npy':
      throw new FormatError(source.name, 'format', `expected a continuous recording, found a NumPy .${format} file (read epochs with readEpochsNpz)`);
    default: {
      const head = await source.read(0, Math.min(source.size, 8));
      const hdf5 = latin1(head).startsWith('\x89HDF');
      throw new FormatError(
        source.name,
        'format',
        `expected EDF, EDF+, BDF or BrainVision (.vhdr), found ${hdf5 ? 'an HDF5 file (e.g. NWB), which this reader does not open' : `an unknown format (extension '.${ext}', first bytes ${JSON.stringify(latin1(head))})`}`,
      );
    }
  }
}

/** Convenience for in-memory uploads: a resolver over a set of named files. */
export function resolverFromFiles(files: Record<string, Uint8Array>): SiblingResolver {
  return async (name: string) => {
    const key = Object.keys(files).find((k) => k === name || k.split(/[\\/]/).pop() === name.split(/[\\/]/).pop());
    return key === undefined ? null : memorySource(key, files[key]);
  };
}
