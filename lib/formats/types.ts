/**
 * One interface for every recording format, in MNE-Python's vocabulary (info['sfreq'], ch_names, annotations).
 * Readers are IO-free: they get a `ByteSource` (random access into the file's bytes) and read in chunks,
 * so multi-GB files never sit in memory whole.
 */

/** Random access to the bytes of one file. `read` returns exactly `length` bytes or throws past the end. */
export interface ByteSource {
  /** File name as the user gave it; every error message names it. */
  readonly name: string;
  readonly size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** Resolves the sibling files a format refers to (BrainVision's .vmrk/.eeg, BIDS sidecars). */
export type SiblingResolver = (relativeName: string) => Promise<ByteSource | null>;

export type ChannelType = 'eeg' | 'seeg' | 'ecog' | 'eog' | 'ecg' | 'emg' | 'stim' | 'misc' | 'resp' | 'bio';

export interface ChannelInfo {
  name: string;
  type: ChannelType;
  /** SI unit of the values returned by `readSamples` (volts for electrophysiology). */
  unit: string;
  /** Smallest step between two representable values in `unit` (e.g. EDF's physical range / digital range). */
  resolution?: number;
  /** Position in millimetres in `coordFrame`, when the file carries one. */
  position?: [number, number, number];
  /** Anatomical label from the file, when present. */
  location?: string;
  /** Electrode group / shaft, when present. */
  group?: string;
}

/** An event or annotation: onset and duration in seconds from the first sample. */
export interface Annotation {
  onset: number;
  duration: number;
  description: string;
}

export interface RecordingInfo {
  format: string;
  sfreq: number;
  nSamples: number;
  channels: ChannelInfo[];
  annotations: Annotation[];
  /** Coordinate frame of channel positions ('mni_tal', 'head', 'unknown', ...). */
  coordFrame?: string;
  /** Recording start in UTC, when the file states it. */
  measDate?: Date;
  /** Format-specific facts worth showing a user (patient code, device, ...). */
  meta?: Record<string, string | number>;
}

export interface RecordingReader {
  readonly info: RecordingInfo;
  /**
   * Samples [start, stop) of the chosen channels (indices into info.channels), in each channel's `unit`.
   * Returns one Float64Array per channel. Reads only the bytes it needs.
   */
  readSamples(channels: number[], start: number, stop: number): Promise<Float64Array[]>;
}

/** Epoched data as produced by a preprocessing pipeline (MNE's Epochs.get_data()). */
export interface EpochsData {
  sfreq: number;
  /** Time of the first sample relative to the event, in seconds. */
  tmin: number;
  chNames: string[];
  nEpochs: number;
  nTimes: number;
  /** epochs x channels x times, volts, C order. */
  data: Float32Array;
  /** One label per epoch, when known. */
  labels?: string[];
  /** channels x 3, MNI mm. */
  positions?: Float32Array;
}

/** A reader's complaint about its input: which file, where in it, and what was expected. */
export class FormatError extends Error {
  constructor(
    readonly file: string,
    readonly where: string,
    readonly problem: string,
  ) {
    super(`${file}: ${where}: ${problem}`);
    this.name = 'FormatError';
  }
}
