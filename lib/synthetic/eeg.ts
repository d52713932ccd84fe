/**
 * Seeded scalp EEG with planted class-specific band-power changes, for demos, tests and benchmarks of the Level 3
 * mental state map (docs/METHODS.md, "Synthetic data with planted ground truth").
 *
 * A continuous recording of trials (events with onset, duration and the class as description, like MNE's
 * annotations), separated by unlabelled rest. One source sits under each electrode; its activity is a Gaussian
 * process drawn in the frequency domain over the whole recording: 1/f background with a white floor, an occipital
 * alpha rhythm (strongest near Oz), and sensorimotor mu (10-12 Hz) and beta (18-24 Hz) rhythms (strongest near C3
 * and C4). Volume conduction mixes the sources into the channels with a Gaussian kernel of inter-electrode
 * distance (rows scaled to unit norm, so independent sources keep their variance).
 *
 * A planted effect scales the band-limited part of every source by a time-varying gain inside the trials of its
 * class: under the target electrode the source's band power becomes powerRatio times (jittered per trial) what it
 * was; elsewhere the amplitude change is weighted by exp(-d^2 / (2 spreadMm^2)). Channels see it diluted by
 * volume conduction (about 0.4 instead of 0.35 at C4 with the defaults). The gain ramps in over the first and out
 * over the last RAMP_S of each trial. Defaults: 'left' hand imagery desynchronises mu and beta over C4, 'right'
 * over C3, 'rest' changes nothing.
 */
import { matchMontage, normaliseChannelName, type Montage, type Point3 } from '../atlas/montage';
import { ifftComplex, nextPow2 } from '../dsp/fft';
import type { Annotation } from '../formats/types';
import { Rng } from './random';

export const EEG_GENERATOR = 'brainglass/synthetic-eeg';
/** Bump when the same options and seed would produce different numbers. */
export const EEG_GENERATOR_VERSION = 1;

/** Positions (mm) of a 32-channel 10-20 subset, from MNE's standard_1005.elc (checked in eeg.test.ts). */
const STANDARD_1005_SUBSET: Record<string, Point3> = {
  Fp1: [-29.4367, 83.9171, -6.99],
  Fp2: [29.8723, 84.8959, -7.08],
  AF3: [-33.7007, 76.8371, 21.227],
  AF4: [35.7123, 77.7259, 21.956],
  F7: [-70.2629, 42.4743, -11.42],
  F3: [-50.2438, 53.1112, 42.192],
  Fz: [0.3122, 58.512, 66.462],
  F4: [51.8362, 54.3048, 40.814],
  F8: [73.0431, 44.4217, -12],
  FC5: [-77.2149, 18.6433, 24.46],
  FC1: [-34.0619, 26.0111, 79.987],
  FC2: [34.7841, 26.4379, 78.808],
  FC6: [79.5341, 19.9357, 24.438],
  T7: [-84.1611, -16.0187, -9.346],
  C3: [-65.3581, -11.6317, 64.358],
  Cz: [0.4009, -9.167, 100.244],
  C4: [67.1179, -10.9003, 63.58],
  T8: [85.0799, -15.0203, -9.49],
  CP5: [-79.5922, -46.5507, 30.949],
  CP1: [-35.5131, -47.2919, 91.315],
  CP2: [38.3838, -47.0731, 90.695],
  CP6: [83.3218, -46.1013, 31.206],
  P7: [-72.4343, -73.4527, -2.487],
  P3: [-53.0073, -78.7878, 55.94],
  Pz: [0.3247, -81.115, 82.615],
  P4: [55.6667, -78.5602, 56.561],
  P8: [73.0557, -73.0683, -2.54],
  PO3: [-36.5114, -100.8529, 37.167],
  PO4: [36.7816, -100.8491, 36.397],
  O1: [-29.4134, -112.449, 8.839],
  Oz: [0.1076, -114.892, 14.657],
  O2: [29.8426, -112.156, 8.8],
};

/** The default channels: 32 sites of the 10-20 system, front to back. */
export const DEFAULT_EEG_CHANNELS: readonly string[] = Object.keys(STANDARD_1005_SUBSET);

