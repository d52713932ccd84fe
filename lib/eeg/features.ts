/**
 * Sliding-window spectral features of scalp EEG for the Level 3 mental state map (docs/METHODS.md, "Level 3"):
 * log band power of every channel in a few standard bands, one feature vector per window.
 *
 * The estimator, per channel and window of N = round(windowS * sfreq) samples x[0..N-1]:
 *  1. remove the window's mean;
 *  2. multiply by the periodic Hann window w[n] = 0.5 - 0.5 cos(2 pi n / N);
 *  3. zero-pad to nFft = the next power of two >= N and take the FFT X[k], bin k at k * df, df = sfreq / nFft;
 *  4. one-sided power spectral density P[k] = c_k |X[k]|^2 / (sfreq * sum(w^2)), c_k = 1 at DC and Nyquist, else 2;
 *  5. band power = sum of P[k] * df over the bins with fmin <= k * df < fmax (V^2 for inputs in V);
 *  6. feature = log10(band power), floored at log10(1e-30) so a flat channel gives a finite number.
 * Steps 1-4 are scipy.signal.welch(x, sfreq, window='hann', nperseg=N, noverlap=0, nfft=nFft, detrend='constant')
 * with a single segment (checked against scipy in features.test.ts). Window w covers samples [w * hop, w * hop + N)
 * and is complete once its last sample has arrived, so a live stream reports each window as soon as it can.
 *
 * `bandPowerFeatures` (a whole recording) and `BandPowerStream` (chunks as they arrive) run the same arithmetic on
 * the same samples in the same order and agree bit for bit.
 */
import { getPlan, nextPow2 } from '../dsp/fft';
import type { Annotation } from '../formats/types';

export interface FrequencyBand {
  name: string;
  /** Lower edge in Hz, inclusive. */
  fmin: number;
  /** Upper edge in Hz, exclusive. */
  fmax: number;
}

/** The classic EEG bands, cut where adjacent bands meet (each bin counts once). */
export const DEFAULT_EEG_BANDS: readonly FrequencyBand[] = [
  { name: 'delta', fmin: 1, fmax: 4 },
  { name: 'theta', fmin: 4, fmax: 8 },
  { name: 'alpha', fmin: 8, fmax: 13 },
  { name: 'beta', fmin: 13, fmax: 30 },
  { name: 'gamma', fmin: 30, fmax: 45 },
];

export interface BandPowerOptions {
  bands?: readonly FrequencyBand[];
  /** Window length in seconds (default 1). */
  windowS?: number;
  /** Step between window starts in seconds (default 0.1). */
  hopS?: number;
}

/** The resolved layout of a feature set: what each window's vector holds. */
export interface BandPowerLayout {
  sfreq: number;
  nChannels: number;
  bands: FrequencyBand[];
  windowSamples: number;
  hopSamples: number;
  nFft: number;
  /** nChannels * nBands; feature (channel c, band b) sits at c * nBands + b. */
  nFeatures: number;
}

/** Feature vectors of consecutive windows. */
export interface FeatureWindows {
  nWindows: number;
  /** First sample of each window, counted from the start of the recording or stream. */
  starts: Float64Array;
  /** nWindows x nFeatures, row-major, log10 V^2. */
  data: Float64Array;
}

export interface BandPowerFeatures extends BandPowerLayout, FeatureWindows {}

/** Below this a band's power counts as zero (V^2): log10 of a flat channel would be -Infinity. */
const POWER_FLOOR = 1e-30;

