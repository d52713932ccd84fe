/**
 * The binary frame a device bridge posts to a live session (docs/streaming.md): a 32-byte little-endian header,
 * then float32 samples in volts, interleaved (all channels of sample 0, then of sample 1, ...). A request body may
 * carry several frames back to back.
 *
 *   offset  size  field
 *        0     4  magic, the ASCII bytes "BGEF"
 *        4     2  version, uint16 = 1
 *        6     2  header length in bytes, uint16 (32 in version 1; samples start here)
 *        8     4  sequence number, uint32, +1 per frame (wraps at 2^32): gaps count as dropped frames
 *       12     2  nChannels, uint16
 *       14     2  nSamples per channel in this frame, uint16
 *       16     8  sfreq in Hz, float64
 *       24     8  timestamp of the first sample, float64, ms since the Unix epoch on the device's clock
 */

export const FRAME_MAGIC = 'BGEF';
export const FRAME_VERSION = 1;
export const FRAME_HEADER_BYTES = 32;

export interface EegFrame {
  sequence: number;
  nChannels: number;
  nSamples: number;
  sfreq: number;
  timestamp: number;
  /** nSamples x nChannels, interleaved, volts. */
  samples: Float32Array;
}

/** What is wrong with a frame, and where: the message is meant for whoever writes the device bridge. */
export class FrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FrameError';
  }
}

const MAGIC_BYTES = Array.from(FRAME_MAGIC, (c) => c.charCodeAt(0));

export function encodeFrame(frame: Omit<EegFrame, 'nSamples'> & { nSamples?: number }): Uint8Array {
  const nSamples = frame.nSamples ?? frame.samples.length / frame.nChannels;
  if (!Number.isInteger(nSamples) || frame.samples.length !== nSamples * frame.nChannels) {
    throw new RangeError(`encodeFrame: ${frame.samples.length} samples are not ${frame.nChannels} channels x whole samples`);
  }
  const bytes = new Uint8Array(FRAME_HEADER_BYTES + 4 * frame.samples.length);
  const view = new DataView(bytes.buffer);
  MAGIC_BYTES.forEach((b, i) => view.setUint8(i, b));
  view.setUint16(4, FRAME_VERSION, true);
  view.setUint16(6, FRAME_HEADER_BYTES, true);
  view.setUint32(8, frame.sequence >>> 0, true);
  view.setUint16(12, frame.nChannels, true);
  view.setUint16(14, nSamples, true);
  view.setFloat64(16, frame.sfreq, true);
  view.setFloat64(24, frame.timestamp, true);
  for (let i = 0; i < frame.samples.length; i++) view.setFloat32(FRAME_HEADER_BYTES + 4 * i, frame.samples[i], true);
  return bytes;
}

/** Reads every frame of a request body; the first problem found is thrown as a FrameError naming frame and byte. */
export function decodeFrames(bytes: Uint8Array): EegFrame[] {
  if (bytes.length === 0) throw new FrameError('the body is empty: expected one or more frames (docs/streaming.md)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const frames: EegFrame[] = [];
  for (let at = 0; at < bytes.length; ) {
    const where = `frame ${frames.length} at byte ${at}`;
    if (bytes.length - at < FRAME_HEADER_BYTES) throw new FrameError(`${where}: ${bytes.length - at} bytes left, a frame header needs ${FRAME_HEADER_BYTES}`);
    if (!MAGIC_BYTES.every((b, i) => bytes[at + i] === b)) {
      const found = Array.from(bytes.subarray(at, at + 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
      throw new FrameError(`${where}: the magic bytes are ${found}, expected "${FRAME_MAGIC}" (42 47 45 46)`);
    }
    const version = view.getUint16(at + 4, true);
    if (version !== FRAME_VERSION) throw new FrameError(`${where}: version ${version} is not supported (this server reads version ${FRAME_VERSION})`);
    const headerBytes = view.getUint16(at + 6, true);
    if (headerBytes < FRAME_HEADER_BYTES || headerBytes % 4 !== 0) {
      throw new FrameError(`${where}: header length ${headerBytes} must be a multiple of 4 and at least ${FRAME_HEADER_BYTES}`);
    }
    const sequence = view.getUint32(at + 8, true);
    const nChannels = view.getUint16(at + 12, true);
    const nSamples = view.getUint16(at + 14, true);
    const sfreq = view.getFloat64(at + 16, true);
    const timestamp = view.getFloat64(at + 24, true);
    if (nChannels === 0 || nSamples === 0) throw new FrameError(`${where}: nChannels (${nChannels}) and nSamples (${nSamples}) must be at least 1`);
    if (!(sfreq > 0 && Number.isFinite(sfreq))) throw new FrameError(`${where}: sfreq must be a positive number of Hz, got ${sfreq}`);
    if (!Number.isFinite(timestamp)) throw new FrameError(`${where}: timestamp must be a finite number of ms, got ${timestamp}`);
    const n = nChannels * nSamples;
    const start = at + headerBytes;
    if (bytes.length - start < 4 * n) {
      throw new FrameError(
        `${where}: the header announces ${nChannels} channels x ${nSamples} samples (${4 * n} bytes of float32), but ${Math.max(0, bytes.length - start)} bytes follow`,
      );
    }
    const samples = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const v = view.getFloat32(start + 4 * i, true);
      if (!Number.isFinite(v)) throw new FrameError(`${where}: sample ${Math.floor(i / nChannels)} of channel ${i % nChannels} is ${v}; send finite volts`);
      samples[i] = v;
    }
    frames.push({ sequence, nChannels, nSamples, sfreq, timestamp, samples });
    at = start + 4 * n;
  }
  return frames;
}
