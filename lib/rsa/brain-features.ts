/**
 * Level 2 brain responses (METHODS.md "Level 2"; Kuzovkin et al. 2018): for one contact, each trial's band power
 * in a post-stimulus window relative to its own baseline, one value per band and window (5 bands x 3 windows = 15),
 * and the responsiveness test that picks the contacts each band/window analyses ("responsive positive").
 *
 * Power is Morlet wavelet power (lib/dsp tfrMorlet, MNE's tfr_array_morlet), as in the authors' code, where each
 * band's sub-bins are 1 Hz wavelet frequencies averaged. A Morlet wavelet of n cycles at f Hz already averages the
 * spectrum over a Gaussian of SD f / n Hz (12.5 Hz at 75 Hz, 6 cycles), so a 10 Hz sub-bin needs a few frequencies,
 * not ten: the default samples each sub-bin every 2 Hz (half the transforms); freqStep 1 gives the authors' grid.
 *
 * Per trial and sub-bin: mean power over the sub-bin's frequencies and the window's samples, divided by the same
 * mean over the baseline samples; the band's value is the largest sub-bin ratio. Responsiveness uses the band as a
 * whole: per trial, mean power over all the band's frequencies in the baseline and in the window.
 */
import { tfrMorlet } from '../dsp';
import { fdrCorrection, wilcoxon } from '../stats';

/** A frequency band split into sub-bins; Hz, both ends inclusive (the authors' 1 Hz grid). */
export interface FrequencyBand {
  name: string;
  subBins: readonly (readonly [fmin: number, fmax: number])[];
  /** Morlet wavelet cycles (MNE's n_cycles) for every frequency of the band. */
  nCycles: number;
}

/** [start, stop) in seconds relative to stimulus onset. */
export type TimeSpan = readonly [tmin: number, tmax: number];

/** The paper's bands, sub-bins and wavelet cycles (the authors' extract_meanband scripts). */
export const LEVEL2_BANDS: readonly FrequencyBand[] = [
  { name: 'theta', subBins: [[5, 8]], nCycles: 3 },
  { name: 'alpha', subBins: [[9, 14]], nCycles: 4 },
  { name: 'beta', subBins: [[15, 22], [23, 30]], nCycles: 5 },
  { name: 'low gamma', subBins: [[30, 40], [41, 50], [51, 60], [61, 70]], nCycles: 6 },
  {
    name: 'high gamma',
    subBins: [[70, 80], [81, 90], [91, 100], [101, 110], [111, 120], [121, 130], [131, 140], [141, 150]],
    nCycles: 6,
  },
];

export const LEVEL2_WINDOWS: readonly TimeSpan[] = [
  [0.05, 0.25],
  [0.15, 0.35],
  [0.25, 0.45],
];

export const LEVEL2_BASELINE: TimeSpan = [-0.5, -0.1];

export interface BandResponseOptions {
  bands?: readonly FrequencyBand[];
  windows?: readonly TimeSpan[];
  baseline?: TimeSpan;
  /** Spacing of the wavelet frequencies inside each sub-bin, Hz (default 2; 1 = the authors' 1 Hz grid). */
  freqStep?: number;
}

/** One contact's band/window responses. Band/window k = band * nWindows + window. */
export interface BandResponses {
  nTrials: number;
  bands: string[];
  windows: TimeSpan[];
  /** 'low gamma 50-250 ms', per band/window. */
  labels: string[];
  /** Trials x band/windows: the largest sub-bin ratio of window to baseline power (the RSA response). */
  responses: Float64Array;
  /** Trials x bands: mean power over the band's frequencies and the baseline samples. */
  baselinePower: Float64Array;
  /** Trials x band/windows: mean power over the band's frequencies and the window's samples. */
  windowPower: Float64Array;
  /** Wavelet frequencies used, Hz, band after band. */
  freqs: Float64Array;
}

/**
 * Wavelet frequencies inside [fmin - 0.5, fmax + 0.5] (the Hz the inclusive integer sub-bin covers), at the
 * midpoints of ceil(width / step) equal parts: the mean over them estimates the sub-bin's mean power, and step 1
 * gives exactly fmin, fmin + 1, ..., fmax.
 */
function subBinFreqs([fmin, fmax]: readonly [number, number], step: number): number[] {
  const width = fmax - fmin + 1;
  const n = Math.ceil(width / step - 1e-9);
  return Array.from({ length: n }, (_, j) => fmin - 0.5 + ((j + 0.5) * width) / n);
}

function labelOf(band: string, [t0, t1]: TimeSpan): string {
  return `${band} ${Math.round(t0 * 1000)}-${Math.round(t1 * 1000)} ms`;
}

