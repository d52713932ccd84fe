/** Trend removal, as scipy.signal.detrend (one least-squares line, or the mean, over the whole signal). */

export type DetrendType = 'linear' | 'constant';

/** Removes the least-squares line (or the mean) from `x`; returns a new Float64Array. */
export function detrend(x: ArrayLike<number>, type: DetrendType = 'linear'): Float64Array {
  const n = x.length;
  const y = Float64Array.from(x);
  if (n === 0) return y;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i];
  mean /= n;
  if (type === 'constant' || n === 1) {
    for (let i = 0; i < n; i++) y[i] -= mean;
    return y;
  }
  // Centred time makes the normal equations diagonal, which is both exact and well conditioned.
  const tMean = (n - 1) / 2;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    const t = i - tMean;
    sxy += t * (y[i] - mean);
    sxx += t * t;
  }
  const slope = sxy / sxx;
  for (let i = 0; i < n; i++) y[i] -= mean + slope * (i - tMean);
  return y;
}
