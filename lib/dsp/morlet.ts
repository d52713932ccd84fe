/**
 * Morlet wavelet time-frequency power, computed as MNE-Python's `mne.time_frequency.tfr_array_morlet`
 * (use_fft=True, output='power'): same wavelets (`mne.time_frequency.morlet`), same normalisation,
 * FFT convolution trimmed to 'same' mode, then `[..., ::decim]`.
 */
import { complexArray, complexMultiplyConj, fftComplex, getPlan, nextPow2, rfftFull } from './fft';

export type TfrInput = Float32Array | Float64Array;
/** (n_epochs, n_channels, n_times), row-major like MNE's epoch_data. */
export type EpochShape = readonly [nEpochs: number, nChannels: number, nTimes: number];

export interface MorletOptions {
  /** MNE's zero_mean: subtract the Gaussian's DC leak so the wavelet has zero mean. Default false (MNE 1.3). */
  zeroMean?: boolean;
}

export interface TfrMorletOptions extends MorletOptions {
  /** Keep every decim-th time sample after the transform (MNE's integer decim). Default 1. */
  decim?: number;
  /**
   * Output buffer to fill (length n_epochs * n_channels * n_freqs * n_times_out). Reusing one across contacts
   * matters: first-touching a fresh 70 MB array costs as much as the transform itself on some machines.
   */
  out?: Float32Array;
}

export interface TfrMorletBinnedOptions extends MorletOptions {
  /** Applied before binning, as in `tfrMorlet`. Default 1. */
  decim?: number;
  /** Samples (after decim) per time bin; trailing samples that do not fill a bin are dropped. Default 16. */
  binSize?: number;
  /** Output buffer to fill (length n_epochs * n_channels * n_freqs * n_bins). */
  out?: Float32Array;
}

/** One complex wavelet, real and imaginary parts; `sigmaT` is the Gaussian's SD in seconds. */
export interface MorletWavelet {
  re: Float64Array;
  im: Float64Array;
  sigmaT: number;
}

function cyclesFor(nCycles: number | ArrayLike<number>, nFreqs: number, k: number): number {
  if (typeof nCycles === 'number') return nCycles;
  if (nCycles.length === 1) return nCycles[0];
  if (nCycles.length !== nFreqs) throw new RangeError('n_cycles should be fixed or defined for each frequency');
  return nCycles[k];
}

/**
 * Complex Morlet wavelets exactly as `mne.time_frequency.morlet(sfreq, freqs, n_cycles, zero_mean=...)`:
 * sigma_t = n_cycles / (2 pi f); support +-5 sigma_t with a sample at t = 0; W /= sqrt(0.5) * ||W||.
 */
export function morlet(
  sfreq: number,
  freqs: ArrayLike<number>,
  nCycles: number | ArrayLike<number> = 7,
  opts: MorletOptions = {},
): MorletWavelet[] {
  if (!(sfreq > 0)) throw new RangeError('sfreq must be > 0');
  const out: MorletWavelet[] = [];
  for (let k = 0; k < freqs.length; k++) {
    const f = freqs[k];
    if (!(f > 0)) throw new RangeError("all frequencies in 'freqs' must be greater than 0.");
    const cycles = cyclesFor(nCycles, freqs.length, k);
    const sigmaT = cycles / (2.0 * Math.PI * f);
    // np.arange(0, 5 * sigma_t, 1 / sfreq): length ceil(stop / step), values i * step.
    const step = 1.0 / sfreq;
    const half = Math.ceil((5.0 * sigmaT) / step);
    const len = 2 * half - 1;
    const re = new Float64Array(len);
    const im = new Float64Array(len);
    const omega = 2.0 * Math.PI * f;
    const twoSigma2 = 2.0 * sigmaT * sigmaT;
    const realOffset = opts.zeroMean ? Math.exp(-2 * (Math.PI * f * sigmaT) ** 2) : 0;
    let sumSq = 0;
    for (let j = 0; j < len; j++) {
      const t = (j - (half - 1)) * step;
      const env = Math.exp(-(t * t) / twoSigma2);
      const a = omega * t;
      const wr = (Math.cos(a) - realOffset) * env;
      const wi = Math.sin(a) * env;
      re[j] = wr;
      im[j] = wi;
      sumSq += wr * wr + wi * wi;
    }
    // MNE's normalisation: ||W|| = sqrt(2), so a sine's power does not depend on how the wavelet is sampled.
    const scale = 1 / (Math.sqrt(0.5) * Math.sqrt(sumSq));
    for (let j = 0; j < len; j++) {
      re[j] *= scale;
      im[j] *= scale;
    }
    out.push({ re, im, sigmaT });
  }
  return out;
}