/** A band-power change over one electrode during the trials of one class. */
export interface EegClassEffect {
  /** Electrode under which the change is strongest. */
  channel: string;
  fmin: number;
  fmax: number;
  /** Band power during the trial relative to without the effect (< 1: desynchronisation). Median over trials. */
  powerRatio: number;
}

export interface EegClassSpec {
  label: string;
  effects: readonly EegClassEffect[];
}

/** Motor imagery: mu and beta desynchronisation contralateral to the imagined hand. */
export const DEFAULT_EEG_CLASSES: readonly EegClassSpec[] = [
  {
    label: 'left',
    effects: [
      { channel: 'C4', fmin: 8, fmax: 13, powerRatio: 0.35 },
      { channel: 'C4', fmin: 13, fmax: 30, powerRatio: 0.5 },
    ],
  },
  {
    label: 'right',
    effects: [
      { channel: 'C3', fmin: 8, fmax: 13, powerRatio: 0.35 },
      { channel: 'C3', fmin: 13, fmax: 30, powerRatio: 0.5 },
    ],
  },
  { label: 'rest', effects: [] },
];

export interface SyntheticEegOptions {
  seed?: number;
  /** Sampling rate in Hz (default 160, as the PhysioNet motor imagery recordings). */
  sfreq?: number;
  /** Channels (default DEFAULT_EEG_CHANNELS). Names outside it need a `montage`. */
  chNames?: readonly string[];
  /** Electrode positions (mm) for chNames, e.g. readElc of standard_1005.elc; also places the C3/C4/Oz rhythms. */
  montage?: Montage;
  classes?: readonly EegClassSpec[];
  /** Trials per class (default 20), presented in seeded random order. */
  trialsPerClass?: number;
  /** Trial (event) duration in seconds (default 4). */
  trialS?: number;
  /** Unlabelled rest between trials, drawn uniformly from [min, max] s (default [2, 3]). */
  intertrialS?: readonly [number, number];
  /** Unlabelled rest before the first trial, s (default 2). */
  leadS?: number;
  /** SD in mm of an effect's fall-off around its electrode (default 30). */
  spreadMm?: number;
  /** SD of log(powerRatio) from trial to trial (default 0.2). */
  ratioJitter?: number;
}

/** A planted effect as placed: the answer an analysis should find. */
export interface PlantedEegEffect {
  label: string;
  classIndex: number;
  channel: string;
  fmin: number;
  fmax: number;
  powerRatio: number;
  spreadMm: number;
  /** Channels whose source takes at least half of the change (weight >= 0.5), the target first. */
  channels: string[];
}

export interface EegGroundTruth {
  generator: string;
  version: number;
  seed: number;
  effects: PlantedEegEffect[];
}

/** A continuous recording in MNE's terms: sfreq, ch_names, data per channel (V), annotations. */
export interface SyntheticRaw {
  sfreq: number;
  nSamples: number;
  chNames: string[];
  chTypes: 'eeg'[];
  /** x y z per channel, mm, in the montage's frame (standard_1005 unless a montage was given). */
  positions: Float32Array;
  /** One array of samples per channel, volts. */
  data: Float32Array[];
  /** One per trial, in time order; description = class label. */
  annotations: Annotation[];
  classes: string[];
  groundTruth: EegGroundTruth;
}

const UV = 1e-6;
/** Ramp of an effect's gain at each end of a trial, s. */
const RAMP_S = 0.3;
/** SD of volume conduction between electrodes, mm. */
const CONDUCTION_MM = 30;

// Independent random streams, so that e.g. changing the effects leaves the background as it was.
const STREAM_SOURCE = 1;
const STREAM_SPECTRUM = 2;
const STREAM_ORDER = 3;
const STREAM_TIMING = 4;
const STREAM_TRIAL_RATIOS = 5;

interface Rhythm {
  /** Where it is strongest. */
  anchors: string[];
  /** SD in mm of the power's fall-off with distance from the nearest anchor. */
  spreadMm: number;
  rmsUv: readonly [number, number];
  peakHz: readonly [number, number];
  widthHz: number;
}

const RHYTHMS: readonly Rhythm[] = [
  { anchors: ['Oz'], spreadMm: 50, rmsUv: [8, 12], peakHz: [9.5, 10.5], widthHz: 1 }, // occipital alpha
  { anchors: ['C3', 'C4'], spreadMm: 30, rmsUv: [6, 9], peakHz: [10, 12], widthHz: 0.8 }, // mu
  { anchors: ['C3', 'C4'], spreadMm: 30, rmsUv: [3, 5], peakHz: [18, 24], widthHz: 3 }, // sensorimotor beta
];

