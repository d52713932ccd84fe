import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { analyses, analysisContacts, channels, datasets, type SignaturesSummary } from '@/db/schema';
import { decodeArray } from '@/lib/arrays';
import { signaturesParams } from '@/lib/jobs';
import { resolveParams, summarizeSignatures, type SignatureParams } from '@/lib/signatures';
import type { JobContext } from '../context';
import { asAnalysisRun } from './analysis-status';
import { runInThread } from '../threads/pool';

const jobParams = signaturesParams.extend({ analysisId: z.string() });

/**
 * Runs `fn` on every item with at most `limit` in flight: one contact per core. On a failure (or cancel) the other
 * lanes stop taking items, and the error is rethrown only once every lane has settled, so nothing of this run is
 * still writing when a retry starts.
 */
async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  let failed = false;
  const lanes = await Promise.allSettled(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      try {
        while (next < items.length && !failed) await fn(items[next++]!);
      } catch (err) {
        failed = true;
        throw err;
      }
    }),
  );
  const rejected = lanes.find((l) => l.status === 'rejected');
  if (rejected) throw rejected.reason;
}

export function signatureParamsOf(p: z.infer<typeof signaturesParams>): SignatureParams {
  return resolveParams(
    {
      ...(p.nEstimators ? { nEstimators: p.nEstimators } : {}),
      ...(p.nSplits ? { nSplits: p.nSplits } : {}),
      ...(p.importance ? { importance: p.importance } : {}),
      ...(p.nullP ? { nullP: p.nullP } : {}),
    },
    p.preset,
  );
}

/**
 * Level 1 (METHODS.md): per contact, in worker threads, the cross-validated forest, its category importance maps,
 * signatures and shuffled-label null; then the pooled threshold, predictive contacts and clustered signatures.
 * Each contact is saved when done, so a restarted job carries on where it stopped.
 */
export async function signaturesAnalysis(ctx: JobContext) {
  const p = jobParams.parse(ctx.params);
  return asAnalysisRun(ctx, p.analysisId, () => runAnalysis(ctx, p));
}

