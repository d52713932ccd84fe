import type { CalibrationReport, StateSpaceMetrics } from '@/db/schema';
import { bandPowerFeatureNames, bandPowerFeatures, labelWindows, pickLabelledWindows } from '@/lib/eeg';
import type { Annotation } from '@/lib/formats/types';
import { SelfOrganizingMap, crossValidateSom, evaluateSom, pairSeparability, somToOnnx, type SomJson, type SomOptions } from '@/lib/ml/som';

/** Options of the offline analysis that reach the thread (lib/jobs.ts statespaceParams, less what names the data). */
export interface StatespaceOptions {
  windowS: number;
  hopS: number;
  rows: number;
  cols: number;
  epochs: number;
  relevance: number;
  nSplits: number;
  nShuffles: number;
  seed: number;
}

export interface StatespaceAnalysisTask {
  /** One array of samples per channel, volts. */
  channels: Float32Array[];
  chNames: string[];
  sfreq: number;
  annotations: Annotation[];
  /** Event descriptions to use, one class each. */
  classes: string[];
  options: StatespaceOptions;
}

/**
 * Level 3 offline, shared by the job and the `analyze statespace` CLI: band power windows of the whole recording,
 * the windows inside events of the chosen classes, the map fitted to them and its quality (cross-validated over
 * trials, chance from shuffled trial labels), the ONNX export and every window's position on the map.
 */
export function statespaceAnalysisTask(task: StatespaceAnalysisTask, progress: (fraction: number) => void) {
  const { options: o, classes, sfreq } = task;
  const features = bandPowerFeatures(task.channels, sfreq, { windowS: o.windowS, hopS: o.hopS });
  const windows = pickLabelledWindows(features, labelWindows(features.starts, features.windowSamples, sfreq, task.annotations, classes));
  checkTrials(classes, windows.y, windows.trials, o.nSplits, `${o.windowS} s windows`);
  progress(0.05);
  const som: SomOptions = { rows: o.rows, cols: o.cols, epochs: o.epochs, relevance: o.relevance, seed: o.seed };
  const e = evaluateSom(windows.X, windows.y, classes, {
    som,
    nSplits: o.nSplits,
    nShuffles: o.nShuffles,
    groups: windows.trials,
    seed: o.seed,
    progress: (f) => progress(0.05 + 0.93 * f),
  });
  const { positions } = e.map.project(windows.X);
  const k = classes.length;
  const metrics: StateSpaceMetrics = {
    classes,
    nWindows: windows.y.length,
    nTrials: new Set(windows.trials).size,
    windowsPerClass: Object.fromEntries(classes.map((c, i) => [c, windows.y.filter((l) => l === i).length])),
    features: {
      sfreq,
      channels: task.chNames,
      bands: features.bands,
      windowS: o.windowS,
      hopS: o.hopS,
      nFeatures: features.nFeatures,
    },
    som: { ...e.map.options },
    crossValidation: {
      accuracy: e.crossValidation.accuracy,
      nSplits: o.nSplits,
      confusion: Array.from({ length: k }, (_, i) => Array.from(e.crossValidation.confusion.subarray(i * k, (i + 1) * k))),
      f1: Object.fromEntries(classes.map((c, i) => [c, e.crossValidation.f1[i]])),
    },
    chance: { mean: e.chance.mean, sd: e.chance.sd, p95: e.chance.p95, nShuffles: o.nShuffles, accuracies: Array.from(e.chance.accuracies) },
    separability: e.pairs.map((p) => ({ a: p.classA, b: p.classB, overlap: p.overlap, accuracy: p.accuracy })),
    quantisationError: e.quantisationError,
    topographicError: e.topographicError,
  };
  progress(1);
  return {
    metrics,
    map: e.map.toJSON(),
    featureNames: bandPowerFeatureNames(task.chNames, features.bands),
    onnx: somToOnnx(e.map),
    positions: Float32Array.from(positions),
    labels: windows.y,
  };
}