/** Window, hop and FFT sizes in samples and the band list for a recording, checked. */
export function resolveBandPowerLayout(nChannels: number, sfreq: number, options: BandPowerOptions = {}): BandPowerLayout {
  if (!Number.isInteger(nChannels) || nChannels < 1) throw new RangeError(`nChannels must be a positive integer, got ${nChannels}`);
  if (!(sfreq > 0) || !Number.isFinite(sfreq)) throw new RangeError(`sfreq must be positive, got ${sfreq}`);
  const windowS = options.windowS ?? 1;
  const hopS = options.hopS ?? 0.1;
  const windowSamples = Math.round(windowS * sfreq);
  const hopSamples = Math.round(hopS * sfreq);
  if (!(windowSamples >= 2)) throw new RangeError(`a window of ${windowS} s is under 2 samples at ${sfreq} Hz`);
  if (!(hopSamples >= 1)) throw new RangeError(`a hop of ${hopS} s is under 1 sample at ${sfreq} Hz`);
  const nFft = nextPow2(windowSamples);
  const df = sfreq / nFft;
  const bands = (options.bands ?? DEFAULT_EEG_BANDS).map((b) => ({ ...b }));
  if (bands.length === 0) throw new RangeError('bands must not be empty');
  for (const b of bands) {
    // An upper edge past Nyquist just takes the bins up to Nyquist.
    if (!(b.fmin >= 0 && b.fmax > b.fmin && b.fmin <= sfreq / 2)) {
      throw new RangeError(`band ${b.name}: ${b.fmin}-${b.fmax} Hz must start within 0-${sfreq / 2} Hz`);
    }
    const [lo, hi] = bandBins(b, df, nFft);
    if (hi < lo) throw new RangeError(`band ${b.name}: ${b.fmin}-${b.fmax} Hz holds no FFT bin (bins are ${df} Hz apart)`);
  }
  return { sfreq, nChannels, bands, windowSamples, hopSamples, nFft, nFeatures: nChannels * bands.length };
}

/** First and last bin (inclusive) with fmin <= k * df < fmax, within 0..nFft/2. */
function bandBins(band: FrequencyBand, df: number, nFft: number): [number, number] {
  const lo = Math.max(0, Math.ceil(band.fmin / df));
  const hi = Math.min(nFft / 2, Math.ceil(band.fmax / df) - 1);
  return [lo, hi];
}

/** Feature names in vector order: 'C3 alpha', 'C3 beta', ... */
export function bandPowerFeatureNames(chNames: readonly string[], bands: readonly FrequencyBand[] = DEFAULT_EEG_BANDS): string[] {
  return chNames.flatMap((ch) => bands.map((b) => `${ch} ${b.name}`));
}

/**
 * Log band powers of one channel's window: the caller writes the N samples into `segment`, `compute` does the rest.
 * Batch and stream share one of these, which is what makes their results identical.
 */
class WindowEstimator {
  /** Samples of one window, then (in place) the windowed, zero-padded segment. */
  readonly segment: Float64Array;
  private readonly spectrum: Float64Array;
  private readonly hann: Float64Array;
  private readonly lo: Int32Array;
  private readonly hi: Int32Array;
  /** df * c_k / (sfreq * sum(w^2)) = c_k / (nFft * sum(w^2)) for bins inside (0, nFft/2). */
  private readonly scale: number;

  constructor(private readonly layout: BandPowerLayout) {
    const { windowSamples: n, nFft, sfreq, bands } = layout;
    this.segment = new Float64Array(nFft);
    this.spectrum = new Float64Array(2 * nFft);
    this.hann = new Float64Array(n);
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      this.hann[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
      sumSq += this.hann[i] * this.hann[i];
    }
    this.scale = 2 / (nFft * sumSq);
    this.lo = new Int32Array(bands.length);
    this.hi = new Int32Array(bands.length);
    bands.forEach((b, i) => {
      [this.lo[i], this.hi[i]] = bandBins(b, sfreq / nFft, nFft);
    });
  }

  /** Writes the log band powers of the window in `segment` to out[offset ..]. */
  compute(out: Float64Array, offset: number): void {
    const { windowSamples: n, nFft } = this.layout;
    const x = this.segment;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += x[i];
    const mean = sum / n;
    for (let i = 0; i < n; i++) x[i] = (x[i] - mean) * this.hann[i];
    x.fill(0, n);
    const s = this.spectrum;
    // realTransform fills bins 0..nFft/2, all a one-sided spectrum needs.
    getPlan(nFft).realTransform(s, x);
    const nyquist = nFft / 2;
    for (let b = 0; b < this.lo.length; b++) {
      let power = 0;
      for (let k = this.lo[b]; k <= this.hi[b]; k++) {
        const p = s[2 * k] * s[2 * k] + s[2 * k + 1] * s[2 * k + 1];
        power += k === 0 || k === nyquist ? p / 2 : p;
      }
      out[offset + b] = Math.log10(Math.max(power * this.scale, POWER_FLOOR));
    }
  }
}

