import { TRPCError } from '@trpc/server';
import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { datasets, events } from '@/db/schema';
import { chooseLevel, envelope } from '@/lib/signal/pyramid';
import type { BlobStore } from '@/server/storage/blobs';
import { readChannel } from '@/server/storage/signal';

export const signalInput = z.object({
  datasetId: z.string(),
  channels: z.array(z.number().int().min(0)).min(1, 'Choose at least one channel').max(128, 'At most 128 channels at once'),
  start: z.number().int().min(0),
  stop: z.number().int().min(1),
  points: z.number().int().min(10).max(4000).default(1000),
});

// Decoded pyramid levels, most recently used last; a browser scrolling one recording reads the same few levels.
const levelCache = new Map<string, Float32Array>();
const LEVEL_CACHE_BYTES = 256 * 1024 * 1024;

async function pyramidLevel(blobs: BlobStore, key: string): Promise<Float32Array> {
  const hit = levelCache.get(key);
  if (hit) {
    levelCache.delete(key);
    levelCache.set(key, hit);
    return hit;
  }
  const bytes = await blobs.get(key);
  const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  levelCache.set(key, data);
  let total = 0;
  for (const v of levelCache.values()) total += v.byteLength;
  for (const [k, v] of levelCache) {
    if (total <= LEVEL_CACHE_BYTES) break;
    levelCache.delete(k);
    total -= v.byteLength;
  }
  return data;
}

/**
 * What a trace viewer draws for [start, stop): per channel, min and max over `points` equal spans, from the
 * coarsest pyramid level that is fine enough, or from raw samples when zoomed in close.
 */
export async function readSignal(db: Db, blobs: BlobStore, labId: string, input: z.infer<typeof signalInput>) {
  const [dataset] = await db.select().from(datasets).where(and(eq(datasets.id, input.datasetId), eq(datasets.labId, labId)));
  if (!dataset) throw new TRPCError({ code: 'NOT_FOUND', message: 'Dataset not found' });
  const layout = dataset.layout;
  if (dataset.kind !== 'raw' || !layout) throw new TRPCError({ code: 'BAD_REQUEST', message: 'This dataset has no continuous signal to show' });
  const nSamples = dataset.nTimes;
  const bad = input.channels.find((c) => c >= dataset.nChannels);
  if (bad !== undefined) throw new TRPCError({ code: 'BAD_REQUEST', message: `channel ${bad} does not exist (the recording has ${dataset.nChannels})` });
  const start = Math.min(input.start, nSamples - 1);
  const stop = Math.min(Math.max(input.stop, start + 1), nSamples);
  const level = chooseLevel(layout.pyramid, (stop - start) / input.points);
  const traces = [];
  for (const channel of input.channels) {
    if (level) {
      const data = await pyramidLevel(blobs, level.key);
      const row = channel * level.nBins * 2;
      const e = envelope(start, stop, input.points, level.factor, (b) => [data[row + b * 2]!, data[row + b * 2 + 1]!]);
      traces.push({ channel, min: Array.from(e.min), max: Array.from(e.max), step: e.step });
    } else {
      const raw = await readChannel(blobs, layout, nSamples, channel, start, stop);
      const e = envelope(0, stop - start, input.points, 1, (i) => [raw[i]!, raw[i]!]);
      traces.push({ channel, min: Array.from(e.min), max: Array.from(e.max), step: e.step });
    }
  }
  return { start, stop, sfreq: dataset.sfreq, source: level ? `pyramid 1:${level.factor}` : 'raw samples', traces };
}

export async function listEvents(db: Db, datasetId: string) {
  return db
    .select({ index: events.index, onset: events.onset, duration: events.duration, description: events.description })
    .from(events)
    .where(eq(events.datasetId, datasetId))
    .orderBy(asc(events.onset), asc(events.index));
}
