/**
 * Responsiveness (METHODS.md, Level 1 preprocessing step 5): per contact, Wilcoxon signed-rank of baseline
 * (-500..-100 ms) power against each of 6 windows (50-250, 100-300, ..., 300-500 ms) in each of 29 bands of 5 Hz
 * (5-149 Hz); Benjamini-Hochberg FDR within each window/band across contacts; a contact is responsive when it is
 * significant in at least 3 of the 174 tests.
 */
import { tfrMorlet, paperCycles } from '../dsp';
import { fdrCorrection } from '../stats/fdr';
import { wilcoxon } from '../stats/wilcoxon';

export interface ResponsivenessOptions {
  /** [start, stop) in seconds relative to the event. */
  baseline?: readonly [number, number];
  windows?: readonly (readonly [number, number])[];
  /** [fmin, fmax] inclusive, Hz, with 1 Hz Morlet frequencies inside. */
  bands?: readonly (readonly [number, number])[];
  q?: number;
  minSignificant?: number;
}

export const PAPER_WINDOWS: [number, number][] = Array.from({ length: 6 }, (_, i) => [0.05 + 0.05 * i, 0.25 + 0.05 * i]);
export const PAPER_BANDS: [number, number][] = Array.from({ length: 29 }, (_, i) => [5 + 5 * i, 9 + 5 * i]);

/** Whether epochs starting at `tmin` and lasting `duration` seconds hold the baseline and every window. */
export function canTestResponsiveness(tmin: number, duration: number, options: Pick<ResponsivenessOptions, 'baseline' | 'windows'> = {}): boolean {
  const baseline = options.baseline ?? [-0.5, -0.1];
  const windows = options.windows ?? PAPER_WINDOWS;
  const end = Math.max(baseline[1], ...windows.map((w) => w[1]));
  const start = Math.min(baseline[0], ...windows.map((w) => w[0]));
  // Half a millisecond of slack: epochs are cut on samples.
  return tmin <= start + 5e-4 && tmin + duration >= end - 5e-4;
}

/**
 * p-values of one contact: bands x windows, from its epochs (trials x times, volts) at `sfreq`, the first sample at
 * `tmin` seconds. Power is Morlet power at 1 Hz steps averaged over the band and the time span, per trial.
 */
export function responsivenessPValues(data: Float32Array | Float64Array, nTimes: number, sfreq: number, tmin: number, options: ResponsivenessOptions = {}): Float64Array {
  const baseline = options.baseline ?? [-0.5, -0.1];
  const windows = options.windows ?? PAPER_WINDOWS;
  const bands = options.bands ?? PAPER_BANDS;
  const nTrials = data.length / nTimes;
  const fmin = Math.min(...bands.map((b) => b[0]));
  const fmax = Math.max(...bands.map((b) => b[1]));
  const freqs = Float64Array.from({ length: fmax - fmin + 1 }, (_, i) => fmin + i);
  const power = tfrMorlet(data, [nTrials, 1, nTimes], sfreq, freqs, paperCycles(freqs));
  const sample = (t: number) => Math.min(nTimes, Math.max(0, Math.round((t - tmin) * sfreq)));
  /** Per trial: mean power over the band's frequencies and the span's samples. */
  const meanPower = ([f0, f1]: readonly [number, number], [t0, t1]: readonly [number, number]) => {
    const [s0, s1] = [sample(t0), sample(t1)];
    const out = new Float64Array(nTrials);
    for (let e = 0; e < nTrials; e++) {
      let sum = 0;
      for (let f = f0; f <= f1; f++) {
        const row = (e * freqs.length + (f - fmin)) * nTimes;
        for (let s = s0; s < s1; s++) sum += power[row + s]!;
      }
      out[e] = sum / ((f1 - f0 + 1) * Math.max(1, s1 - s0));
    }
    return out;
  };
  const p = new Float64Array(bands.length * windows.length);
  bands.forEach((band, b) => {
    const base = meanPower(band, baseline);
    windows.forEach((window, w) => {
      p[b * windows.length + w] = wilcoxon(meanPower(band, window), base).pvalue;
    });
  });
  return p;
}

/**
 * Which contacts are responsive, from each contact's p-values (bands x windows, as responsivenessPValues): FDR
 * within each band/window across contacts, then at least `minSignificant` significant tests.
 */
export function responsiveContacts(pValues: readonly Float64Array[], options: Pick<ResponsivenessOptions, 'q' | 'minSignificant'> = {}) {
  const q = options.q ?? 0.005;
  const minSignificant = options.minSignificant ?? 3;
  const nTests = pValues[0]?.length ?? 0;
  const significant = pValues.map(() => 0);
  for (let t = 0; t < nTests; t++) {
    const { reject } = fdrCorrection(pValues.map((p) => p[t]!), q);
    reject.forEach((r, c) => {
      if (r) significant[c]!++;
    });
  }
  return { significant, responsive: significant.map((n) => n >= minSignificant) };
}
