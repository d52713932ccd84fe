/**
 * Level 1 analysis of one contact (METHODS.md "Model", "Significance", "Interpretation", "Signature"): a random
 * forest decodes the category from the contact's spectrotemporal features (stratified k-fold, per-category F1),
 * the same pipeline on shuffled labels gives the null, and a forest refitted on all trials is read out as
 * category-specific importance maps that become ternary signatures.
 *
 * Parallelism. Contacts are independent: run `analyzeContact` per contact in worker threads (inputs and outputs
 * are typed arrays, structured-cloneable) and collect. Within a contact every forest is a `ForestJob`; a
 * `TreeFitter` may grow a job's trees anywhere, e.g. split `new RandomForestClassifier(job.options).treeSeeds()`
 * into chunks, call `fitTrees` on each chunk in a worker and concatenate the parts in order: the result equals the
 * local fit exactly (see RandomForestClassifier.merge). `analyzeContactAsync` takes such a fitter.
 */
import {
  confusionMatrix,
  f1PerClass,
  foldsFromAssignment,
  percentile,
  permuteLabels,
  stratifiedKFold,
  takeRows,
  type Fold,
} from '../ml/forest/cv';
import { RandomForestClassifier, type RandomForestOptions } from '../ml/forest/forest';
import { categoryImportance, mdiImportance } from '../ml/forest/importance';
import { Rng } from '../ml/forest/rng';
import { normIsf } from '../stats/normal';
import type { TreeArrays } from '../ml/forest/tree';
import type { ContactFeatures } from './features';
import type { ImportanceMethod, SignatureParams } from './params';

/** One forest to grow: a cross-validation fold's training trials, or all trials for interpretation. */
export interface ForestJob {
  kind: 'fold' | 'refit';
  /** Fold index, -1 for the refit. */
  fold: number;
  /** Row-major trials x features. */
  X: Float32Array;
  y: Int32Array;
  nClasses: number;
  options: RandomForestOptions;
}

export type TreeFitter = (job: ForestJob) => TreeArrays[];
export type AsyncTreeFitter = (job: ForestJob) => TreeArrays[] | Promise<TreeArrays[]>;

/** Grows a job's forest in this thread. */
export function fitJobLocally(job: ForestJob): TreeArrays[] {
  const rf = new RandomForestClassifier(job.options);
  return rf.fitTrees(job.X, job.y, job.nClasses, rf.treeSeeds());
}

/** The forests one contact needs, with everything required to put their results together. */
export interface ContactPlan {
  /** Labels of the kept trials. */
  y: Int32Array;
  nClasses: number;
  nFeatures: number;
  /** Test fold of every kept trial. */
  testFold: Int32Array;
  folds: Fold[];
  /** One job per non-empty fold (in fold order), then the refit when interpretation is wanted. */
  jobs: ForestJob[];
}

function keptLabels(features: ContactFeatures, labels: ArrayLike<number>, nClasses: number): Int32Array {
  if (labels.length !== features.nEpochs) {
    throw new RangeError(`labels: ${labels.length} given for ${features.nEpochs} epochs (label every epoch, rejected ones too)`);
  }
  const y = new Int32Array(features.trials.length);
  features.trials.forEach((t, i) => {
    const c = labels[t];
    if (!(Number.isInteger(c) && c >= 0 && c < nClasses)) throw new RangeError(`labels: ${c} is not a class in 0..${nClasses - 1}`);
    y[i] = c;
  });
  return y;
}

function forestOptions(params: SignatureParams, seed: number): RandomForestOptions {
  return { nEstimators: params.nEstimators, maxFeatures: params.maxFeatures, seed };
}

/** Jobs for labels y (already restricted to kept trials). Seeds are derived from `seed` only. */
function planFor(
  features: ContactFeatures,
  y: Int32Array,
  nClasses: number,
  params: SignatureParams,
  seed: number,
  refit: boolean,
): ContactPlan {
  const nFeatures = features.nFreqs * features.nBins;
  const rng = new Rng(seed);
  const foldSeed = rng.nextUint32();
  const forestSeed = rng.nextUint32();
  const testFold = stratifiedKFold(y, params.nSplits, { shuffle: true, seed: foldSeed });
  const folds = foldsFromAssignment(testFold);
  // Every fold's forest gets the same seed, as sklearn's cross_val_predict clones one estimator.
  const options = forestOptions(params, forestSeed);
  const jobs: ForestJob[] = [];
  folds.forEach((f, fold) => {
    if (f.test.length === 0) return;
    const yTrain = Int32Array.from(f.train, (i) => y[i]);
    jobs.push({ kind: 'fold', fold, X: takeRows(features.classifier, nFeatures, f.train), y: yTrain, nClasses, options });
  });
  if (refit) jobs.push({ kind: 'refit', fold: -1, X: features.classifier, y, nClasses, options });
  return { y, nClasses, nFeatures, testFold, folds, jobs };
}

/** The forests of `analyzeContact`, to grow elsewhere and hand to `assembleContact`. */
export function planContact(
  features: ContactFeatures,
  labels: ArrayLike<number>,
  nClasses: number,
  params: SignatureParams,
  seed: number,
): ContactPlan {
  return planFor(features, keptLabels(features, labels, nClasses), nClasses, params, seed, true);
}