async function runAnalysis(ctx: JobContext, p: z.infer<typeof jobParams>) {
  const { db, blobs } = ctx.runtime;
  const [dataset] = await db.select().from(datasets).where(and(eq(datasets.id, p.datasetId), eq(datasets.labId, ctx.labId)));
  if (!dataset || dataset.kind !== 'epochs' || !dataset.blobs.epochs) throw new Error('The dataset must hold epochs (make epochs from a recording first)');
  if (!dataset.blobs.labels || dataset.categories.length < 2) throw new Error(`"${dataset.name}" needs a category label per epoch and at least two categories`);
  const params = signatureParamsOf(p);
  const epochs = decodeArray(await blobs.get(dataset.blobs.epochs));
  const labels = decodeArray(await blobs.get(dataset.blobs.labels)).data as Int32Array;
  const [nEpochs, nChannels, nTimes] = epochs.shape as [number, number, number];
  const nClasses = dataset.categories.length;
  const chs = await db.select().from(channels).where(eq(channels.datasetId, dataset.id)).orderBy(asc(channels.index));
  const done = new Set(
    (await db.select({ i: analysisContacts.channelIndex }).from(analysisContacts).where(eq(analysisContacts.analysisId, p.analysisId))).map((r) => r.i),
  );
  if (done.size) await ctx.log(`Resuming: ${done.size} of ${nChannels} contacts already done`);
  const todo = chs.filter((c) => !done.has(c.index));
  let finished = done.size;
  await ctx.progress(finished / (nChannels + 1), `Contact ${finished + 1} of ${nChannels}`);
  await eachLimited(todo, 2, async (ch) => {
    ctx.throwIfCancelled();
    const data = new Float32Array(nEpochs * nTimes);
    for (let e = 0; e < nEpochs; e++) data.set((epochs.data as Float32Array).subarray((e * nChannels + ch.index) * nTimes, (e * nChannels + ch.index + 1) * nTimes), e * nTimes);
    const r = await runInThread(
      'signatureContact',
      { data, nTimes, sfreq: dataset.sfreq, tmin: dataset.tmin, labels, nClasses, params, seed: p.seed + ch.index * 7919, nNull: p.nNull },
      { signal: ctx.signal },
    );
    const [maps, mdi, forest] = await Promise.all([blobs.put(new Uint8Array(r.maps.buffer)), blobs.put(new Uint8Array(r.mdi.buffer)), blobs.put(r.forest)]);
    await db.insert(analysisContacts).values({
      analysisId: p.analysisId,
      channelIndex: ch.index,
      name: ch.name,
      region: ch.region,
      nTrials: r.nTrials,
      f1: r.f1,
      accuracy: r.accuracy,
      confusion: r.confusion,
      nullF1: r.nullF1,
      responsivenessP: r.responsivenessP,
      blobs: { maps: maps.key, mdi: mdi.key, forest: forest.key, shape: `${r.nFreqs}x${r.nBins}` },
    })
      // A contact written twice (e.g. by a crashed run and its retry) holds the same result: same seed, same data.
      .onConflictDoNothing();
    finished++;
    await ctx.progress(finished / (nChannels + 1), `Contact ${Math.min(finished + 1, nChannels)} of ${nChannels}`);
  });

  await ctx.progress(nChannels / (nChannels + 1), 'Threshold and signature clusters');
  const rows = await db.select().from(analysisContacts).where(eq(analysisContacts.analysisId, p.analysisId)).orderBy(asc(analysisContacts.channelIndex));
  const [nFreqs, nBins] = rows[0]!.blobs.shape!.split('x').map(Number) as [number, number];
  const size = nFreqs * nBins;
  const result = await summarizeSignatures(
    rows.map((r) => ({
      ...r,
      async signature(c: number) {
        const maps = new Float32Array((await blobs.get(r.blobs.maps!)).buffer.slice(0));
        return maps.subarray((c * 3 + 2) * size, (c * 3 + 3) * size);
      },
    })),
    dataset.categories,
    { nullP: params.nullP, method: p.clusterMethod, k: p.k, responsiveOnly: p.responsiveOnly },
  );
  const { threshold } = result;
  for (const [i, row] of rows.entries()) {
    const { nSignificant, responsive } = result.responsiveness[i]!;
    const eligible = responsive || !p.responsiveOnly;
    await db
      .update(analysisContacts)
      .set({ predictive: row.f1.map((f) => eligible && f > threshold), nSignificant, responsive })
      .where(and(eq(analysisContacts.analysisId, p.analysisId), eq(analysisContacts.channelIndex, row.channelIndex)));
  }
  const summary: SignaturesSummary = {
    categories: dataset.categories,
    freqs: Array.from(params.freqs),
    binTimes: Array.from({ length: nBins }, (_, b) => dataset.tmin + (b * params.binSize) / dataset.sfreq),
    threshold,
    thresholdMethod: result.thresholdMethod,
    nullP: params.nullP,
    nullValues: result.nullValues,
    nTested: result.responsiveness.filter((r) => r.nSignificant !== null).length,
    nResponsive: result.responsiveness.filter((r) => r.responsive).length,
    responsiveOnly: p.responsiveOnly,
    predictive: result.predictive,
    clusters: {},
  };
  const prototypeKeys: Record<string, string> = {};
  for (const [category, cc] of Object.entries(result.clusters)) {
    const prototypes = new Float32Array(cc.clusters.length * size);
    cc.clusters.forEach((cl, i) => prototypes.set(cl.prototype, i * size));
    prototypeKeys[`prototypes:${category}`] = (await blobs.put(new Uint8Array(prototypes.buffer))).key;
    summary.clusters[category] = { ...cc, clusters: cc.clusters.map(({ prototype: _prototype, ...rest }) => rest) };
  }
  await db.update(analyses).set({ status: 'ready', summary, blobs: prototypeKeys }).where(eq(analyses.id, p.analysisId));
  const nPredictive = new Set(Object.values(result.predictive).flat()).size;
  await ctx.log(`${summary.nResponsive} of ${rows.length} contacts responsive (${summary.nTested} tested)`);
  await ctx.log(
    `Threshold F1 ${threshold.toFixed(3)} (p = ${params.nullP}, ${summary.thresholdMethod} from ${summary.nullValues} null values); ${nPredictive} of ${rows.length} contacts predictive`,
  );
  return { analysisId: p.analysisId, threshold, predictiveContacts: nPredictive };
}
