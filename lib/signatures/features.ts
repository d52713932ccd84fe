/**
 * Level 1 features of one contact (METHODS.md "Preprocessing" step 1 and "Features"): detrended trials, amplitude
 * rejection, Morlet power in time bins, then two normalisations of the same power: ratio to the baseline for the
 * classifier and log-ratio for maps and signatures.
 */
import { baselineLogratio, baselineRatio, tfrMorletBinned } from '../dsp';
import type { DetrendType, SignatureParams } from './params';

/** One contact's epochs: nEpochs x nTimes, row-major (one channel of MNE's epoch data). */
export interface ContactEpochs {
  data: Float32Array | Float64Array;
  nTimes: number;
}

export interface ContactFeatures {
  /** Epochs given (labels passed to the analysis refer to these). */
  nEpochs: number;
  /** Epochs kept after rejection, ascending; rows of `classifier` and `logPower`. */
  trials: Int32Array;
  freqs: Float64Array;
  nFreqs: number;
  nBins: number;
  /** Trials x (nFreqs x nBins), power / mean of the classifier baseline bins. */
  classifier: Float32Array;
  /** Trials x (nFreqs x nBins), log(power / mean of the map baseline bins). */
  logPower: Float32Array;
}

/** One channel of MNE-layout epoch data (nEpochs x nChannels x nTimes) as a contact's epochs. */
export function pickContact(
  data: Float32Array | Float64Array,
  nEpochs: number,
  nChannels: number,
  nTimes: number,
  channel: number,
): ContactEpochs {
  if (data.length !== nEpochs * nChannels * nTimes) throw new RangeError('pickContact: data does not match the shape');
  if (!(Number.isInteger(channel) && channel >= 0 && channel < nChannels)) throw new RangeError('pickContact: bad channel');
  const out = new Float32Array(nEpochs * nTimes);
  for (let e = 0; e < nEpochs; e++) {
    const src = (e * nChannels + channel) * nTimes;
    out.set(data.subarray(src, src + nTimes), e * nTimes);
  }
  return { data: out, nTimes };
}

/** Removes each trial's least-squares line ('linear') or mean ('constant'), as scipy.signal.detrend; float64 sums. */
export function detrendTrials(data: Float32Array | Float64Array, nTimes: number, type: DetrendType = 'linear'): Float64Array {
  const out = Float64Array.from(data);
  if (type === 'none') return out;
  const nTrials = data.length / nTimes;
  // Centred time index, so the slope and mean fits are independent.
  const tMean = (nTimes - 1) / 2;
  let tt = 0;
  for (let i = 0; i < nTimes; i++) tt += (i - tMean) * (i - tMean);
  for (let r = 0; r < nTrials; r++) {
    const o = r * nTimes;
    let mean = 0;
    let ty = 0;
    for (let i = 0; i < nTimes; i++) {
      mean += out[o + i];
      ty += (i - tMean) * out[o + i];
    }
    mean /= nTimes;
    const slope = type === 'linear' && tt > 0 ? ty / tt : 0;
    for (let i = 0; i < nTimes; i++) out[o + i] -= mean + slope * (i - tMean);
  }
  return out;
}

/**
 * Trials to keep: max |x| <= factor x (mean over trials of each trial's SD), on detrended data (paper: factor 10).
 * @returns ascending indices of the kept trials
 */
export function keptTrials(data: Float64Array, nTimes: number, factor: number | null): Int32Array {
  const nTrials = data.length / nTimes;
  if (factor === null) return Int32Array.from({ length: nTrials }, (_, i) => i);
  const peak = new Float64Array(nTrials);
  let sdSum = 0;
  for (let r = 0; r < nTrials; r++) {
    const o = r * nTimes;
    let m = 0;
    for (let i = 0; i < nTimes; i++) m += data[o + i];
    m /= nTimes;
    let v = 0;
    let p = 0;
    for (let i = 0; i < nTimes; i++) {
      v += (data[o + i] - m) ** 2;
      p = Math.max(p, Math.abs(data[o + i]));
    }
    sdSum += Math.sqrt(v / nTimes);
    peak[r] = p;
  }
  const limit = (factor * sdSum) / nTrials;
  const kept: number[] = [];
  for (let r = 0; r < nTrials; r++) if (peak[r] <= limit) kept.push(r);
  return Int32Array.from(kept);
}

/** Time bins of the features: start and centre of each bin in seconds, for epochs starting at `tmin`. */
export function binTimes(nBins: number, tmin: number, sfreq: number, binSize: number): { start: Float64Array; centre: Float64Array } {
  const dt = binSize / sfreq;
  const start = Float64Array.from({ length: nBins }, (_, b) => tmin + b * dt);
  const centre = start.map((s) => s + dt / 2);
  return { start, centre };
}

/**
 * Classifier features and log-power maps of one contact's trials (rejected trials dropped).
 * Bins count from the first sample, so the baselines in `params` assume the paper's -500 ms epoch start.
 */
export function contactFeatures(epochs: ContactEpochs, sfreq: number, params: SignatureParams): ContactFeatures {
  const { nTimes } = epochs;
  if (!(Number.isInteger(nTimes) && nTimes > 0) || epochs.data.length % nTimes !== 0) {
    throw new RangeError('contactFeatures: data is not a whole number of epochs of nTimes');
  }
  const nEpochs = epochs.data.length / nTimes;
  const detrended = detrendTrials(epochs.data, nTimes, params.detrend);
  const trials = keptTrials(detrended, nTimes, params.rejectFactor);
  const nKept = trials.length;
  const kept = new Float64Array(nKept * nTimes);
  trials.forEach((r, i) => kept.set(detrended.subarray(r * nTimes, (r + 1) * nTimes), i * nTimes));
  const freqs = Float64Array.from(params.freqs);
  const nBins = Math.floor(nTimes / params.binSize);
  const power = tfrMorletBinned(kept, [nKept, 1, nTimes], sfreq, freqs, params.nCycles, {
    binSize: params.binSize,
    zeroMean: params.zeroMean,
  });
  return {
    nEpochs,
    trials,
    freqs,
    nFreqs: freqs.length,
    nBins,
    classifier: baselineRatio(power, nBins, params.classifierBaseline),
    logPower: baselineLogratio(power, nBins, params.mapBaseline),
  };
}
