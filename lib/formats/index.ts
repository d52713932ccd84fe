/** Picks the reader for a file from its extension and first bytes. */
import { latin1, memorySource } from './bytes';
import { openBrainVision } from './brainvision';
import { bidsFolderFromZip, findBidsRecordings, openBids, type BidsOptions } from './bids';
import { openEdf, type EdfOptions } from './edf';
import { openNwb, type NwbOptions } from './nwb';
import { FormatError, type ByteSource, type RecordingReader, type SiblingResolver } from './types';

export type FormatName = 'edf' | 'bdf' | 'brainvision' | 'npz' | 'npy' | 'nwb' | 'bids-zip';

/** Options of openRecording: EDF's at the top level (as before), NWB's and BIDS's under their names. */
export interface RecordingOptions extends EdfOptions {
  nwb?: NwbOptions;
  bids?: Omit<BidsOptions, keyof EdfOptions>;
}

export * from './types';
export { memorySource } from './bytes';
export { openEdf, type EdfOptions, type EdfReader, type EdfVariant } from './edf';
export { openBrainVision, type BrainVisionReader, type BinaryFormat, type DataOrientation } from './brainvision';
export { openNwb, type NwbOptions, type NwbReader } from './nwb';
export { bidsFolderFromZip, findBidsRecordings, openBids, openBidsZip, type BidsFolder, type BidsOptions, type BidsReader } from './bids';
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
  // NWB 2 is the only HDF5 layout read here; openNwb says so when a file is some other HDF5.
  if (text.startsWith('\x89HDF\r\n\x1a\n')) return 'nwb';
  const ext = extension(source.name);
  if (text.startsWith('PK\x03\x04') || text.startsWith('PK\x05\x06')) {
    // Any zip could be an .npz; only trust the name for that. Otherwise a zip is a BIDS folder if it holds a recording.
    if (ext === 'npz') return 'npz';
    try {
      const folder = await bidsFolderFromZip(source);
      return findBidsRecordings(folder.files).length > 0 ? 'bids-zip' : null;
    } catch {
      return null;
    }
  }
  const byExt: Record<string, FormatName> = { edf: 'edf', bdf: 'bdf', vhdr: 'brainvision', npz: 'npz', npy: 'npy', nwb: 'nwb' };
  return byExt[ext] ?? null;
}

/**
 * Opens a continuous recording (EDF/EDF+/BDF, BrainVision, NWB, a zipped BIDS folder with one recording);
 * epochs (.npz) go through readEpochsNpz, an unzipped BIDS folder through openBids.
 */
export async function openRecording(source: ByteSource, resolve: SiblingResolver, options: RecordingOptions = {}): Promise<RecordingReader> {
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
    case 'nwb':
      return openNwb(source, options.nwb);
    case 'bids-zip':
      return openBids(await bidsFolderFromZip(source), { ...options, ...options.bids });
    case 'npz':
    case 'npy':
      throw new FormatError(source.name, 'format', `expected a continuous recording, found a NumPy .${format} file (read epochs with readEpochsNpz)`);
    default: {
      const head = await source.read(0, Math.min(source.size, 8));
      throw new FormatError(
        source.name,
        'format',
        `expected EDF, EDF+, BDF or BrainVision (.vhdr), found an unknown format (extension '.${ext}', first bytes ${JSON.stringify(latin1(head))})`,
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
export { readElectrodesTsv, Tsv, type ElectrodeRow } from './tsv';