export interface CrossValidated {
  /** Out-of-fold prediction of every kept trial. */
  predictions: Int32Array;
  /** Per-category F1 of the out-of-fold predictions. */
  f1PerClass: Float64Array;
  /** nClasses x nClasses, row = true category, column = predicted. */
  confusion: Int32Array;
}

function crossValidated(plan: ContactPlan, features: ContactFeatures, trees: readonly TreeArrays[][]): CrossValidated {
  const { y, nClasses, nFeatures } = plan;
  const predictions = new Int32Array(y.length);
  plan.jobs.forEach((job, j) => {
    if (job.kind !== 'fold') return;
    const rf = new RandomForestClassifier(job.options).merge(nFeatures, nClasses, trees[j]);
    const test = plan.folds[job.fold].test;
    const pred = rf.predict(takeRows(features.classifier, nFeatures, test));
    test.forEach((t, i) => (predictions[t] = pred[i]));
  });
  return {
    predictions,
    f1PerClass: f1PerClass(y, predictions, nClasses),
    confusion: confusionMatrix(y, predictions, nClasses),
  };
}

export interface ContactAnalysis extends CrossValidated {
  nClasses: number;
  nFreqs: number;
  nBins: number;
  /** Kept epochs (rows of predictions). */
  trials: Int32Array;
  importanceMethod: ImportanceMethod;
  /** Per category, nFreqs x nBins (frequency rows, time columns), sums to 1 (all 0 if the forest never split). */
  importance: Float64Array[];
  /** Plain mean decrease in impurity, nFreqs x nBins, sums to 1. */
  mdi: Float64Array;
  /** Per category, mean over its trials of log(power / baseline), nFreqs x nBins. */
  meanLogPower: Float32Array[];
  /** Per category, ternary map: +1 / -1 where importance > mean + k SD, by the sign of meanLogPower; else 0. */
  signatures: Int8Array[];
}

/** Mean log-ratio power of each category's trials; zeros for a category without trials. */
export function meanLogPowerByCategory(logPower: Float32Array, y: Int32Array, nClasses: number): Float32Array[] {
  const nF = logPower.length / Math.max(1, y.length);
  const sums = Array.from({ length: nClasses }, () => new Float64Array(nF));
  const counts = new Int32Array(nClasses);
  for (let i = 0; i < y.length; i++) {
    const s = sums[y[i]];
    counts[y[i]]++;
    for (let j = 0, o = i * nF; j < nF; j++) s[j] += logPower[o + j];
  }
  return sums.map((s, c) => Float32Array.from(s, (v) => (counts[c] > 0 ? v / counts[c] : 0)));
}

/**
 * Ternary signature (METHODS.md "Signature"): features whose importance exceeds mean + k x SD of the map (population
 * SD, as numpy's std), signed by the category's mean log power: +1 an increase, -1 a decrease, 0 not important.
 */
export function ternarySignature(importance: ArrayLike<number>, meanLogPower: ArrayLike<number>, k = 1): Int8Array {
  const n = importance.length;
  if (meanLogPower.length !== n) throw new RangeError('ternarySignature: maps differ in size');
  let mean = 0;
  for (let i = 0; i < n; i++) mean += importance[i];
  mean /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (importance[i] - mean) ** 2;
  const cut = mean + k * Math.sqrt(v / n);
  const out = new Int8Array(n);
  for (let i = 0; i < n; i++) if (importance[i] > cut) out[i] = Math.sign(meanLogPower[i]);
  return out;
}

/** Puts the grown forests of a plan (trees[j] for plan.jobs[j]) together into the contact's analysis. */
export function assembleContact(
  plan: ContactPlan,
  features: ContactFeatures,
  params: SignatureParams,
  trees: readonly TreeArrays[][],
): ContactAnalysis {
  if (trees.length !== plan.jobs.length) throw new RangeError('assembleContact: one tree list per job');
  const refitIndex = plan.jobs.findIndex((j) => j.kind === 'refit');
  if (refitIndex < 0) throw new RangeError('assembleContact: the plan has no refit job');
  const cv = crossValidated(plan, features, trees);
  const { nClasses, nFeatures, y } = plan;
  const forest = new RandomForestClassifier(plan.jobs[refitIndex].options).merge(nFeatures, nClasses, trees[refitIndex]);
  const importance = categoryImportance(forest, { method: params.importance });
  const meanLogPower = meanLogPowerByCategory(features.logPower, y, nClasses);
  return {
    ...cv,
    nClasses,
    nFreqs: features.nFreqs,
    nBins: features.nBins,
    trials: features.trials,
    importanceMethod: params.importance,
    importance,
    mdi: mdiImportance(forest),
    meanLogPower,
    signatures: importance.map((imp, c) => ternarySignature(imp, meanLogPower[c], params.signatureSd)),
  };
}

