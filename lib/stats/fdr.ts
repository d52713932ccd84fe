/**
 * Benjamini-Hochberg false discovery rate control, as `mne.stats.fdr_correction` (which follows
 * statsmodels' fdrcorrection): returns the reject mask and BH-adjusted p-values in the input order.
 */

export type FdrMethod = 'indep' | 'negcorr';

export interface FdrResult {
  /** True where the null hypothesis is rejected at FDR level alpha. */
  reject: boolean[];
  /** BH-adjusted p-values (monotone in p, capped at 1). */
  pvalsCorrected: Float64Array;
}

/**
 * method 'indep' (Benjamini-Hochberg, independent or positively correlated tests) or 'negcorr'
 * (Benjamini-Yekutieli, arbitrary dependence: thresholds divided by sum 1/k).
 * Rejection uses a strict p_(k) < k alpha / m, as MNE does (statsmodels uses <=); they differ only at exact ties
 * with the threshold. NaN p-values are rejected with an error: MNE would silently turn every adjusted
 * p-value into NaN.
 */
export function fdrCorrection(pvals: ArrayLike<number>, alpha = 0.05, method: FdrMethod = 'indep'): FdrResult {
  const m = pvals.length;
  for (let i = 0; i < m; i++) {
    if (Number.isNaN(pvals[i])) throw new RangeError(`fdrCorrection: p-value ${i} is NaN`);
  }
  const order = Array.from({ length: m }, (_, i) => i).sort((i, j) => pvals[i] - pvals[j]);
  let cm = 1;
  if (method === 'negcorr') {
    cm = 0;
    for (let k = 1; k <= m; k++) cm += 1 / k;
  }
  // ecdf factor of the k-th smallest p-value (1-based k): k / m, divided by cm for 'negcorr'.
  const factor = (k: number): number => k / m / cm;

  let rejectMax = -1;
  for (let k = 0; k < m; k++) {
    if (pvals[order[k]] < factor(k + 1) * alpha) rejectMax = k;
  }
  const reject = new Array<boolean>(m).fill(false);
  for (let k = 0; k <= rejectMax; k++) reject[order[k]] = true;

  // Step-up adjusted p-values: running minimum of p_(k) / factor(k) from the largest p down.
  const pvalsCorrected = new Float64Array(m);
  let running = Infinity;
  for (let k = m - 1; k >= 0; k--) {
    const i = order[k];
    running = Math.min(running, pvals[i] / factor(k + 1));
    pvalsCorrected[i] = Math.min(running, 1);
  }
  return { reject, pvalsCorrected };
}