/** Number of output time samples for `nTimes` input samples and integer `decim` (len(range(0, n, decim))). */
export function decimatedLength(nTimes: number, decim: number): number {
  return Math.ceil(nTimes / decim);
}

/** Per-FFT-size working buffers; a signal's spectrum is computed once per size and reused by every frequency. */
interface SizeGroup {
  size: number;
  scratch: Float64Array;
  xSpec: Float64Array;
  prod: Float64Array;
  y: Float64Array;
}

function checkOut(out: Float32Array | undefined, length: number): Float32Array {
  if (out === undefined) return new Float32Array(length);
  if (out.length !== length) throw new RangeError(`out has length ${out.length}, expected ${length}`);
  return out;
}

/**
 * Shared engine: for every (epoch, channel) signal and frequency, computes the 'same'-mode convolution
 * y = x * W and hands |y|^2 over the kept samples to `out`, either sample by sample (binSize 0) or
 * averaged over bins of `binSize` kept samples.
 */
function morletEngine(
  data: TfrInput,
  shape: EpochShape,
  sfreq: number,
  freqs: ArrayLike<number>,
  nCycles: number | ArrayLike<number>,
  zeroMean: boolean,
  decim: number,
  binSize: number,
  nOut: number,
  out: Float32Array,
): void {
  const [nEpochs, nChannels, nTimes] = shape;
  const nFreqs = freqs.length;
  const wavelets = morlet(sfreq, freqs, nCycles, { zeroMean });

  // Group frequencies by FFT size; precompute each wavelet's spectrum once.
  const groups = new Map<number, SizeGroup>();
  const freqGroup: SizeGroup[] = [];
  const freqSpec: Float64Array[] = [];
  const freqStart: number[] = [];
  for (let k = 0; k < nFreqs; k++) {
    const w = wavelets[k];
    const m = w.re.length;
    const size = nextPow2(nTimes + m - 1);
    let g = groups.get(size);
    if (g === undefined) {
      g = {
        size,
        scratch: new Float64Array(size),
        xSpec: complexArray(size),
        prod: complexArray(size),
        y: complexArray(size),
      };
      groups.set(size, g);
    }
    const wc = complexArray(size);
    for (let j = 0; j < m; j++) {
      wc[2 * j] = w.re[j];
      wc[2 * j + 1] = w.im[j];
    }
    freqSpec.push(fftComplex(wc, complexArray(size)));
    freqGroup.push(g);
    // 'same' mode: drop (m - 1) // 2 samples of the full convolution (scipy's _centered).
    freqStart.push((m - 1) >> 1);
  }
  const groupList = [...groups.values()];
  const step = 2 * decim;

  for (let s = 0; s < nEpochs * nChannels; s++) {
    const offset = s * nTimes;
    for (const g of groupList) rfftFull(data, g.size, g.xSpec, g.scratch, offset, nTimes);
    const rowBase = s * nFreqs * nOut;
    for (let k = 0; k < nFreqs; k++) {
      const g = freqGroup[k];
      const size = g.size;
      // ifft(X W) = conj(fft(conj(X W))) / N; |.|^2 drops the conj, so scale by 1/N^2 only where we keep samples.
      complexMultiplyConj(g.xSpec, freqSpec[k], g.prod);
      getPlan(size).transform(g.y, g.prod);
      const y = g.y;
      const inv2 = 1 / (size * size);
      const base = rowBase + k * nOut;
      let idx = 2 * freqStart[k];
      if (binSize === 0) {
        for (let t = 0; t < nOut; t++, idx += step) {
          const re = y[idx];
          const im = y[idx + 1];
          out[base + t] = (re * re + im * im) * inv2;
        }
      } else {
        const scale = inv2 / binSize;
        for (let b = 0; b < nOut; b++) {
          let sum = 0;
          for (let j = 0; j < binSize; j++, idx += step) {
            const re = y[idx];
            const im = y[idx + 1];
            sum += re * re + im * im;
          }
          out[base + b] = sum * scale;
        }
      }
    }
  }
}

function checkCommon(data: TfrInput, shape: EpochShape, decim: number): void {
  const [nEpochs, nChannels, nTimes] = shape;
  if (data.length !== nEpochs * nChannels * nTimes) {
    throw new RangeError(`data has ${data.length} values, shape [${shape.join(', ')}] needs ${nEpochs * nChannels * nTimes}`);
  }
  if (!Number.isInteger(decim) || decim < 1) throw new RangeError('decim must be a positive integer');
}

