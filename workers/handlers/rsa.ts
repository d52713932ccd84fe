import { availableParallelism } from 'node:os';
import { and, asc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { analyses, channels, datasets } from '@/db/schema';
import { decodeArray, encodeArray, ndarray } from '@/lib/arrays';
import { rsaParams } from '@/lib/jobs';
import { modelInputSpec } from '@/lib/onnx';
import { preprocessImages } from '@/lib/stimuli';
import { rsaCacheDir } from '@/server/config';
import { defaultRsaLayers, loadNetwork, networkRdms } from '@/server/rsa/network';
import { rsaSummary, runRsa } from '@/server/rsa/pipeline';
import { loadStimulusSet, stimulusOrder } from '@/server/rsa/stimuli';
import type { JobContext } from '../context';
import { asAnalysisRun } from './analysis-status';
import { runInThread } from '../threads/pool';

const jobParams = rsaParams.extend({ analysisId: z.string() });

/**
 * Level 2 (METHODS.md): layer RDMs of the network and its random control (cached), band/window responses per contact,
 * and per band/window the responsive contacts' RSA against every layer and the area x layer hierarchy. The brain
 * features and each band/window's tests are saved as they finish (blobs 'state:*'), so a restarted job resumes.
 */
export async function rsaAnalysis(ctx: JobContext) {
  const p = jobParams.parse(ctx.params);
  return asAnalysisRun(ctx, p.analysisId, () => runAnalysis(ctx, p));
}

async function runAnalysis(ctx: JobContext, p: z.infer<typeof jobParams>) {
  const { db, blobs } = ctx.runtime;
  const [dataset] = await db.select().from(datasets).where(and(eq(datasets.id, p.datasetId), eq(datasets.labId, ctx.labId)));
  if (!dataset || dataset.kind !== 'epochs' || !dataset.blobs.epochs || !dataset.blobs.labels) throw new Error('The dataset must hold labelled epochs');
  const { stimuli: stimuliKey, stimulusOfEpoch: ofEpochKey } = dataset.blobs;
  if (!stimuliKey || !ofEpochKey) throw new Error(`"${dataset.name}" has no stimulus set; attach the images the epochs showed first`);
  const [analysis] = await db.select({ blobs: analyses.blobs }).from(analyses).where(eq(analyses.id, p.analysisId));
  const saved = { ...analysis?.blobs };
  if (Object.keys(saved).some((k) => k.startsWith('state:'))) await ctx.log('Resuming: results of earlier steps are kept');

  await ctx.progress(0, 'Reading epochs and stimuli');
  const epochs = decodeArray(await blobs.get(dataset.blobs.epochs));
  const labels = decodeArray(await blobs.get(dataset.blobs.labels)).data as Int32Array;
  const [nEpochs, nChannels, nTimes] = epochs.shape as [number, number, number];
  const chs = await db.select().from(channels).where(eq(channels.datasetId, dataset.id)).orderBy(asc(channels.index));
  const { set, stimulusOfEpoch } = await loadStimulusSet(blobs, { stimuli: stimuliKey, stimulusOfEpoch: ofEpochKey });
  const order = stimulusOrder(stimulusOfEpoch, labels, set.images.length);

  const network = await loadNetwork(db, blobs, ctx.labId, p.modelKey);
  const layers = p.layers.length ? p.layers : defaultRsaLayers(network.model);
  const pixels = await preprocessImages(order.images.map((i) => set.images[i]!), modelInputSpec(network.model, p.input).spec);
  const rdms = await networkRdms(network.bytes, network.model, pixels, layers, {
    controlSeed: p.controlSeed,
    cacheDir: rsaCacheDir(),
    rdm: (a, n) => runInThread('layerRdm', { data: a.data, n, features: a.features }, { signal: ctx.signal }),
    onProgress: ctx.span(0, 0.2, `Layer RDMs of ${network.name} and its random control`),
    signal: ctx.signal,
  });
  if (rdms.fromCache) await ctx.log('Layer RDMs read from the cache');

  const result = await runRsa(
    {
      epochs: epochs.data as Float32Array,
      nEpochs,
      nChannels,
      nTimes,
      sfreq: dataset.sfreq,
      tmin: dataset.tmin,
      regions: chs.map((c) => c.region),
      stimulusOf: order.stimulusOf,
      nStimuli: order.images.length,
      trained: rdms.trained,
      random: rdms.random,
    },
    p,
    {
      threads: Math.max(1, Math.min(8, availableParallelism())),
      run: (task, input, onProgress) => runInThread(task, input, { onProgress, signal: ctx.signal }),
      progress: (fraction, step) => ctx.progress(0.2 + 0.8 * fraction, step),
      state: {
        get: async (name) => (saved[`state:${name}`] ? new Uint8Array(await blobs.get(saved[`state:${name}`]!)) : null),
        put: async (name, bytes) => {
          const { key } = await blobs.put(bytes);
          saved[`state:${name}`] = key;
          // Merged in the database, so a save never drops another's.
          await db
            .update(analyses)
            .set({ blobs: sql`${analyses.blobs} || ${JSON.stringify({ [`state:${name}`]: key })}::jsonb` })
            .where(eq(analyses.id, p.analysisId));
        },
      },
    },
  );

  const nBw = result.bandWindows.length;
  const nLayers = layers.length;
  const m = rdms.trained[0]!.length;
  const put = async (array: Parameters<typeof encodeArray>[0]) => (await blobs.put(encodeArray(array))).key;
  const shape = [nBw, nChannels, nLayers];
  const axes = ['bandWindows', 'contacts', 'layers'];
  const arrays = {
    'rho:trained': await put(ndarray('float32', Float32Array.from(result.rho.trained), shape, axes)),
    'p:trained': await put(ndarray('float32', Float32Array.from(result.p.trained), shape, axes)),
    'rho:random': await put(ndarray('float32', Float32Array.from(result.rho.random), shape, axes)),
    'p:random': await put(ndarray('float32', Float32Array.from(result.p.random), shape, axes)),
    responsive: await put(ndarray('uint8', result.responsive, [nChannels, nBw], ['contacts', 'bandWindows'])),
    rdms: await put(ndarray('float32', Float32Array.from([...rdms.trained, ...rdms.random].flatMap((r) => Array.from(r))), [2, nLayers, m], ['network', 'layers', 'pairs'])),
  };
  const summary = rsaSummary(result, p, {
    layers,
    stimuli: {
      names: order.images.map((i) => set.images[i]!.file),
      category: Array.from(order.category),
      categories: dataset.categories,
    },
    contacts: chs.map((c) => ({ name: c.name, region: c.region })),
    model: { name: network.name, sha256: network.sha256, controlSeed: p.controlSeed },
  });
  await db
    .update(analyses)
    .set({ status: 'ready', summary, blobs: sql`${analyses.blobs} || ${JSON.stringify(arrays)}::jsonb` })
    .where(eq(analyses.id, p.analysisId));
  const best = (net: 'trained' | 'random') => {
    const a = result.networks[net].alignment;
    const k = a.reduce((b, x, i) => ((x.rho ?? -Infinity) > (a[b]!.rho ?? -Infinity) ? i : b), 0);
    return `${result.bandWindows[k]} rho ${a[k]!.rho?.toFixed(2) ?? 'n/a'} (p ${a[k]!.p?.toExponential(1) ?? 'n/a'}, ${a[k]!.nPairs} pairs)`;
  };
  await ctx.log(`Strongest alignment, trained: ${best('trained')}; random control: ${best('random')}`);
  return { analysisId: p.analysisId };
}
