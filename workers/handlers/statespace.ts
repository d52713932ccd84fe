import { and, asc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { channels, datasets, events, statespaceAnalyses } from '@/db/schema';
import { encodeArray, ndarray } from '@/lib/arrays';
import { pickEegChannels } from '@/lib/eeg';
import { statespaceParams } from '@/lib/jobs';
import { readChannel } from '@/server/storage/signal';
import type { JobContext } from '../context';
import { runInThread } from '../threads/pool';

const jobParams = statespaceParams.extend({ analysisId: z.string() });

/**
 * Level 3 offline (METHODS.md): the mental state map of a recording's labelled events in a worker thread, its
 * cross-validated accuracy against shuffled-label chance, separability per pair of classes, QE and TE; the map is
 * stored as JSON and ONNX beside metrics.json.
 */
export async function statespaceAnalysis(ctx: JobContext) {
  const p = jobParams.parse(ctx.params);
  const { db } = ctx.runtime;
  await db.update(statespaceAnalyses).set({ status: 'running' }).where(eq(statespaceAnalyses.id, p.analysisId));
  try {
    return await runAnalysis(ctx, p);
  } catch (err) {
    await db.update(statespaceAnalyses).set({ status: 'failed' }).where(eq(statespaceAnalyses.id, p.analysisId));
    throw err;
  }
}

async function runAnalysis(ctx: JobContext, p: z.infer<typeof jobParams>) {
  const { db, blobs } = ctx.runtime;
  const [dataset] = await db.select().from(datasets).where(and(eq(datasets.id, p.datasetId), eq(datasets.labId, ctx.labId)));
  if (!dataset?.layout || dataset.kind !== 'raw') throw new Error('The dataset must be a continuous recording (a state-space map reads sliding windows of it)');
  const picked = pickEegChannels(await db.select().from(channels).where(eq(channels.datasetId, dataset.id)).orderBy(asc(channels.index)));
  const annotations = await db
    .select({ onset: events.onset, duration: events.duration, description: events.description })
    .from(events)
    .where(and(eq(events.datasetId, dataset.id), inArray(events.description, p.events)))
    .orderBy(asc(events.onset), asc(events.index));
  const missing = p.events.filter((e) => !annotations.some((a) => a.description === e));
  if (missing.length) throw new Error(`"${dataset.name}" has no event ${missing.map((m) => `"${m}"`).join(', ')}`);
  await ctx.progress(0, `Reading ${picked.length} channels`);
  const data: Float32Array[] = [];
  for (const ch of picked) data.push(await readChannel(blobs, dataset.layout, dataset.nTimes, ch.index));
  const { datasetId: _d, name: _n, events: classes, analysisId, ...options } = p;
  const r = await runInThread(
    'statespaceAnalysis',
    { channels: data, chNames: picked.map((c) => c.name), sfreq: dataset.sfreq, annotations, classes, options },
    { onProgress: ctx.span(0.05, 0.95, 'Fitting and cross-validating maps'), signal: ctx.signal },
  );
  await ctx.progress(0.96, 'Storing the map');
  const text = (value: unknown) => new TextEncoder().encode(JSON.stringify(value, null, 1));
  const n = r.labels.length;
  const [map, onnx, metrics, positions, labels] = await Promise.all([
    blobs.put(text({ ...r.map, featureNames: r.featureNames })),
    blobs.put(r.onnx),
    blobs.put(text(r.metrics)),
    blobs.put(encodeArray(ndarray('float32', r.positions, [n, 2], ['windows', 'xy']))),
    blobs.put(encodeArray(ndarray('int32', r.labels, [n], ['windows']))),
  ]);
  await db
    .update(statespaceAnalyses)
    .set({ status: 'ready', metrics: r.metrics, blobs: { map: map.key, onnx: onnx.key, metrics: metrics.key, positions: positions.key, labels: labels.key } })
    .where(eq(statespaceAnalyses.id, analysisId));
  const { crossValidation: cv, chance } = r.metrics;
  await ctx.log(
    `${n} windows of ${r.metrics.nTrials} trials; cross-validated accuracy ${cv.accuracy.toFixed(3)}, chance ${chance.mean.toFixed(3)} ± ${chance.sd.toFixed(3)} (${chance.nShuffles} shuffles)`,
  );
  return { analysisId, accuracy: cv.accuracy, chance: chance.mean };
}
