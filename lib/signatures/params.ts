/**
 * Parameters of the Level 1 analysis (docs METHODS.md, "Level 1"): spectrotemporal features, one random forest per
 * contact, shuffled-label null, category-specific importance and ternary signatures. The paper preset reproduces
 * the published analysis; the quick preset trades resolution and trees for a first look in seconds per contact.
 */
import { paperCycles, paperFreqs, type BaselineRange } from '../dsp';
import type { MaxFeatures } from '../ml/forest/tree';

export type DetrendType = 'linear' | 'constant' | 'none';
export type ImportanceMethod = 'leaf-paths' | 'class-gini';

export interface SignatureParams {
  /** Morlet frequencies, Hz. Paper: 4..149 Hz in 1 Hz steps (146). */
  freqs: readonly number[];
  /** Wavelet k0 (MNE's n_cycles), one per frequency or one for all. Paper: 3 / 4 / 5 / 6 by range. */
  nCycles: number | readonly number[];
  /** MNE's zero_mean for the wavelets. Default false (the paper's MNE version). */
  zeroMean: boolean;
  /** Samples per time bin: 16 at 512 Hz = 31.25 ms, 48 bins over -500..1000 ms. */
  binSize: number;
  /** Bins (inclusive) whose mean divides the classifier's power: 0..12 (no log). */
  classifierBaseline: BaselineRange;
  /** Bins (inclusive) of the log-ratio used for maps, signs and clustering: 0..13. */
  mapBaseline: BaselineRange;
  /** Trial detrending before anything else (scipy.signal.detrend's type). */
  detrend: DetrendType;
  /** Reject a trial when max |x| > rejectFactor x the contact's mean per-trial SD; null keeps every trial. */
  rejectFactor: number | null;
  /** Trees per forest. Paper: 3000. */
  nEstimators: number;
  /** Features tried per split (sklearn default 'sqrt'). */
  maxFeatures: MaxFeatures;
  /** Stratified cross-validation folds. Paper: 5. */
  nSplits: number;
  /** One-sided level of the shuffled-label null: F1 threshold = its (1 - p) quantile. Paper: 1e-5. */
  nullP: number;
  /** Category importance: 'leaf-paths' is the paper's (METHODS.md literal); 'class-gini' splits each Gini decrease by class. */
  importance: ImportanceMethod;
  /** Signature mask: importance > mean + signatureSd x SD of the map. Paper: 1. */
  signatureSd: number;
}

/** The published analysis (Kuzovkin et al. 2020). */
export function paperParams(): SignatureParams {
  const freqs = Array.from(paperFreqs());
  return {
    freqs,
    nCycles: Array.from(paperCycles(freqs)),
    zeroMean: false,
    binSize: 16,
    classifierBaseline: [0, 12],
    mapBaseline: [0, 13],
    detrend: 'linear',
    rejectFactor: 10,
    nEstimators: 3000,
    maxFeatures: 'sqrt',
    nSplits: 5,
    nullP: 1e-5,
    importance: 'leaf-paths',
    signatureSd: 1,
  };
}

/**
 * Geometrically spaced frequencies from fmin to fmax inclusive, rounded to 0.01 Hz. Morlet wavelets with the paper's
 * k0 have a bandwidth roughly proportional to frequency, so a log grid samples every band about equally.
 */
export function logFreqs(fmin: number, fmax: number, n: number): number[] {
  if (!(fmin > 0 && fmax > fmin && Number.isInteger(n) && n >= 2)) throw new RangeError('logFreqs: need 0 < fmin < fmax, n >= 2');
  return Array.from({ length: n }, (_, i) => Math.round(100 * fmin * Math.pow(fmax / fmin, i / (n - 1))) / 100);
}

/**
 * A first look, about 20x cheaper than the paper: 32 log-spaced frequencies 4..149 Hz (same k0 rule), 150 trees,
 * 3 folds. Log spacing rather than 5 Hz steps: 5 Hz steps put only two frequencies in 4-12 Hz, and on the synthetic
 * data that hid the planted theta/alpha decreases (house F1 at chance) while 10 log steps there found them.
 */
export function quickParams(): SignatureParams {
  const freqs = logFreqs(4, 149, 32);
  return { ...paperParams(), freqs, nCycles: Array.from(paperCycles(freqs)), nEstimators: 150, nSplits: 3 };
}

export type SignaturePreset = 'paper' | 'quick';

/**
 * A preset with overrides. When `freqs` is overridden without `nCycles`, the paper's k0 rule is applied to the
 * new frequencies (so the cycles always match the frequencies).
 */
export function resolveParams(overrides: Partial<SignatureParams> = {}, preset: SignaturePreset = 'paper'): SignatureParams {
  const base = preset === 'quick' ? quickParams() : paperParams();
  const p: SignatureParams = { ...base, ...overrides };
  if (overrides.freqs !== undefined && overrides.nCycles === undefined) p.nCycles = Array.from(paperCycles(p.freqs));
  validateParams(p);
  return p;
}

export function validateParams(p: SignatureParams): void {
  if (p.freqs.length === 0 || !p.freqs.every((f) => f > 0)) throw new RangeError('freqs must be positive and non-empty');
  if (typeof p.nCycles !== 'number' && p.nCycles.length !== 1 && p.nCycles.length !== p.freqs.length) {
    throw new RangeError('nCycles must be one number or one per frequency');
  }
  if (!Number.isInteger(p.binSize) || p.binSize < 1) throw new RangeError('binSize must be a positive integer');
  if (!Number.isInteger(p.nEstimators) || p.nEstimators < 1) throw new RangeError('nEstimators must be >= 1');
  if (!Number.isInteger(p.nSplits) || p.nSplits < 2) throw new RangeError('nSplits must be >= 2');
  if (!(p.nullP > 0 && p.nullP < 1)) throw new RangeError('nullP must be in (0, 1)');
  if (p.rejectFactor !== null && !(p.rejectFactor > 0)) throw new RangeError('rejectFactor must be > 0 or null');
  if (!Number.isFinite(p.signatureSd)) throw new RangeError('signatureSd must be finite');
}
