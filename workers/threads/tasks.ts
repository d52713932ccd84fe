import { generateIeegEpochs, type SyntheticEpochs } from '@/lib/synthetic';
import { RandomForestClassifier, type RandomForestOptions } from '@/lib/ml/forest/forest';
import type { TreeArrays } from '@/lib/ml/forest/tree';
import { analyzeContactTask, type ContactTask } from './signatures';
import { generateEeg, type SyntheticRaw } from '@/lib/synthetic';
import { eventWindowsTask, statespaceAnalysisTask, statespaceTrainTask, type StatespaceAnalysisTask, type StatespaceTrainTask } from './statespace';
import { generateHierarchyEpochs, type HierarchyEpochs, type LayerRepresentation } from '@/lib/synthetic';
import { layerRdmTask, rsaFeaturesTask, rsaPermutationTask, type RsaFeaturesTask, type RsaPermutationTask } from './rsa';

/** Compute that runs off the main thread. Each task reports progress as a fraction in [0, 1]. */
export interface ThreadTasks {
  synthesize: (input: { seed: number; trialsPerCategory: number }, progress: (fraction: number) => void) => SyntheticEpochs;
  signatureContact: (input: ContactTask, progress: (fraction: number) => void) => ReturnType<typeof analyzeContactTask>;
  /** Grows some of a forest's trees (by their seeds), for training one forest on several cores. */
  fitTrees: (input: { X: Float32Array; y: Int32Array; nClasses: number; options: RandomForestOptions; seeds: Uint32Array }) => TreeArrays[];
  synthesizeEeg: (input: { seed: number; trialsPerClass: number }) => SyntheticRaw;
  statespaceAnalysis: (input: StatespaceAnalysisTask, progress: (fraction: number) => void) => ReturnType<typeof statespaceAnalysisTask>;
  statespaceTrain: (input: StatespaceTrainTask) => ReturnType<typeof statespaceTrainTask>;
  eventWindows: (input: Parameters<typeof eventWindowsTask>[0]) => ReturnType<typeof eventWindowsTask>;
  rsaFeatures: (input: RsaFeaturesTask, progress: (fraction: number) => void) => ReturnType<typeof rsaFeaturesTask>;
  rsaPermutations: (input: RsaPermutationTask, progress: (fraction: number) => void) => ReturnType<typeof rsaPermutationTask>;
  layerRdm: (input: Parameters<typeof layerRdmTask>[0]) => Float64Array;
  synthesizeVisual: (
    input: { layers: LayerRepresentation[]; seed: number; labels: Int32Array; categories: string[]; control?: Float64Array[] },
    progress: (fraction: number) => void,
  ) => HierarchyEpochs;
}

export const threadTasks: ThreadTasks = {
  synthesize: (input, progress) => generateIeegEpochs({ seed: input.seed, trialsPerCategory: input.trialsPerCategory }, progress),
  signatureContact: analyzeContactTask,
  fitTrees: ({ X, y, nClasses, options, seeds }) => new RandomForestClassifier(options).fitTrees(X, y, nClasses, seeds),
  synthesizeEeg: (input) => generateEeg({ seed: input.seed, trialsPerClass: input.trialsPerClass }),
  statespaceAnalysis: statespaceAnalysisTask,
  statespaceTrain: statespaceTrainTask,
  eventWindows: eventWindowsTask,
  rsaFeatures: rsaFeaturesTask,
  rsaPermutations: rsaPermutationTask,
  layerRdm: layerRdmTask,
  synthesizeVisual: ({ layers, seed, labels, categories, control }, progress) => generateHierarchyEpochs(layers, { seed, labels, categories, control }, progress),
};
