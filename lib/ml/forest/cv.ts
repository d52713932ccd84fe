/**
 * Cross-validation for the Level 1 pipeline: stratified k-fold, cross-validated predictions, per-class F1,
 * accuracy, and a null distribution from shuffled labels.
 */
import { RandomForestClassifier, type RandomForestOptions } from './forest';
import { Rng } from './rng';
import { argmaxRows } from './tree';

export interface StratifiedKFoldOptions {
  /** Shuffle each class's fold labels (sklearn's shuffle=True); our RNG, so folds differ from sklearn's. */
  shuffle?: boolean;
  seed?: number;
}

/**
 * Test-fold index (0..nSplits-1) of every sample, by sklearn's StratifiedKFold rule: classes taken in order of
 * first appearance, the sorted label vector dealt round-robin into folds to fix how many samples of each class
 * each fold gets, then each class's samples assigned in index order (or shuffled). Without shuffling the result
 * equals sklearn's exactly.
 */
export function stratifiedKFold(y: Int32Array, nSplits = 5, options: StratifiedKFoldOptions = {}): Int32Array {
  const n = y.length;
  if (!(Number.isInteger(nSplits) && nSplits >= 2)) throw new Error('stratifiedKFold: nSplits must be >= 2');
  if (nSplits > n) throw new Error(`stratifiedKFold: ${nSplits} folds for ${n} samples`);
  // Encode labels by first appearance, as sklearn does.
  const code = new Map<number, number>();
  const enc = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let c = code.get(y[i]);
    if (c === undefined) {
      c = code.size;
      code.set(y[i], c);
    }
    enc[i] = c;
  }
  const nClasses = code.size;
  const counts = new Int32Array(nClasses);
  for (let i = 0; i < n; i++) counts[enc[i]]++;
  if (counts.every((c) => c < nSplits)) {
    throw new Error(`stratifiedKFold: nSplits=${nSplits} exceeds the size of every class`);
  }
  // allocation[f][k] = how many of class k land in fold f = bincount(sortedLabels[f::nSplits]).
  const sorted = enc.slice().sort();
  const allocation = new Int32Array(nSplits * nClasses);
  for (let i = 0; i < n; i++) allocation[(i % nSplits) * nClasses + sorted[i]]++;

  const rng = new Rng(options.seed ?? 0);
  const testFold = new Int32Array(n);
  for (let k = 0; k < nClasses; k++) {
    const folds = new Int32Array(counts[k]);
    let j = 0;
    for (let f = 0; f < nSplits; f++) for (let a = allocation[f * nClasses + k]; a > 0; a--) folds[j++] = f;
    if (options.shuffle) rng.shuffle(folds);
    j = 0;
    for (let i = 0; i < n; i++) if (enc[i] === k) testFold[i] = folds[j++];
  }
  return testFold;
}

export interface Fold {
  train: Int32Array;
  test: Int32Array;
}

/** Train/test indices (ascending) of each fold from a test-fold assignment. */
export function foldsFromAssignment(testFold: Int32Array): Fold[] {
  let nSplits = 0;
  for (let i = 0; i < testFold.length; i++) nSplits = Math.max(nSplits, testFold[i] + 1);
  const folds: Fold[] = [];
  for (let f = 0; f < nSplits; f++) {
    const test: number[] = [];
    const train: number[] = [];
    for (let i = 0; i < testFold.length; i++) (testFold[i] === f ? test : train).push(i);
    folds.push({ train: Int32Array.from(train), test: Int32Array.from(test) });
  }
  return folds;
}

/** Rows of a row-major matrix. */
export function takeRows(X: Float32Array, nFeatures: number, rows: Int32Array): Float32Array {
  const out = new Float32Array(rows.length * nFeatures);
  for (let i = 0; i < rows.length; i++) out.set(X.subarray(rows[i] * nFeatures, (rows[i] + 1) * nFeatures), i * nFeatures);
  return out;
}

export interface CrossValResult {
  /** Out-of-fold predicted class of every sample. */
  predictions: Int32Array;
  /** Out-of-fold class probabilities, nSamples x nClasses. */
  proba: Float64Array;
}

/**
 * sklearn's cross_val_predict with a RandomForestClassifier: every fold gets a forest with the same options
 * (the same seed, as cloning an estimator with an integer random_state does) fitted on the other folds.
 * @param testFold test-fold index of every sample (see stratifiedKFold)
 */