/** Every class needs windows, and enough trials for the folds of its cross-validation. */
function checkTrials(classes: readonly string[], y: Int32Array, trials: Int32Array, nSplits: number, what: string): void {
  classes.forEach((c, k) => {
    const n = new Set(trials.filter((_, i) => y[i] === k)).size;
    if (n === 0) throw new Error(`No event "${c}" holds a whole window (${what}): choose events that last at least one window`);
    if (n < nSplits) throw new Error(`"${c}" has ${n} trial${n === 1 ? '' : 's'} with whole windows; ${nSplits}-fold cross-validation needs at least ${nSplits}`);
  });
}

/** The windows of a recording that lie inside events of the given classes: a live session's calibration from its recording. */
export function eventWindowsTask(input: { channels: Float32Array[]; sfreq: number; annotations: Annotation[]; classes: string[]; windowS: number; hopS: number }) {
  const features = bandPowerFeatures(input.channels, input.sfreq, { windowS: input.windowS, hopS: input.hopS });
  return pickLabelledWindows(features, labelWindows(features.starts, features.windowSamples, input.sfreq, input.annotations, input.classes));
}

export interface StatespaceTrainTask {
  /** Calibration windows, windows x nFeatures. */
  X: Float32Array;
  nFeatures: number;
  /** Action of each window, an index into `actions`. */
  y: Int32Array;
  /** Cue of each window. */
  trials: Int32Array;
  actions: string[];
  /** 'refit' trains a new map on every window; 'update' teaches the current map the windows from `newRows` on. */
  mode: 'refit' | 'update';
  map: SomJson | null;
  newRows: number;
  som: SomOptions;
}

/**
 * Trains or updates a live session's map from its calibration windows and reports how distinct the actions are:
 * territory overlap on the map, and cross-validated accuracy over cues when every action has two cues or more.
 */
export function statespaceTrainTask(task: StatespaceTrainTask): { map: SomJson; report: Omit<CalibrationReport, 'mode' | 'trainedAt'> } {
  const { X, nFeatures, y, actions } = task;
  const used = actions.filter((_, k) => y.includes(k));
  if (used.length === 0) throw new Error('No calibration windows yet: cue the actions first');
  let map: SelfOrganizingMap;
  if (task.mode === 'update' && task.map) {
    map = SelfOrganizingMap.fromJSON(task.map);
    for (const a of used) if (!map.classes.includes(a)) map.addClass(a);
    const rows = Int32Array.from({ length: y.length - task.newRows }, (_, i) => task.newRows + i);
    if (rows.length === 0) throw new Error('No new calibration windows since the map was trained: cue the actions again, or refit');
    map.partialFit({ X, nFeatures, y: Int32Array.from(y, (k) => map.classes.indexOf(actions[k])), rows });
  } else {
    map = SelfOrganizingMap.fit({ X, nFeatures, y: Int32Array.from(y, (k) => used.indexOf(actions[k])) }, used, task.som);
  }
  // Everything below in the map's class order.
  const yMap = Int32Array.from(y, (k) => map.classes.indexOf(actions[k]));
  const cuesPerClass = map.classes.map((_, k) => new Set(task.trials.filter((_, i) => yMap[i] === k)).size);
  const nSplits = Math.min(5, ...cuesPerClass);
  const cv = map.classes.length > 1 && nSplits >= 2 ? crossValidateSom(X, yMap, map.classes, { som: task.som, nSplits, groups: task.trials }) : null;
  const overlap = map.territoryOverlap();
  const k = map.classes.length;
  const pairs = cv
    ? pairSeparability(map, yMap, cv).map((p) => ({ a: p.classA, b: p.classB, overlap: p.overlap, accuracy: Number.isFinite(p.accuracy) ? p.accuracy : null }))
    : map.classes.flatMap((a, i) => map.classes.slice(i + 1).map((b, j) => ({ a, b, overlap: overlap[i * k + i + 1 + j], accuracy: null })));
  return { map: map.toJSON(), report: { nWindows: y.length, accuracy: cv ? cv.accuracy : null, pairs } };
}
