import { synthesizeVisualParams } from '@/lib/jobs';
import { defaultNetwork } from '@/server/rsa/network';
import { storeStimulusSet, trialKeys } from '@/server/rsa/stimuli';
import { drawVisualHierarchy } from '@/server/rsa/synthetic';
import type { JobContext } from '../context';
import { runInThread } from '../threads/pool';
import { storeSyntheticEpochs } from './synthesize';

/** The Level 2 demo dataset (server/rsa/synthetic.ts), its images attached as the stimulus set, as uploads are. */
export async function synthesizeVisualDataset(ctx: JobContext) {
  const params = synthesizeVisualParams.parse(ctx.params);
  const network = await defaultNetwork();
  const { set, epochs } = await drawVisualHierarchy(network, {
    seed: params.seed,
    perCategory: params.perCategory,
    generate: (layers, labels, categories, control) =>
      runInThread('synthesizeVisual', { layers, seed: params.seed, labels, categories, control }, { onProgress: ctx.span(0.4, 0.8, 'Generating epochs'), signal: ctx.signal }),
    rdm: (a, n) => runInThread('layerRdm', { data: a.data, n, features: a.features }, { signal: ctx.signal }),
    onProgress: async (fraction, step) => {
      ctx.throwIfCancelled();
      await ctx.progress(0.8 * fraction, step);
    },
  });
  const stored = await storeStimulusSet(ctx.runtime.blobs, set, trialKeys(epochs.labels, epochs.categories));
  const { drive, ...hierarchy } = epochs.hierarchy;
  return storeSyntheticEpochs(ctx, epochs, {
    name: params.name,
    description: `Seeded generator (seed ${params.seed}): ${set.images.length} drawn images, one epoch each; the gamma power of area k's contacts follows layer k of ${network.name}. Ground truth stored beside the epochs.`,
    groundTruth: { ...hierarchy, drive: Array.from(drive) },
    blobs: { stimuli: stored.stimuli, stimulusOfEpoch: stored.stimulusOfEpoch },
  });
}