export function crossValPredict(
  X: Float32Array,
  y: Int32Array,
  nClasses: number,
  testFold: Int32Array,
  forestOptions: RandomForestOptions = {},
): CrossValResult {
  const n = y.length;
  if (testFold.length !== n) throw new Error('crossValPredict: one test fold per sample');
  const nFeatures = X.length / n;
  const predictions = new Int32Array(n);
  const proba = new Float64Array(n * nClasses);
  for (const { train, test } of foldsFromAssignment(testFold)) {
    if (test.length === 0) continue;
    const rf = new RandomForestClassifier(forestOptions).fit(takeRows(X, nFeatures, train), takeRows32(y, train), nClasses);
    const p = rf.predictProba(takeRows(X, nFeatures, test));
    const pred = argmaxRows(p, nClasses);
    for (let i = 0; i < test.length; i++) {
      predictions[test[i]] = pred[i];
      proba.set(p.subarray(i * nClasses, (i + 1) * nClasses), test[i] * nClasses);
    }
  }
  return { predictions, proba };
}

function takeRows32(y: Int32Array, rows: Int32Array): Int32Array {
  const out = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = y[rows[i]];
  return out;
}

/** nClasses x nClasses counts, row = true class, column = predicted class (sklearn's confusion_matrix). */
export function confusionMatrix(yTrue: Int32Array, yPred: Int32Array, nClasses: number): Int32Array {
  if (yTrue.length !== yPred.length) throw new Error('confusionMatrix: lengths differ');
  const m = new Int32Array(nClasses * nClasses);
  for (let i = 0; i < yTrue.length; i++) m[yTrue[i] * nClasses + yPred[i]]++;
  return m;
}

/**
 * F1 of every class, as sklearn's f1_score(average=None) with zero_division=0: 2TP / (2TP + FP + FN), and 0 when
 * the class is neither true nor predicted anywhere (sklearn would leave such a class out of its output).
 */
export function f1PerClass(yTrue: Int32Array, yPred: Int32Array, nClasses: number): Float64Array {
  const m = confusionMatrix(yTrue, yPred, nClasses);
  const f1 = new Float64Array(nClasses);
  for (let c = 0; c < nClasses; c++) {
    const tp = m[c * nClasses + c];
    let fp = 0;
    let fn = 0;
    for (let k = 0; k < nClasses; k++) {
      if (k === c) continue;
      fp += m[k * nClasses + c];
      fn += m[c * nClasses + k];
    }
    const d = 2 * tp + fp + fn;
    f1[c] = d === 0 ? 0 : (2 * tp) / d;
  }
  return f1;
}

export function accuracy(yTrue: Int32Array, yPred: Int32Array): number {
  if (yTrue.length !== yPred.length) throw new Error('accuracy: lengths differ');
  let ok = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) ok++;
  return ok / yTrue.length;
}

/** A random permutation of the labels (class counts unchanged). */
export function permuteLabels(y: Int32Array, seed: number): Int32Array {
  return new Rng(seed).shuffle(y.slice());
}

export interface LabelShuffleNullOptions {
  /** How many label permutations. */
  nPermutations: number;
  seed?: number;
  nSplits?: number;
  forest?: RandomForestOptions;
}

/**
 * Per-class F1 of the same pipeline (stratified k-fold, cross-validated forest predictions) on shuffled labels:
 * the null distribution behind "predictive" contacts. Pool the values over contacts and classes and take a high
 * percentile (99.999th in the paper) as the F1 threshold.
 * @returns nPermutations x nClasses F1 values, row-major
 */
export function labelShuffleNull(
  X: Float32Array,
  y: Int32Array,
  nClasses: number,
  options: LabelShuffleNullOptions,
): Float64Array {
  const { nPermutations, seed = 0, nSplits = 5 } = options;
  const rng = new Rng(seed);
  const out = new Float64Array(nPermutations * nClasses);
  for (let p = 0; p < nPermutations; p++) {
    const yPerm = permuteLabels(y, rng.nextUint32());
    const folds = stratifiedKFold(yPerm, nSplits, { shuffle: true, seed: rng.nextUint32() });
    const { predictions } = crossValPredict(X, yPerm, nClasses, folds, options.forest);
    out.set(f1PerClass(yPerm, predictions, nClasses), p * nClasses);
  }
  return out;
}

/** q-th percentile (0..100) with linear interpolation between order statistics, numpy's default. */
export function percentile(values: ArrayLike<number>, q: number): number {
  if (values.length === 0) throw new Error('percentile: no values');
  if (!(q >= 0 && q <= 100)) throw new Error('percentile: q must be in [0, 100]');
  const s = Float64Array.from(values).sort();
  const h = ((s.length - 1) * q) / 100;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo] + (h - lo) * (s[hi] - s[lo]);
}