/**
 * Log band power features of a whole recording.
 * @param channels one array of samples per channel (as RecordingReader.readSamples returns them), all equally long
 */
export function bandPowerFeatures(channels: readonly ArrayLike<number>[], sfreq: number, options: BandPowerOptions = {}): BandPowerFeatures {
  const layout = resolveBandPowerLayout(channels.length, sfreq, options);
  const nSamples = channels[0].length;
  if (channels.some((c) => c.length !== nSamples)) throw new RangeError('bandPowerFeatures: channels differ in length');
  const { windowSamples, hopSamples, nFeatures, bands } = layout;
  const nWindows = nSamples < windowSamples ? 0 : Math.floor((nSamples - windowSamples) / hopSamples) + 1;
  const starts = new Float64Array(nWindows);
  const data = new Float64Array(nWindows * nFeatures);
  const estimator = new WindowEstimator(layout);
  const segment = estimator.segment;
  for (let w = 0; w < nWindows; w++) {
    const start = w * hopSamples;
    starts[w] = start;
    for (let c = 0; c < channels.length; c++) {
      const x = channels[c];
      for (let i = 0; i < windowSamples; i++) segment[i] = x[start + i];
      estimator.compute(data, w * nFeatures + c * bands.length);
    }
  }
  return { ...layout, nWindows, starts, data };
}

/** How a chunk's samples are ordered: sample by sample (all channels of t, then t + 1), or channel by channel. */
export type SampleLayout = 'interleaved' | 'channel-major';

const NO_WINDOWS: FeatureWindows = { nWindows: 0, starts: new Float64Array(0), data: new Float64Array(0) };

/**
 * Band power features of a live stream: push chunks of any size, get the windows they complete. Keeps the last
 * window's samples of every channel in a ring buffer; nothing is allocated per chunk but the returned windows.
 */
export class BandPowerStream {
  readonly layout: BandPowerLayout;
  private readonly estimator: WindowEstimator;
  /** nChannels x windowSamples; sample t of channel c at c * windowSamples + t % windowSamples. */
  private readonly ring: Float64Array;
  private received = 0;
  private nextWindow = 0;

  constructor(nChannels: number, sfreq: number, options: BandPowerOptions = {}) {
    this.layout = resolveBandPowerLayout(nChannels, sfreq, options);
    this.estimator = new WindowEstimator(this.layout);
    this.ring = new Float64Array(nChannels * this.layout.windowSamples);
  }

  /** Samples per channel received so far. */
  get nSamples(): number {
    return this.received;
  }

  /** Starts again from sample 0, as for a new recording. */
  reset(): void {
    this.received = 0;
    this.nextWindow = 0;
  }

  /**
   * Adds a chunk of samples of every channel and returns the windows it completes (often none).
   * @param samples nChannels * nTimes values in `layout` order
   */
  push(samples: ArrayLike<number>, layout: SampleLayout = 'interleaved'): FeatureWindows {
    const { nChannels, windowSamples, hopSamples, nFeatures, bands } = this.layout;
    const nTimes = samples.length / nChannels;
    if (!Number.isInteger(nTimes)) throw new RangeError(`push: ${samples.length} samples are not a whole number of ${nChannels}-channel frames`);
    const first = this.received;
    const end = first + nTimes;
    const lastWindow = end < windowSamples ? -1 : Math.floor((end - windowSamples) / hopSamples);
    const nWindows = Math.max(0, lastWindow - this.nextWindow + 1);
    const out: FeatureWindows =
      nWindows === 0 ? NO_WINDOWS : { nWindows, starts: new Float64Array(nWindows), data: new Float64Array(nWindows * nFeatures) };
    // Copy up to the end of each completed window, compute it, go on; then the rest of the chunk.
    let t = first;
    for (let w = 0; w <= nWindows; w++) {
      const stop = w < nWindows ? (this.nextWindow + w) * hopSamples + windowSamples : end;
      this.store(samples, layout, nTimes, t - first, stop - first, t);
      t = stop;
      if (w === nWindows) break;
      const start = (this.nextWindow + w) * hopSamples;
      out.starts[w] = start;
      const segment = this.estimator.segment;
      for (let c = 0; c < nChannels; c++) {
        const base = c * windowSamples;
        // The window's samples in time order: from its start's ring slot to the end of the ring, then from 0.
        const at = start % windowSamples;
        const head = windowSamples - at;
        for (let i = 0; i < head; i++) segment[i] = this.ring[base + at + i];
        for (let i = head; i < windowSamples; i++) segment[i] = this.ring[base + i - head];
        this.estimator.compute(out.data, w * nFeatures + c * bands.length);
      }
    }
    this.nextWindow += nWindows;
    this.received = end;
    return out;
  }