/**
 * Single-trial Morlet power, shape (n_epochs, n_channels, n_freqs, n_times_out), as
 * `tfr_array_morlet(data, sfreq, freqs, n_cycles, zero_mean, use_fft=True, decim, output='power')`.
 * Each frequency uses the smallest power-of-two FFT that holds its linear convolution (MNE pads all
 * frequencies to one size); the result is the same up to rounding and the short high-frequency wavelets
 * get cheaper transforms. Wavelets longer than the signal are allowed (MNE >= 1.4 warns, 1.3 raises).
 */
export function tfrMorlet(
  data: TfrInput,
  shape: EpochShape,
  sfreq: number,
  freqs: ArrayLike<number>,
  nCycles: number | ArrayLike<number> = 7,
  opts: TfrMorletOptions = {},
): Float32Array {
  const decim = opts.decim ?? 1;
  checkCommon(data, shape, decim);
  const nOut = decimatedLength(shape[2], decim);
  const out = checkOut(opts.out, shape[0] * shape[1] * freqs.length * nOut);
  if (out.length === 0) return out;
  morletEngine(data, shape, sfreq, freqs, nCycles, opts.zeroMean ?? false, decim, 0, nOut, out);
  return out;
}

/**
 * `binPower(tfrMorlet(...), nTimesOut, binSize)` in one pass, shape (n_epochs, n_channels, n_freqs, n_bins),
 * without materialising the full-rate power (16x less memory for the paper's 16-sample bins).
 * Bins are summed in float64 before rounding, so values can differ from the two-step path in the last float32 bit.
 */
export function tfrMorletBinned(
  data: TfrInput,
  shape: EpochShape,
  sfreq: number,
  freqs: ArrayLike<number>,
  nCycles: number | ArrayLike<number> = 7,
  opts: TfrMorletBinnedOptions = {},
): Float32Array {
  const decim = opts.decim ?? 1;
  checkCommon(data, shape, decim);
  const binSize = opts.binSize ?? 16;
  if (!Number.isInteger(binSize) || binSize < 1) throw new RangeError('binSize must be a positive integer');
  const nBins = Math.floor(decimatedLength(shape[2], decim) / binSize);
  const out = checkOut(opts.out, shape[0] * shape[1] * freqs.length * nBins);
  if (out.length === 0) return out;
  morletEngine(data, shape, sfreq, freqs, nCycles, opts.zeroMean ?? false, decim, binSize, nBins, out);
  return out;
}

/**
 * Power that a long stationary sine of amplitude 1 at `freq` produces at `freq` with MNE's wavelet
 * normalisation. For A sin(2 pi f t), the analytic half of the cosine meets the wavelet's Gaussian:
 *   |x * W| = (A / 2) * c * sum(g),  c^2 * sum(g^2) = 2,  sum(g) = sfreq sigma sqrt(2 pi),  sum(g^2) = sfreq sigma sqrt(pi)
 *   => power = A^2 * sqrt(pi) * sfreq * sigma_t = A^2 / 2 * (sfreq * n_cycles / (sqrt(pi) * f)).
 * With zero_mean, kappa = exp(-n^2 / 2) is removed from the oscillation:
 *   power *= (1 - kappa^2)^2 / (1 - 2 kappa^1.5 + kappa^2).
 * So raw power grows with sigma_t (it favours low frequencies); divide by this gain to read A^2 per frequency.
 */
export function sinePowerGain(sfreq: number, freq: number, nCycles: number, opts: MorletOptions = {}): number {
  const sigmaT = nCycles / (2 * Math.PI * freq);
  const gain = Math.sqrt(Math.PI) * sfreq * sigmaT;
  if (!opts.zeroMean) return gain;
  const kappa = Math.exp(-(nCycles * nCycles) / 2);
  return (gain * (1 - kappa * kappa) ** 2) / (1 - 2 * kappa ** 1.5 + kappa * kappa);
}

/** The Level 1 paper's frequencies: 4..149 Hz in 1 Hz steps (146). */
export function paperFreqs(): Float64Array {
  const f = new Float64Array(146);
  for (let i = 0; i < f.length; i++) f[i] = 4 + i;
  return f;
}

/** The Level 1 paper's wavelet k0 (n_cycles): 3 for 4-8 Hz, 4 for 9-14, 5 for 15-29, 6 for 30-149 Hz. */
export function paperCycles(freqs: ArrayLike<number>): Float64Array {
  const c = new Float64Array(freqs.length);
  for (let i = 0; i < freqs.length; i++) {
    const f = freqs[i];
    // Band edges halfway between the integer grid so non-integer frequencies fall in the nearer band.
    c[i] = f < 8.5 ? 3 : f < 14.5 ? 4 : f < 29.5 ? 5 : 6;
  }
  return c;
}
