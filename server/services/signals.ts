import { TRPCError } from '@trpc/server';
import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { datasets, events } from '@/db/schema';
import { filterData, notch } from '@/lib/preprocessing';
import { chooseLevel, envelope } from '@/lib/signal/pyramid';
import type { BlobStore } from '@/server/storage/blobs';
import { readChannel } from '@/server/storage/signal';

export const signalInput = z.object({
  datasetId: z.string(),
  channels: z.array(z.number().int().min(0)).min(1, 'Choose at least one channel').max(128, 'At most 128 channels at once'),
  start: z.number().int().min(0),
  stop: z.number().int().min(1),
  points: z.number().int().min(10).max(4000).default(1000),
  /** Filters to preview (zero-phase, as the epoching job applies them); shown when zoomed in to raw samples. */
  filter: z
    .object({ lFreq: z.number().positive().nullable(), hFreq: z.number().positive().nullable(), lineFreq: z.number().positive().nullable() })
    .optional(),
});

/** Extra signal read on each side of a filtered window, so the filter's edge effects fall outside it. */
const FILTER_PAD_SECONDS = 2;

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
      const raw = input.filter ? await filtered(blobs, layout, nSamples, dataset.sfreq, channel, start, stop, input.filter) : await readChannel(blobs, layout, nSamples, channel, start, stop);
      const e = envelope(0, stop - start, input.points, 1, (i) => [raw[i]!, raw[i]!]);
      traces.push({ channel, min: Array.from(e.min), max: Array.from(e.max), step: e.step });
    }
  }
  const filterShown = Boolean(input.filter) && !level;
  return { start, stop, sfreq: dataset.sfreq, source: level ? `pyramid 1:${level.factor}` : filterShown ? 'raw samples, filtered' : 'raw samples', traces };
}

async function filtered(
  blobs: BlobStore,
  layout: NonNullable<(typeof datasets.$inferSelect)['layout']>,
  nSamples: number,
  sfreq: number,
  channel: number,
  start: number,
  stop: number,
  f: { lFreq: number | null; hFreq: number | null; lineFreq: number | null },
): Promise<Float64Array> {
  const pad = Math.round(FILTER_PAD_SECONDS * sfreq);
  const from = Math.max(0, start - pad);
  let x: Float64Array = Float64Array.from(await readChannel(blobs, layout, nSamples, channel, from, Math.min(nSamples, stop + pad)));
  if (f.lineFreq) x = notch(x, sfreq, { lineFreq: f.lineFreq });
  if (f.lFreq !== null || f.hFreq !== null) x = filterData(x, sfreq, f.lFreq, f.hFreq);
  return x.subarray(start - from, start - from + (stop - start));
}

export async function listEvents(db: Db, datasetId: string) {
  return db
    .select({ index: events.index, onset: events.onset, duration: events.duration, description: events.description })
    .from(events)
    .where(eq(events.datasetId, datasetId))
    .orderBy(asc(events.onset), asc(events.index));
}
