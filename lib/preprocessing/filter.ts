/**
 * Zero-phase filtering of channel-major data (channels x times, C order) with Butterworth and notch IIR filters,
 * the IIR path of mne.filter.filter_data / notch_filter but with SciPy's padding so results match SciPy.
 */
import { butter, iirnotch, sosfiltfilt, type Sos } from './iir';

/** Runs `fn` on each row of a channels x times array; a 1-D signal is one row. */
export function applyPerChannel(
  data: ArrayLike<number>,
  nTimes: number,
  fn: (row: Float64Array) => Float64Array,
): Float64Array {
  if (!(nTimes > 0) || data.length % nTimes !== 0) throw new RangeError(`${data.length} values are not whole rows of ${nTimes}`);
  const out = new Float64Array(data.length);
  const row = new Float64Array(nTimes);
  for (let off = 0; off < data.length; off += nTimes) {
    for (let i = 0; i < nTimes; i++) row[i] = data[off + i];
    out.set(fn(row), off);
  }
  return out;
}

export interface FilterOptions {
  /** Butterworth order of one pass (the zero-phase result has twice the attenuation). Default 4, as MNE. */
  order?: number;
  /** Samples per channel; default: the whole array is one signal. */
  nTimes?: number;
}

/**
 * Band-pass (lFreq < hFreq), high-pass (hFreq null) or low-pass (lFreq null) zero-phase Butterworth filter,
 * mne.filter.filter_data(method='iir') in MNE's vocabulary.
 */
export function filterData(
  data: ArrayLike<number>,
  sfreq: number,
  lFreq: number | null,
  hFreq: number | null,
  options: FilterOptions = {},
): Float64Array {
  const order = options.order ?? 4;
  let sos: Sos;
  if (lFreq !== null && hFreq !== null) sos = butter(order, [lFreq, hFreq], 'bandpass', sfreq);
  else if (lFreq !== null) sos = butter(order, lFreq, 'highpass', sfreq);
  else if (hFreq !== null) sos = butter(order, hFreq, 'lowpass', sfreq);
  else return Float64Array.from(data);
  return applyPerChannel(data, options.nTimes ?? data.length, (x) => sosfiltfilt(sos, x));
}

export interface NotchOptions {
  /** Mains frequency; its harmonics below Nyquist are notched too. Default 50 Hz (Europe). */
  lineFreq?: number;
  /** Explicit frequencies instead of lineFreq and its harmonics (MNE's `freqs`). */
  freqs?: number[];
  /** Quality factor: each notch is freq / Q wide at -3 dB. Default 30. */
  Q?: number;
  nTimes?: number;
}

/** The line frequency and its harmonics strictly below Nyquist: 50, 100, 150, 200, 250 Hz at 512 Hz. */
export function lineHarmonics(lineFreq: number, sfreq: number): number[] {
  if (!(lineFreq > 0)) throw new RangeError(`line frequency must be positive, got ${lineFreq}`);
  const out: number[] = [];
  for (let f = lineFreq; f < sfreq / 2; f += lineFreq) out.push(f);
  return out;
}

/**
 * Notch filters at the line frequency and its harmonics: one scipy.signal.iirnotch per frequency, each applied
 * forward and backward (filtfilt, so zero phase and a squared response) in increasing frequency.
 */
export function notch(data: ArrayLike<number>, sfreq: number, options: NotchOptions = {}): Float64Array {
  const Q = options.Q ?? 30;
  const freqs = options.freqs ?? lineHarmonics(options.lineFreq ?? 50, sfreq);
  const filters = freqs.map((f) => iirnotch(f, Q, sfreq));
  return applyPerChannel(data, options.nTimes ?? data.length, (x) => {
    let y = x;
    for (const sos of filters) y = sosfiltfilt(sos, y);
    return y;
  });
}