/**
 * Decoding and interpretation of one contact.
 * @param labels category of every epoch given to contactFeatures (rejected epochs included), 0..nClasses-1
 * @param seed fixes folds and forests: same inputs and seed, same result
 * @param fit grows one forest (default: here); see the module comment for splitting trees over workers
 */
export function analyzeContact(
  features: ContactFeatures,
  labels: ArrayLike<number>,
  nClasses: number,
  params: SignatureParams,
  seed = 0,
  fit: TreeFitter = fitJobLocally,
): ContactAnalysis {
  const plan = planContact(features, labels, nClasses, params, seed);
  return assembleContact(plan, features, params, plan.jobs.map(fit));
}

/** analyzeContact with forests grown by an asynchronous fitter (worker pool), all jobs in flight at once. */
export async function analyzeContactAsync(
  features: ContactFeatures,
  labels: ArrayLike<number>,
  nClasses: number,
  params: SignatureParams,
  seed: number,
  fit: AsyncTreeFitter,
): Promise<ContactAnalysis> {
  const plan = planContact(features, labels, nClasses, params, seed);
  const trees = await Promise.all(plan.jobs.map((job) => fit(job)));
  return assembleContact(plan, features, params, trees);
}

/**
 * Per-category F1 of the same cross-validated pipeline on shuffled labels (METHODS.md "Significance"), one row per
 * permutation: nPermutations x nClasses. Pool the rows of all contacts into `predictiveThreshold`.
 */
export function shuffledNull(
  features: ContactFeatures,
  labels: ArrayLike<number>,
  nClasses: number,
  params: SignatureParams,
  seed = 0,
  nPermutations = 1,
  fit: TreeFitter = fitJobLocally,
): Float64Array {
  if (!(Number.isInteger(nPermutations) && nPermutations >= 1)) throw new RangeError('nPermutations must be >= 1');
  const y = keptLabels(features, labels, nClasses);
  const rng = new Rng(seed);
  const out = new Float64Array(nPermutations * nClasses);
  for (let p = 0; p < nPermutations; p++) {
    const yPerm = permuteLabels(y, rng.nextUint32());
    const plan = planFor(features, yPerm, nClasses, params, rng.nextUint32(), false);
    out.set(crossValidated(plan, features, plan.jobs.map(fit)).f1PerClass, p * nClasses);
  }
  return out;
}

/** The F1 above which a contact is predictive, and how it was reached. */
export interface PredictiveThreshold {
  value: number;
  /**
   * 'empirical': the (1 - p) quantile of the pooled null values (numpy's linear interpolation), as in the paper.
   * 'normal-tail': fewer than 1/p null values, so that quantile would sit at their maximum (a level of about
   * 1/N, not p); the tail is extrapolated from a normal fit to the pooled null instead, never below that quantile.
   */
  method: 'empirical' | 'normal-tail';
  /** Pooled null values (contacts x shuffles x categories). */
  nullValues: number;
}

/**
 * F1 threshold for "predictive" from the shuffled-label F1 values pooled over contacts and categories (paper:
 * p = 1e-5, 0.39 from ~10^6 values). A null F1 is a mean over many trials' outcomes, close to normal, so the
 * normal tail is a fair extrapolation when the null is too small to reach p empirically.
 */
export function predictiveThreshold(nullF1s: ArrayLike<number> | readonly ArrayLike<number>[], p = 1e-5): PredictiveThreshold {
  if (!(p > 0 && p < 1)) throw new RangeError('predictiveThreshold: p must be in (0, 1)');
  const parts: readonly ArrayLike<number>[] = isNested(nullF1s) ? nullF1s : [nullF1s];
  const pooled: number[] = [];
  for (const part of parts) for (let i = 0; i < part.length; i++) pooled.push(part[i]);
  const n = pooled.length;
  const empirical = percentile(pooled, 100 * (1 - p));
  if (n * p >= 1 || n < 2) return { value: empirical, method: 'empirical', nullValues: n };
  const mean = pooled.reduce((s, v) => s + v, 0) / n;
  const sd = Math.sqrt(pooled.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
  return { value: Math.max(empirical, mean + normIsf(p) * sd), method: 'normal-tail', nullValues: n };
}

function isNested(v: ArrayLike<number> | readonly ArrayLike<number>[]): v is readonly ArrayLike<number>[] {
  return v.length > 0 && typeof v[0] !== 'number';
}

/** A contact is predictive of a category when its F1 exceeds the threshold (strictly). */
export function predictiveCategories(f1: ArrayLike<number>, threshold: number): boolean[] {
  return Array.from(f1, (v) => v > threshold);
}

/**
 * Merges per-contact results (e.g. from workers) into, per category, the indices of the predictive contacts: the
 * input to clusterSignatures is then `predictive[c].map((i) => results[i].signatures[c])`.
 */
export function predictiveByCategory(
  results: readonly Pick<ContactAnalysis, 'f1PerClass'>[],
  threshold: number,
  nClasses: number,
): number[][] {
  const out: number[][] = Array.from({ length: nClasses }, () => []);
  results.forEach((r, i) => {
    predictiveCategories(r.f1PerClass, threshold).forEach((yes, c) => {
      if (yes && c < nClasses) out[c].push(i);
    });
  });
  return out;
}