function distance(a: Point3, b: Point3): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

/** Positions of named sites: from the montage when given, else the built-in standard_1005 subset. */
function siteLocator(montage: Montage | undefined): (names: readonly string[]) => Point3[] {
  return (names) => {
    if (montage) {
      const { matches, unmatched } = matchMontage(names, montage);
      if (unmatched.length > 0) throw new RangeError(`no montage position for ${unmatched.join(', ')}`);
      return matches.map((m) => m.position);
    }
    const byKey = new Map(DEFAULT_EEG_CHANNELS.map((n) => [normaliseChannelName(n), STANDARD_1005_SUBSET[n]]));
    return names.map((n) => {
      const p = byKey.get(normaliseChannelName(n));
      if (p === undefined) throw new RangeError(`no built-in position for '${n}': pass a montage`);
      return p;
    });
  };
}

interface Trial {
  onsetSample: number;
  endSample: number;
  classIndex: number;
}

/** Gain envelope of a trial at sample n: 0 outside, raised-cosine ramps of `ramp` samples inside each end. */
function trialEnvelope(n: number, t: Trial, ramp: number): number {
  if (n < t.onsetSample || n >= t.endSample) return 0;
  const fromEdge = Math.min(n - t.onsetSample, t.endSample - 1 - n);
  return fromEdge >= ramp ? 1 : 0.5 - 0.5 * Math.cos((Math.PI * fromEdge) / ramp);
}