/** Band/window labels in the order of BandResponses ('theta 50-250 ms', ...). */
export function bandWindowLabels(bands: readonly FrequencyBand[] = LEVEL2_BANDS, windows: readonly TimeSpan[] = LEVEL2_WINDOWS) {
  return bands.flatMap((b) => windows.map((w) => labelOf(b.name, w)));
}

/**
 * Band/window responses of one contact from its epochs (trials x times, row-major, volts), the first sample at
 * `tmin` seconds. Spans cover samples round((t0 - tmin) sfreq) up to, not including, round((t1 - tmin) sfreq).
 */
export function bandResponses(
  data: Float32Array | Float64Array,
  nTimes: number,
  sfreq: number,
  tmin: number,
  options: BandResponseOptions = {},
): BandResponses {
  const bands = options.bands ?? LEVEL2_BANDS;
  const windows = options.windows ?? LEVEL2_WINDOWS;
  const baseline = options.baseline ?? LEVEL2_BASELINE;
  const step = options.freqStep ?? 2;
  if (!Number.isInteger(nTimes) || nTimes < 1 || data.length % nTimes !== 0) {
    throw new RangeError(`bandResponses: ${data.length} values are not trials x ${nTimes} times`);
  }
  if (!(step > 0)) throw new RangeError('freqStep must be > 0');
  if (bands.length === 0 || windows.length === 0) throw new RangeError('bandResponses: no bands or no windows');
  const nTrials = data.length / nTimes;
  const span = ([t0, t1]: TimeSpan, what: string): [number, number] => {
    const s0 = Math.round((t0 - tmin) * sfreq);
    const s1 = Math.round((t1 - tmin) * sfreq);
    if (!(s0 >= 0 && s1 <= nTimes && s1 > s0)) throw new RangeError(`${what} ${t0}..${t1} s is not inside the epoch`);
    return [s0, s1];
  };
  const spans = [span(baseline, 'baseline'), ...windows.map((w) => span(w, 'window'))];

  // Every band's frequencies in one transform; binFreqs[b][k] is the [start, end) of band b's sub-bin k in freqs.
  const freqs: number[] = [];
  const cycles: number[] = [];
  const binFreqs = bands.map((band) => {
    if (band.subBins.length === 0) throw new RangeError(`band ${band.name} has no sub-bins`);
    return band.subBins.map((bin): [number, number] => {
      if (!(bin[0] > 0 && bin[1] >= bin[0] && bin[1] < sfreq / 2)) {
        throw new RangeError(`band ${band.name}: sub-bin ${bin[0]}-${bin[1]} Hz is not within 0-${sfreq / 2} Hz`);
      }
      const start = freqs.length;
      for (const f of subBinFreqs(bin, step)) {
        freqs.push(f);
        cycles.push(band.nCycles);
      }
      return [start, freqs.length];
    });
  });
  const nFreqs = freqs.length;
  const nSpans = spans.length;

  // Mean power per trial, frequency and span; the transform runs on chunks of trials into one reused buffer.
  const spanPower = new Float64Array(nTrials * nFreqs * nSpans);
  const chunk = Math.max(1, Math.min(nTrials, Math.floor(4e6 / (nFreqs * nTimes))));
  const out = new Float32Array(chunk * nFreqs * nTimes);
  const f64 = Float64Array.from(freqs);
  const c64 = Float64Array.from(cycles);
  for (let t0 = 0; t0 < nTrials; t0 += chunk) {
    const n = Math.min(chunk, nTrials - t0);
    const power = tfrMorlet(data.subarray(t0 * nTimes, (t0 + n) * nTimes), [n, 1, nTimes], sfreq, f64, c64, {
      out: out.subarray(0, n * nFreqs * nTimes),
    });
    for (let e = 0; e < n; e++) {
      for (let f = 0; f < nFreqs; f++) {
        const row = (e * nFreqs + f) * nTimes;
        const dst = ((t0 + e) * nFreqs + f) * nSpans;
        spans.forEach(([s0, s1], s) => {
          let sum = 0;
          for (let i = s0; i < s1; i++) sum += power[row + i];
          spanPower[dst + s] = sum / (s1 - s0);
        });
      }
    }
  }

  const nWindows = windows.length;
  const nBw = bands.length * nWindows;
  const responses = new Float64Array(nTrials * nBw);
  const baselinePower = new Float64Array(nTrials * bands.length);
  const windowPower = new Float64Array(nTrials * nBw);
  const binMeans = new Float64Array(nSpans);
  const bandMeans = new Float64Array(nSpans);
  const best = new Float64Array(nWindows);
  for (let e = 0; e < nTrials; e++) {
    binFreqs.forEach((bins, b) => {
      bandMeans.fill(0);
      best.fill(-Infinity);
      let bandCount = 0;
      for (const [start, end] of bins) {
        binMeans.fill(0);
        for (let f = start; f < end; f++) {
          const src = (e * nFreqs + f) * nSpans;
          for (let s = 0; s < nSpans; s++) binMeans[s] += spanPower[src + s];
        }
        for (let s = 0; s < nSpans; s++) bandMeans[s] += binMeans[s];
        bandCount += end - start;
        // Equal counts of frequencies in numerator and denominator: the ratio of sums is the ratio of means.
        for (let w = 0; w < nWindows; w++) best[w] = Math.max(best[w], binMeans[w + 1] / binMeans[0]);
      }
      baselinePower[e * bands.length + b] = bandMeans[0] / bandCount;
      for (let w = 0; w < nWindows; w++) {
        responses[e * nBw + b * nWindows + w] = best[w];
        windowPower[e * nBw + b * nWindows + w] = bandMeans[w + 1] / bandCount;
      }
    });
  }
  return {
    nTrials,
    bands: bands.map((b) => b.name),
    windows: windows.map((w) => [w[0], w[1]] as const),
    labels: bandWindowLabels(bands, windows),
    responses,
    baselinePower,
    windowPower,
    freqs: f64,
  };
}