  /** Writes chunk frames [from, to) into the ring; frame `from` is stream sample `t`. */
  private store(samples: ArrayLike<number>, layout: SampleLayout, nTimes: number, from: number, to: number, t: number): void {
    const { nChannels, windowSamples } = this.layout;
    // Only the last windowSamples frames before `to` can still be needed.
    const skip = Math.max(0, to - from - windowSamples);
    for (let c = 0; c < nChannels; c++) {
      const base = c * windowSamples;
      let slot = (t + skip) % windowSamples;
      for (let i = from + skip; i < to; i++) {
        this.ring[base + slot] = layout === 'interleaved' ? samples[i * nChannels + c] : samples[c * nTimes + i];
        if (++slot === windowSamples) slot = 0;
      }
    }
  }
}

/** The event each window belongs to. */
export interface WindowLabels {
  /** Class index of each window (into `classes`), -1 when no event holds the whole window. */
  labels: Int32Array;
  /** Index into the annotations of the event holding each window, -1 for none: windows of one event share it. */
  events: Int32Array;
}

/**
 * Labels windows by the annotation (onset, duration in s; description = class name) that holds all of their
 * samples. Annotations whose description is not a class are ignored.
 */
export function labelWindows(
  starts: ArrayLike<number>,
  windowSamples: number,
  sfreq: number,
  annotations: readonly Annotation[],
  classes: readonly string[],
): WindowLabels {
  const labels = new Int32Array(starts.length).fill(-1);
  const events = new Int32Array(starts.length).fill(-1);
  annotations.forEach((a, e) => {
    const k = classes.indexOf(a.description);
    if (k < 0) return;
    const first = Math.round(a.onset * sfreq);
    const end = Math.round((a.onset + a.duration) * sfreq);
    for (let w = 0; w < starts.length; w++) {
      if (starts[w] >= first && starts[w] + windowSamples <= end) {
        labels[w] = k;
        events[w] = e;
      }
    }
  });
  return { labels, events };
}

/** The windows that belong to a class, as classifier rows. */
export interface LabelledFeatureWindows {
  nFeatures: number;
  /** nWindows x nFeatures, row-major. */
  X: Float64Array;
  /** Class index of each window. */
  y: Int32Array;
  /** Event (trial) of each window: windows of one trial must stay together in cross-validation. */
  trials: Int32Array;
  /** First sample of each window. */
  starts: Float64Array;
}

/** Keeps the windows that labelWindows gave a class, in time order. */
export function pickLabelledWindows(features: FeatureWindows & { nFeatures: number }, { labels, events }: WindowLabels): LabelledFeatureWindows {
  const { nFeatures } = features;
  const rows: number[] = [];
  for (let w = 0; w < features.nWindows; w++) if (labels[w] >= 0) rows.push(w);
  const X = new Float64Array(rows.length * nFeatures);
  rows.forEach((r, i) => X.set(features.data.subarray(r * nFeatures, (r + 1) * nFeatures), i * nFeatures));
  return {
    nFeatures,
    X,
    y: Int32Array.from(rows, (r) => labels[r]),
    trials: Int32Array.from(rows, (r) => events[r]),
    starts: Float64Array.from(rows, (r) => features.starts[r]),
  };
}
