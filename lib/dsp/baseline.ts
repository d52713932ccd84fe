/**
 * Time binning and baseline normalisation of time-frequency power (the Level 1 paper's features).
 * Arrays are row-major with time last: any leading shape (epochs x channels x freqs) is flattened to rows.
 * Each row is normalised by its own baseline, like MNE's `mne.baseline.rescale` per epoch, channel, frequency.
 */

export type PowerArray = Float32Array | Float64Array;

function rowsOf(data: PowerArray, nTimes: number, what: string): number {
  if (!Number.isInteger(nTimes) || nTimes < 1 || data.length % nTimes !== 0) {
    throw new RangeError(`${what}: length ${data.length} is not a multiple of nTimes ${nTimes}`);
  }
  return data.length / nTimes;
}

/**
 * Mean of consecutive blocks of `binSize` samples along time: 768 samples -> 48 bins of 16 (31.25 ms at 512 Hz).
 * Trailing samples that do not fill a bin are dropped (the paper's epochs divide exactly).
 */
export function binPower(power: PowerArray, nTimes: number, binSize = 16): Float32Array {
  if (!Number.isInteger(binSize) || binSize < 1) throw new RangeError('binSize must be a positive integer');
  const nRows = rowsOf(power, nTimes, 'binPower');
  const nBins = Math.floor(nTimes / binSize);
  const out = new Float32Array(nRows * nBins);
  for (let r = 0; r < nRows; r++) {
    const src = r * nTimes;
    const dst = r * nBins;
    for (let b = 0; b < nBins; b++) {
      let sum = 0;
      const from = src + b * binSize;
      for (let i = 0; i < binSize; i++) sum += power[from + i];
      out[dst + b] = sum / binSize;
    }
  }
  return out;
}

/** Inclusive range of time indices (bins or samples) that form the baseline. */
export type BaselineRange = readonly [first: number, last: number];

function baselineMean(data: PowerArray, base: number, [first, last]: BaselineRange): number {
  let sum = 0;
  for (let i = first; i <= last; i++) sum += data[base + i];
  return sum / (last - first + 1);
}

function checkRange(range: BaselineRange, nTimes: number): void {
  const [first, last] = range;
  if (!Number.isInteger(first) || !Number.isInteger(last) || first < 0 || last < first || last >= nTimes) {
    throw new RangeError(`baseline [${first}, ${last}] is not an inclusive range inside 0..${nTimes - 1}`);
  }
}

/**
 * Power divided by the mean of its row's baseline (MNE mode 'ratio'). The paper's classifier features use
 * bins 0..12 inclusive (-500..-94 ms), no log.
 */
export function baselineRatio(data: PowerArray, nTimes: number, baseline: BaselineRange = [0, 12]): Float32Array {
  const nRows = rowsOf(data, nTimes, 'baselineRatio');
  checkRange(baseline, nTimes);
  const out = new Float32Array(data.length);
  for (let r = 0; r < nRows; r++) {
    const base = r * nTimes;
    const inv = 1 / baselineMean(data, base, baseline);
    for (let t = 0; t < nTimes; t++) out[base + t] = data[base + t] * inv;
  }
  return out;
}

export interface LogratioOptions {
  /**
   * Logarithm base. The paper's maps use the natural log (np.log in the authors' code); MNE's 'logratio'
   * uses log10. The two differ by a constant factor, so signs (increase / decrease) agree. Default 'e'.
   */
  base?: 'e' | 10;
  /** Replace NaN (0 / 0 from an empty, rejected trial) by 0, as the authors' code does. Default true. */
  nanToZero?: boolean;
}

/**
 * log(power / mean of the row's baseline) (MNE mode 'logratio'). The paper's maps and clustering use bins
 * 0..13 inclusive (`ft[:, :, 0:14]` in the authors' code) and the natural log.
 */
export function baselineLogratio(
  data: PowerArray,
  nTimes: number,
  baseline: BaselineRange = [0, 13],
  opts: LogratioOptions = {},
): Float32Array {
  const nRows = rowsOf(data, nTimes, 'baselineLogratio');
  checkRange(baseline, nTimes);
  const log = opts.base === 10 ? Math.log10 : Math.log;
  const nanToZero = opts.nanToZero ?? true;
  const out = new Float32Array(data.length);
  for (let r = 0; r < nRows; r++) {
    const base = r * nTimes;
    const mean = baselineMean(data, base, baseline);
    for (let t = 0; t < nTimes; t++) {
      const v = log(data[base + t] / mean);
      out[base + t] = nanToZero && Number.isNaN(v) ? 0 : v;
    }
  }
  return out;
}
