/**
 * How good a mental state map is: quantisation and topographic error of the map, cross-validated accuracy of the
 * map used as a classifier (per-fold maps, each trained only on its training windows), a chance level from
 * shuffled labels, and a separability score for every pair of classes (mental actions).
 *
 * Windows cut from one trial overlap and share its state, so a trial's windows must stay together: with `groups`
 * (e.g. the event index from labelWindows) folds are drawn per trial, stratified by the trials' classes, and label
 * shuffles permute the trials' labels. Without groups every window is its own trial.
 */
import { accuracy, confusionMatrix, f1PerClass, foldsFromAssignment, percentile, permuteLabels, stratifiedKFold } from '../forest/cv';
import { Rng } from '../forest/rng';
import { SelfOrganizingMap, type SomOptions } from './som';

export interface SomEvaluationOptions {
  som?: SomOptions;
  /** Folds of the cross-validation (default 5). */
  nSplits?: number;
  /** Label shuffles behind the chance level (default 20). */
  nShuffles?: number;
  /** Trial of each window; windows of a trial share a label, a fold and a shuffled label. */
  groups?: ArrayLike<number>;
  /** Seed of folds and shuffles (default 0). */
  seed?: number;
  /** Called with the share of the work done, in [0, 1], after each map fitted. */
  progress?: (fraction: number) => void;
}

export interface CrossValidatedMap {
  /** Out-of-fold class of every window. */
  predictions: Int32Array;
  /** Out-of-fold posterior of every window's BMU, n x nClasses. */
  proba: Float64Array;
  accuracy: number;
  /** nClasses x nClasses, row = true class. */
  confusion: Int32Array;
  f1: Float64Array;
}

export interface ChanceLevel {
  /** Cross-validated accuracy on each label shuffle. */
  accuracies: Float64Array;
  mean: number;
  sd: number;
  p95: number;
}

export interface PairSeparability {
  a: number;
  b: number;
  classA: string;
  classB: string;
  /** Bhattacharyya coefficient of the two territories on the map fitted to all windows (1 = same place). */
  overlap: number;
  /** Cross-validated accuracy of telling a from b by the BMU posterior (ties count half); chance 0.5. */
  accuracy: number;
}

export interface SomEvaluation {
  /** The map fitted on all windows. */
  map: SelfOrganizingMap;
  quantisationError: number;
  topographicError: number;
  crossValidation: CrossValidatedMap;
  chance: ChanceLevel;
  pairs: PairSeparability[];
}

interface Trials {
  /** Compact trial index of every window. */
  trialOf: Int32Array;
  /** Class of every trial. */
  trialLabels: Int32Array;
}

function trialsOf(y: ArrayLike<number>, groups: ArrayLike<number> | undefined): Trials {
  const n = y.length;
  if (groups !== undefined && groups.length !== n) throw new RangeError(`${groups.length} groups for ${n} windows`);
  const index = new Map<number, number>();
  const trialOf = new Int32Array(n);
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const g = groups === undefined ? i : groups[i];
    let t = index.get(g);
    if (t === undefined) {
      t = labels.length;
      index.set(g, t);
      labels.push(y[i]);
    } else if (labels[t] !== y[i]) {
      throw new RangeError(`group ${g} mixes classes ${labels[t]} and ${y[i]}`);
    }
    trialOf[i] = t;
  }
  return { trialOf, trialLabels: Int32Array.from(labels) };
}

/** Test fold of every window from a stratified assignment of trials. */
function windowFolds(trials: Trials, trialLabels: Int32Array, nSplits: number, seed: number): Int32Array {
  const trialFold = stratifiedKFold(trialLabels, nSplits, { shuffle: true, seed });
  return Int32Array.from(trials.trialOf, (t) => trialFold[t]);
}

function crossValidateFolds(
  X: ArrayLike<number>,
  nFeatures: number,
  y: Int32Array,
  classes: readonly string[],
  testFold: Int32Array,
  som: SomOptions,
  onFold?: () => void,
): CrossValidatedMap {
  const k = classes.length;
  const predictions = new Int32Array(y.length);
  const proba = new Float64Array(y.length * k);
  const window = new Float64Array(nFeatures);
  for (const { train, test } of foldsFromAssignment(testFold)) {
    if (test.length === 0) continue;
    const map = SelfOrganizingMap.fit({ X, nFeatures, y, rows: train }, classes, som);
    const post = map.posteriors();
    for (const i of test) {
      for (let d = 0; d < nFeatures; d++) window[d] = X[i * nFeatures + d];
      const b = map.locate(window).bmu;
      let best = 0;
      for (let c = 0; c < k; c++) {
        proba[i * k + c] = post[b * k + c];
        if (post[b * k + c] > post[b * k + best]) best = c;
      }
      predictions[i] = best;
    }
    onFold?.();
  }
  return {
    predictions,
    proba,
    accuracy: accuracy(y, predictions),
    confusion: confusionMatrix(y, predictions, k),
    f1: f1PerClass(y, predictions, k),
  };
}

