import type { SignalLayout } from '@/db/schema';
import type { BlobStore } from './blobs';

/** Samples [start, stop) of one channel of a stored recording, read from only the chunk rows that hold them. */
export async function readChannel(
  blobs: BlobStore,
  layout: SignalLayout,
  nSamples: number,
  channel: number,
  start = 0,
  stop = nSamples,
): Promise<Float32Array> {
  const out = new Float32Array(stop - start);
  for (let c = Math.floor(start / layout.chunkSamples); c * layout.chunkSamples < stop; c++) {
    const chunkStart = c * layout.chunkSamples;
    const length = Math.min(layout.chunkSamples, nSamples - chunkStart);
    const from = Math.max(start, chunkStart) - chunkStart;
    const to = Math.min(stop, chunkStart + length) - chunkStart;
    const bytes = await blobs.readRange(layout.chunks[c]!, (channel * length + from) * 4, (to - from) * 4);
    out.set(new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)), chunkStart + from - start);
  }
  return out;
}
