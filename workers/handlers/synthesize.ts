import { channels, datasets } from '@/db/schema';
import { encodeArray, ndarray } from '@/lib/arrays';
import { synthesizeParams } from '@/lib/jobs';
import type { SyntheticEpochs } from '@/lib/synthetic';
import { channelRows } from '../channels';
import type { JobContext } from '../context';
import { runInThread } from '../threads/pool';

/** Draws a synthetic intracranial dataset with planted category signatures and stores it as a lab dataset. */
export async function synthesizeDataset(ctx: JobContext) {
  const params = synthesizeParams.parse(ctx.params);
  await ctx.progress(0, 'Generating epochs');
  const epochs = await runInThread('synthesize', { seed: params.seed, trialsPerCategory: params.trialsPerCategory }, {
    onProgress: ctx.span(0, 0.8, 'Generating epochs'),
    signal: ctx.signal,
  });
  return storeSyntheticEpochs(ctx, epochs, { name: params.name, description: `Seeded generator (seed ${params.seed}); ground truth stored beside the epochs.` });
}

/** Stores generated epochs (and any extra blobs, e.g. a stimulus set) as a lab dataset with its channels. */
export async function storeSyntheticEpochs(
  ctx: JobContext,
  epochs: SyntheticEpochs,
  stored: { name: string; description: string; groundTruth?: unknown; blobs?: Record<string, string> },
) {
  const nEpochs = epochs.labels.length;
  const nChannels = epochs.chNames.length;
  await ctx.progress(0.85, 'Storing arrays');
  const { blobs, db } = ctx.runtime;
  const data = await blobs.put(encodeArray(ndarray('float32', epochs.data, [nEpochs, nChannels, epochs.nTimes], ['epochs', 'channels', 'times'])));
  const labels = await blobs.put(encodeArray(ndarray('int32', epochs.labels, [nEpochs], ['epochs'])));
  const groundTruth = await blobs.put(new TextEncoder().encode(JSON.stringify(stored.groundTruth ?? epochs.groundTruth, null, 1)));
  ctx.throwIfCancelled();
  await ctx.progress(0.95, 'Recording channels');
  // The generator's own area is the ground truth region; the atlases add AAL names.
  const rows = await channelRows(
    '',
    epochs.chNames.map((name, i) => ({
      name,
      type: epochs.chTypes[i] ?? 'seeg',
      unit: 'V',
      position: [0, 1, 2].map((k) => epochs.positions[i * 3 + k]!),
      coordFrame: 'mni_tal',
      region: epochs.regions[i],
    })),
  );
  const datasetId = await db.transaction(async (tx) => {
    const [dataset] = await tx
      .insert(datasets)
      .values({
        labId: ctx.labId,
        name: stored.name,
        description: stored.description,
        source: 'synthetic',
        modality: 'seeg',
        sfreq: epochs.sfreq,
        tmin: epochs.tmin,
        nEpochs,
        nChannels,
        nTimes: epochs.nTimes,
        categories: epochs.categories,
        blobs: { epochs: data.key, labels: labels.key, groundTruth: groundTruth.key, ...stored.blobs },
        createdBy: ctx.userId,
      })
      .returning({ id: datasets.id });
    await tx.insert(channels).values(rows.map((row) => ({ ...row, datasetId: dataset!.id })));
    return dataset!.id;
  });
  await ctx.log(`Stored ${nEpochs} epochs x ${nChannels} channels x ${epochs.nTimes} samples`);
  return { datasetId, inputs: { epochs: data.key, labels: labels.key, groundTruth: groundTruth.key } };
}
