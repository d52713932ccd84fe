/**
 * Per-contact trial rejection of the Level 1 study (METHODS.md, preprocessing step 1): detrend each trial, then
 * reject a trial for a contact when its largest absolute value exceeds `factor` times the contact's mean
 * per-trial standard deviation.
 */
import { detrend } from './detrend';

export interface EpochsLike {
  /** epochs x channels x times, C order. */
  data: ArrayLike<number>;
  nEpochs: number;
  nChannels: number;
  nTimes: number;
  chNames?: readonly string[];
}

export interface ContactRejection {
  chName: string;
  /** Mean over trials of each detrended trial's standard deviation (population SD, ddof 0, as numpy.std). */
  meanSd: number;
  /** factor x meanSd. */
  threshold: number;
  rejectedEpochs: number[];
  nRejected: number;
}

export interface RejectionResult {
  /** epochs x channels; 1 where the trial is rejected for that contact. */
  rejected: Uint8Array;
  report: ContactRejection[];
}

export function rejectTrials(epochs: EpochsLike, factor = 10): RejectionResult {
  const { data, nEpochs, nChannels, nTimes } = epochs;
  if (data.length !== nEpochs * nChannels * nTimes) {
    throw new RangeError(`data holds ${data.length} values, not ${nEpochs} x ${nChannels} x ${nTimes}`);
  }
  if (!(factor > 0)) throw new RangeError(`factor must be positive, got ${factor}`);
  const rejected = new Uint8Array(nEpochs * nChannels);
  const report: ContactRejection[] = [];
  const trial = new Float64Array(nTimes);
  const sd = new Float64Array(nEpochs);
  const peak = new Float64Array(nEpochs);
  for (let c = 0; c < nChannels; c++) {
    for (let e = 0; e < nEpochs; e++) {
      const off = (e * nChannels + c) * nTimes;
      for (let t = 0; t < nTimes; t++) trial[t] = data[off + t];
      const y = detrend(trial);
      let ss = 0;
      let mx = 0;
      for (let t = 0; t < nTimes; t++) {
        ss += y[t] * y[t];
        mx = Math.max(mx, Math.abs(y[t]));
      }
      // The detrended trial has zero mean, so the SD is the root mean square.
      sd[e] = Math.sqrt(ss / nTimes);
      peak[e] = mx;
    }
    let meanSd = 0;
    for (let e = 0; e < nEpochs; e++) meanSd += sd[e];
    meanSd = nEpochs > 0 ? meanSd / nEpochs : 0;
    const threshold = factor * meanSd;
    const rejectedEpochs: number[] = [];
    for (let e = 0; e < nEpochs; e++) {
      if (peak[e] > threshold) {
        rejected[e * nChannels + c] = 1;
        rejectedEpochs.push(e);
      }
    }
    report.push({ chName: epochs.chNames?.[c] ?? String(c), meanSd, threshold, rejectedEpochs, nRejected: rejectedEpochs.length });
  }
  return { rejected, report };
}
