/**
 * Ranks and Spearman correlation for comparing RDMs, matching scipy.stats.rankdata (method='average') and
 * scipy.stats.spearmanr.
 */
import { minMaxScale, squareForm, stimuliFromCondensed } from './rdm';

/** Which entries the RSA score correlates. */
export type RsaVariant = 'standard' | 'paper';

/**
 * 1-based ranks with ties given their average rank, as scipy.stats.rankdata(a, method='average').
 * Any NaN makes every rank NaN (SciPy's nan_policy='propagate'), so a broken RDM cannot pass as a valid one.
 */
export function rankData(a: ArrayLike<number>): Float64Array {
  const m = a.length;
  const out = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    if (Number.isNaN(a[i])) return out.fill(NaN);
  }
  const order = new Uint32Array(m);
  for (let i = 0; i < m; i++) order[i] = i;
  order.sort((x, y) => a[x] - a[y]);
  let start = 0;
  while (start < m) {
    let end = start + 1;
    const v = a[order[start]];
    while (end < m && a[order[end]] === v) end++;
    // Positions start..end-1 (0-based) share the mean of ranks start+1..end.
    const r = (start + 1 + end) / 2;
    for (let t = start; t < end; t++) out[order[t]] = r;
    start = end;
  }
  return out;
}

/** Pearson correlation (two-pass, centred), clipped to [-1, 1] as numpy.corrcoef does; NaN for constant input. */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const m = x.length;
  if (y.length !== m) throw new RangeError(`pearson: lengths differ (${m} vs ${y.length})`);
  if (m < 2) return NaN;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < m; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= m;
  my /= m;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < m; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  const r = sxy / Math.sqrt(sxx * syy);
  return r > 1 ? 1 : r < -1 ? -1 : r;
}

/** Spearman rho: Pearson correlation of average-tie ranks (scipy.stats.spearmanr(x, y).statistic). */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) throw new RangeError(`spearman: lengths differ (${x.length} vs ${y.length})`);
  return pearson(rankData(x), rankData(y));
}

/**
 * Standard RSA score: Spearman rho between two condensed RDMs (upper triangle without the diagonal).
 * Min-max scaling is skipped here: it is monotone, so it cannot change the ranks.
 */
export function spearmanRdm(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`spearmanRdm: lengths differ (${a.length} vs ${b.length})`);
  stimuliFromCondensed(a.length);
  return spearman(a, b);
}

/**
 * "paper" variant (Kuzovkin et al. 2018): both full n x n matrices min-max scaled, Spearman rho over the flattened
 * full matrices — each pair counted twice and the n zero diagonal entries included as ties, which inflates rho
 * relative to the standard score (even a constant RDM gets rho > 0 with any other through the diagonal).
 * Takes condensed RDMs; the full matrices are built here.
 */
export function spearmanRdmPaper(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`spearmanRdmPaper: lengths differ (${a.length} vs ${b.length})`);
  return spearman(minMaxScale(squareForm(a)), minMaxScale(squareForm(b)));
}

/** RSA score between two condensed RDMs; 'standard' (default) or the paper's full-matrix variant. */
export function rsaScore(a: ArrayLike<number>, b: ArrayLike<number>, variant: RsaVariant = 'standard'): number {
  return variant === 'paper' ? spearmanRdmPaper(a, b) : spearmanRdm(a, b);
}