function checkWindows(X: ArrayLike<number>, y: Int32Array): number {
  const nFeatures = X.length / y.length;
  if (!Number.isInteger(nFeatures) || nFeatures < 1) throw new RangeError(`${X.length} values are not ${y.length} windows`);
  return nFeatures;
}

/** Cross-validated predictions of the map as a classifier; every fold trains its own map. */
export function crossValidateSom(
  X: ArrayLike<number>,
  y: Int32Array,
  classes: readonly string[],
  options: SomEvaluationOptions = {},
): CrossValidatedMap {
  const nFeatures = checkWindows(X, y);
  const trials = trialsOf(y, options.groups);
  const nSplits = options.nSplits ?? 5;
  const folds = windowFolds(trials, trials.trialLabels, nSplits, options.seed ?? 0);
  let done = 0;
  const onFold = options.progress && (() => options.progress!(++done / nSplits));
  return crossValidateFolds(X, nFeatures, y, classes, folds, options.som ?? {}, onFold);
}

/** Cross-validated accuracy on `nShuffles` permutations of the trials' labels. */
export function somChanceLevel(
  X: ArrayLike<number>,
  y: Int32Array,
  classes: readonly string[],
  options: SomEvaluationOptions = {},
): ChanceLevel {
  const nFeatures = checkWindows(X, y);
  const { nShuffles = 20, nSplits = 5, seed = 0 } = options;
  if (!Number.isInteger(nShuffles) || nShuffles < 1) throw new RangeError(`nShuffles must be a positive integer, got ${nShuffles}`);
  const trials = trialsOf(y, options.groups);
  // Its own stream, so the shuffles do not depend on the seed's use elsewhere.
  const rng = new Rng(seed ^ 0x5eed);
  const accuracies = new Float64Array(nShuffles);
  let done = 0;
  const onFold = options.progress && (() => options.progress!(++done / (nShuffles * nSplits)));
  for (let s = 0; s < nShuffles; s++) {
    const shuffled = permuteLabels(trials.trialLabels, rng.nextUint32());
    const yShuffled = Int32Array.from(trials.trialOf, (t) => shuffled[t]);
    const folds = windowFolds(trials, shuffled, nSplits, rng.nextUint32());
    accuracies[s] = crossValidateFolds(X, nFeatures, yShuffled, classes, folds, options.som ?? {}, onFold).accuracy;
  }
  let mean = 0;
  for (const a of accuracies) mean += a;
  mean /= nShuffles;
  let ss = 0;
  for (const a of accuracies) ss += (a - mean) ** 2;
  return { accuracies, mean, sd: nShuffles > 1 ? Math.sqrt(ss / (nShuffles - 1)) : 0, p95: percentile(accuracies, 95) };
}

/** Separability of every pair of classes: territory overlap on `map`, pairwise accuracy from cross-validation. */
export function pairSeparability(map: SelfOrganizingMap, y: Int32Array, cv: CrossValidatedMap): PairSeparability[] {
  const k = map.classes.length;
  const overlap = map.territoryOverlap();
  const pairs: PairSeparability[] = [];
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      let score = 0;
      let count = 0;
      for (let i = 0; i < y.length; i++) {
        if (y[i] !== a && y[i] !== b) continue;
        const own = cv.proba[i * k + y[i]];
        const other = cv.proba[i * k + (y[i] === a ? b : a)];
        score += own > other ? 1 : own === other ? 0.5 : 0;
        count++;
      }
      pairs.push({ a, b, classA: map.classes[a], classB: map.classes[b], overlap: overlap[a * k + b], accuracy: score / count });
    }
  }
  return pairs;
}

/** Everything above for one set of labelled windows. */
export function evaluateSom(
  X: ArrayLike<number>,
  y: Int32Array,
  classes: readonly string[],
  options: SomEvaluationOptions = {},
): SomEvaluation {
  const nFeatures = checkWindows(X, y);
  const { progress, nSplits = 5, nShuffles = 20 } = options;
  // Work in fitted maps: the full one, one per fold, one per fold of every shuffle.
  const total = 1 + nSplits * (1 + nShuffles);
  const part = (from: number, maps: number) => progress && ((f: number) => progress((from + f * maps) / total));
  const map = SelfOrganizingMap.fit({ X, nFeatures, y }, classes, options.som);
  progress?.(1 / total);
  const crossValidation = crossValidateSom(X, y, classes, { ...options, progress: part(1, nSplits) });
  const chance = somChanceLevel(X, y, classes, { ...options, progress: part(1 + nSplits, nSplits * nShuffles) });
  return {
    map,
    quantisationError: map.quantisationError(X),
    topographicError: map.topographicError(X),
    crossValidation,
    chance,
    pairs: pairSeparability(map, y, crossValidation),
  };
}
