import { forestToArrays, packForest } from '@/lib/ml/forest/serialize';
import { analyzeContact, canTestResponsiveness, contactFeatures, fitJobLocally, responsivenessPValues, shuffledNull, type ForestJob, type SignatureParams } from '@/lib/signatures';
import type { TreeArrays } from '@/lib/ml/forest/tree';

export interface ContactTask {
  /** epochs x times of one contact, volts. */
  data: Float32Array;
  nTimes: number;
  sfreq: number;
  /** Time of the first sample relative to the event, seconds. */
  tmin: number;
  labels: Int32Array;
  nClasses: number;
  params: SignatureParams;
  seed: number;
  /** Shuffled-label repetitions for the null. */
  nNull: number;
}

/**
 * One contact's whole Level 1 analysis, off the main thread: features, cross-validated forests, interpretation of
 * the refitted forest, the shuffled-label null and the responsiveness tests (when the epoch spans their windows). Maps come back as one Float32 array: categories x [importance,
 * mean log power, signature] x freqs x bins.
 */
export function analyzeContactTask(task: ContactTask, progress: (fraction: number) => void) {
  const features = contactFeatures({ data: task.data, nTimes: task.nTimes }, task.sfreq, task.params);
  progress(0.1);
  let refit: TreeArrays[] = [];
  const fit = (job: ForestJob) => {
    const trees = fitJobLocally(job);
    if (job.kind === 'refit') refit = trees;
    return trees;
  };
  const result = analyzeContact(features, task.labels, task.nClasses, task.params, task.seed, fit);
  progress(0.6);
  const nullF1 = shuffledNull(features, task.labels, task.nClasses, task.params, task.seed + 1, task.nNull);
  progress(0.9);
  const responsivenessP = canTestResponsiveness(task.tmin, task.nTimes / task.sfreq) ? Array.from(responsivenessPValues(task.data, task.nTimes, task.sfreq, task.tmin)) : null;
  const size = features.nFreqs * features.nBins;
  const maps = new Float32Array(task.nClasses * 3 * size);
  for (let c = 0; c < task.nClasses; c++) {
    maps.set(result.importance[c]!, (c * 3) * size);
    maps.set(result.meanLogPower[c]!, (c * 3 + 1) * size);
    maps.set(result.signatures[c]!, (c * 3 + 2) * size);
  }
  const y = features.trials.length;
  let correct = 0;
  for (let i = 0; i < task.nClasses; i++) correct += result.confusion[i * task.nClasses + i]!;
  return {
    nTrials: y,
    f1: Array.from(result.f1PerClass),
    accuracy: y ? correct / y : 0,
    confusion: Array.from({ length: task.nClasses }, (_, i) => Array.from(result.confusion.subarray(i * task.nClasses, (i + 1) * task.nClasses))),
    maps,
    mdi: Float32Array.from(result.mdi),
    nFreqs: features.nFreqs,
    nBins: features.nBins,
    nullF1: Array.from(nullF1),
    responsivenessP,
    forest: packForest(forestToArrays({ trees: refit, nFeatures: size, nClasses: task.nClasses })),
  };
}