/** Generates a continuous synthetic EEG recording with labelled trials and planted band-power changes. */
export function generateEeg(options: SyntheticEegOptions = {}): SyntheticRaw {
  const seed = options.seed ?? 1;
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
  const sfreq = options.sfreq ?? 160;
  const chNames = [...(options.chNames ?? DEFAULT_EEG_CHANNELS)];
  const classes = options.classes ?? DEFAULT_EEG_CLASSES;
  const trialsPerClass = options.trialsPerClass ?? 20;
  const trialS = options.trialS ?? 4;
  const [itiMin, itiMax] = options.intertrialS ?? [2, 3];
  const leadS = options.leadS ?? 2;
  const spreadMm = options.spreadMm ?? 30;
  const ratioJitter = options.ratioJitter ?? 0.2;
  if (!(sfreq > 0 && Number.isFinite(sfreq))) throw new RangeError(`sfreq must be positive, got ${sfreq}`);
  if (chNames.length === 0 || new Set(chNames).size !== chNames.length) throw new RangeError('chNames must be unique and not empty');
  if (classes.length === 0 || new Set(classes.map((c) => c.label)).size !== classes.length) throw new RangeError('class labels must be unique and not empty');
  if (!Number.isInteger(trialsPerClass) || trialsPerClass < 1) throw new RangeError(`trialsPerClass must be a positive integer, got ${trialsPerClass}`);
  if (!(trialS > 2 * RAMP_S) || !(itiMin >= 0 && itiMax >= itiMin) || !(leadS >= 0)) {
    throw new RangeError(`trials must last over ${2 * RAMP_S} s; rests must be >= 0 s`);
  }
  if (!(spreadMm > 0) || !(ratioJitter >= 0)) throw new RangeError('spreadMm must be positive and ratioJitter >= 0');

  const locate = siteLocator(options.montage);
  const positions = locate(chNames);
  const nChannels = chNames.length;

  // Placed effects, flattened over classes; effect e's weight at source s is weights[e][s].
  const effects: PlantedEegEffect[] = [];
  const weights: Float64Array[] = [];
  classes.forEach((cls, classIndex) => {
    for (const fx of cls.effects) {
      const where = `class '${cls.label}', effect over ${fx.channel}`;
      const target = chNames.findIndex((n) => normaliseChannelName(n) === normaliseChannelName(fx.channel));
      if (target < 0) throw new RangeError(`${where}: ${fx.channel} is not a channel`);
      if (!(fx.fmin >= 0 && fx.fmax > fx.fmin && fx.fmax <= sfreq / 2)) throw new RangeError(`${where}: band must lie within 0-${sfreq / 2} Hz`);
      if (!(fx.powerRatio > 0)) throw new RangeError(`${where}: powerRatio must be positive`);
      const w = Float64Array.from(positions, (p) => Math.exp(-(distance(p, positions[target]) ** 2) / (2 * spreadMm * spreadMm)));
      weights.push(w);
      effects.push({
        label: cls.label,
        classIndex,
        channel: chNames[target],
        fmin: fx.fmin,
        fmax: fx.fmax,
        powerRatio: fx.powerRatio,
        spreadMm,
        channels: [target, ...chNames.map((_, s) => s).filter((s) => s !== target && w[s] >= 0.5)].map((s) => chNames[s]),
      });
    }
  });

  // Trials in random order, separated by random rests.
  const order: number[] = [];
  for (let k = 0; k < classes.length; k++) for (let t = 0; t < trialsPerClass; t++) order.push(k);
  new Rng(seed, STREAM_ORDER).shuffle(order);
  const timing = new Rng(seed, STREAM_TIMING);
  const trialSamples = Math.round(trialS * sfreq);
  const trials: Trial[] = [];
  let at = Math.round(leadS * sfreq);
  for (const classIndex of order) {
    trials.push({ onsetSample: at, endSample: at + trialSamples, classIndex });
    at += trialSamples + Math.round(timing.range(itiMin, itiMax) * sfreq);
  }
  const nSamples = at;
  const ratioRng = new Rng(seed, STREAM_TRIAL_RATIOS);
  const trialRatios = trials.map(() => effects.map((e) => e.powerRatio * ratioRng.logNormal(0, ratioJitter)));

  const nFft = nextPow2(nSamples);
  const half = nFft / 2;
  const df = sfreq / nFft;
  const ramp = Math.round(RAMP_S * sfreq);
  const rhythmAnchors = RHYTHMS.map((r) => locate(r.anchors));

  const sources = Array.from({ length: nChannels }, () => new Float64Array(nSamples));
  const variance = new Float64Array(half + 1);
  const shape = new Float64Array(half + 1);
  const spectrum = new Float64Array(2 * nFft);
  const component = new Float64Array(2 * nFft);
  const masked = new Float64Array(2 * nFft);
  const binMask = new Int32Array(half + 1);
  const gain = new Float64Array(nSamples);

  for (let s = 0; s < nChannels; s++) {
    // Background: 1/f^beta with a 1 Hz knee, plus a white floor; then the rhythms, Gaussian peaks.
    const params = new Rng(seed, STREAM_SOURCE, s);
    const beta = params.range(1.5, 2.0);
    const pinkRms = params.range(8, 14) * UV;
    const whiteRms = params.range(0.8, 1.2) * UV;
    variance.fill(0);
    for (let k = 1; k < half; k++) shape[k] = 1 / (1 + Math.pow(k * df, beta));
    addShape(variance, shape, 1, half - 1, pinkRms);
    shape.fill(1);
    addShape(variance, shape, 1, half - 1, whiteRms);
    RHYTHMS.forEach((r, i) => {
      const near = Math.min(...rhythmAnchors[i].map((p) => distance(positions[s], p)));
      const rms = params.range(r.rmsUv[0], r.rmsUv[1]) * UV * Math.exp(-(near * near) / (4 * r.spreadMm * r.spreadMm));
      const peak = params.range(r.peakHz[0], r.peakHz[1]);
      // Gaussian peak, cut at 5 SD.
      const lo = Math.max(1, Math.ceil((peak - 5 * r.widthHz) / df));
      const hi = Math.min(half - 1, Math.floor((peak + 5 * r.widthHz) / df));
      for (let k = lo; k <= hi; k++) shape[k] = Math.exp(-0.5 * ((k * df - peak) / r.widthHz) ** 2);
      addShape(variance, shape, lo, hi, rms);
    });

    // A circular complex Gaussian per bin with E|X_k|^2 = nFft^2 v_k / 2 gives the real signal variance v_k.
    const draw = new Rng(seed, STREAM_SPECTRUM, s);
    spectrum.fill(0);
    for (let k = 1; k < half; k++) {
      const amp = (nFft / 2) * Math.sqrt(variance[k]);
      const re = amp * draw.gaussian();
      const im = amp * draw.gaussian();
      spectrum[2 * k] = re;
      spectrum[2 * k + 1] = im;
      spectrum[2 * (nFft - k)] = re;
      spectrum[2 * (nFft - k) + 1] = -im;
    }

    // Split the spectrum into components by which effects reach this source in which bins; each component gets
    // the product of its effects' gains.
    const local = effects.map((_, e) => e).filter((e) => weights[e][s] >= 1e-3);
    if (local.length > 30) throw new RangeError(`${local.length} effects reach ${chNames[s]}; at most 30 can overlap`);
    binMask.fill(0);
    local.forEach((e, bit) => {
      const lo = Math.ceil(effects[e].fmin / df);
      const hi = Math.min(half - 1, Math.ceil(effects[e].fmax / df) - 1);
      for (let k = lo; k <= hi; k++) binMask[k] |= 1 << bit;
    });
    const trace = sources[s];
    for (const mask of new Set(binMask)) {
      masked.fill(0);
      for (let k = 1; k < half; k++) {
        if (binMask[k] !== mask) continue;
        const mirror = nFft - k;
        masked[2 * k] = spectrum[2 * k];
        masked[2 * k + 1] = spectrum[2 * k + 1];
        masked[2 * mirror] = spectrum[2 * mirror];
        masked[2 * mirror + 1] = spectrum[2 * mirror + 1];
      }
      ifftComplex(masked, component);
      gain.fill(1);
      local.forEach((e, bit) => {
        if ((mask & (1 << bit)) === 0) return;
        const w = weights[e][s];
        trials.forEach((t, ti) => {
          if (t.classIndex !== effects[e].classIndex) return;
          const drop = (Math.sqrt(trialRatios[ti][e]) - 1) * w;
          for (let n = t.onsetSample; n < t.endSample; n++) gain[n] *= 1 + drop * trialEnvelope(n, t, ramp);
        });
      });
      for (let n = 0; n < nSamples; n++) trace[n] += component[2 * n] * gain[n];
    }
  }

  // Volume conduction.
  const mixing = new Float64Array(nChannels * nChannels);
  for (let c = 0; c < nChannels; c++) {
    let norm = 0;
    for (let s = 0; s < nChannels; s++) {
      const k = Math.exp(-(distance(positions[c], positions[s]) ** 2) / (2 * CONDUCTION_MM * CONDUCTION_MM));
      mixing[c * nChannels + s] = k;
      norm += k * k;
    }
    for (let s = 0; s < nChannels; s++) mixing[c * nChannels + s] /= Math.sqrt(norm);
  }
  const data = Array.from({ length: nChannels }, () => new Float32Array(nSamples));
  const mixed = new Float64Array(nSamples);
  for (let c = 0; c < nChannels; c++) {
    mixed.fill(0);
    for (let s = 0; s < nChannels; s++) {
      const m = mixing[c * nChannels + s];
      // Beyond about 3 conduction SDs a source adds nothing visible.
      if (m < 1e-3) continue;
      const src = sources[s];
      for (let n = 0; n < nSamples; n++) mixed[n] += m * src[n];
    }
    data[c].set(mixed);
  }

  const flatPositions = new Float32Array(3 * nChannels);
  positions.forEach((p, i) => flatPositions.set(p, 3 * i));
  return {
    sfreq,
    nSamples,
    chNames,
    chTypes: chNames.map(() => 'eeg' as const),
    positions: flatPositions,
    data,
    annotations: trials.map((t) => ({
      onset: t.onsetSample / sfreq,
      duration: (t.endSample - t.onsetSample) / sfreq,
      description: classes[t.classIndex].label,
    })),
    classes: classes.map((c) => c.label),
    groundTruth: { generator: EEG_GENERATOR, version: EEG_GENERATOR_VERSION, seed, effects },
  };
}

/** Adds shape[lo..hi] to variance, scaled so that it contributes rms^2 in all. */
function addShape(variance: Float64Array, shape: Float64Array, lo: number, hi: number, rms: number): void {
  let total = 0;
  for (let k = lo; k <= hi; k++) total += shape[k];
  if (!(total > 0)) return;
  const scale = (rms * rms) / total;
  for (let k = lo; k <= hi; k++) variance[k] += scale * shape[k];
}