/** One contact's responsiveness per band/window. */
export interface Responsiveness {
  /** Two-sided Wilcoxon signed-rank p of window against baseline band power over trials (NaN when undefined). */
  pValues: Float64Array;
  /** 1 where mean window power exceeds mean baseline power over trials. */
  increase: Uint8Array;
}

/** Wilcoxon signed-rank of each trial's window power against its baseline power, per band/window (lib/stats). */
export function responsiveness(features: BandResponses): Responsiveness {
  const { nTrials, bands, windows, baselinePower, windowPower } = features;
  const nBands = bands.length;
  const nWindows = windows.length;
  const nBw = nBands * nWindows;
  const pValues = new Float64Array(nBw);
  const increase = new Uint8Array(nBw);
  const base = new Float64Array(nTrials);
  const win = new Float64Array(nTrials);
  for (let b = 0; b < nBands; b++) {
    for (let e = 0; e < nTrials; e++) base[e] = baselinePower[e * nBands + b];
    for (let w = 0; w < nWindows; w++) {
      const k = b * nWindows + w;
      let diff = 0;
      let allZero = true;
      for (let e = 0; e < nTrials; e++) {
        win[e] = windowPower[e * nBw + k];
        diff += win[e] - base[e];
        if (win[e] !== base[e]) allZero = false;
      }
      // SciPy (and lib/stats) refuse all-zero differences: nothing changed, so nothing to test.
      pValues[k] = nTrials === 0 || allZero ? NaN : wilcoxon(win, base).pvalue;
      increase[k] = diff > 0 ? 1 : 0;
    }
  }
  return { pValues, increase };
}

export interface ResponsivePositive {
  nContacts: number;
  /** Contacts x band/windows: 1 where BH-significant across contacts and increased ("responsive positive"). */
  positive: Uint8Array;
  /** Contacts x band/windows: BH-adjusted p-values within each band/window. */
  pCorrected: Float64Array;
}

/**
 * Responsive-positive contacts per band/window: Benjamini-Hochberg FDR (lib/stats, q = 0.05) within each
 * band/window across contacts, keeping the significant ones whose power increased. NaN p-values count as 1.
 */
export function responsivePositive(contacts: readonly Responsiveness[], q = 0.05): ResponsivePositive {
  const nContacts = contacts.length;
  const nBw = nContacts > 0 ? contacts[0].pValues.length : 0;
  const positive = new Uint8Array(nContacts * nBw);
  const pCorrected = new Float64Array(nContacts * nBw);
  const p = new Float64Array(nContacts);
  for (let k = 0; k < nBw; k++) {
    contacts.forEach((c, i) => {
      if (c.pValues.length !== nBw) throw new RangeError(`contact ${i} has ${c.pValues.length} band/windows, not ${nBw}`);
      p[i] = Number.isNaN(c.pValues[k]) ? 1 : c.pValues[k];
    });
    const { reject, pvalsCorrected } = fdrCorrection(p, q);
    for (let i = 0; i < nContacts; i++) {
      positive[i * nBw + k] = reject[i] && contacts[i].increase[k] ? 1 : 0;
      pCorrected[i * nBw + k] = pvalsCorrected[i];
    }
  }
  return { nContacts, positive, pCorrected };
}
