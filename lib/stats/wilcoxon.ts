/**
 * Wilcoxon signed-rank test for paired samples, reproducing `scipy.stats.wilcoxon` of SciPy 1.10
 * (the version the reference fixtures come from), defaults included:
 * zero_method='wilcox', correction=False, alternative='two-sided', method='auto'.
 *
 * SciPy 1.10's 'auto' rule: exact null distribution when len(d) <= 50 (counted before dropping zeros) and
 * d has no zeros; otherwise the normal approximation with zeros dropped ('wilcox') and the tie correction.
 * Ties alone do NOT switch to the approximation: the exact p-value then uses int(r_plus), truncating a
 * half-integer rank sum. That quirk is reproduced on purpose so results match published SciPy analyses.
 */
import { normCdf, normSf } from './normal';

export type WilcoxonZeroMethod = 'wilcox' | 'pratt' | 'zsplit';
export type Alternative = 'two-sided' | 'less' | 'greater';

export interface WilcoxonOptions {
  zeroMethod?: WilcoxonZeroMethod;
  /** Continuity correction of the normal approximation. Default false. */
  correction?: boolean;
  alternative?: Alternative;
  /** 'auto' (default), or force 'exact' / 'approx'. Zeros always force 'approx', as in SciPy. */
  method?: 'auto' | 'exact' | 'approx';
}

export interface WilcoxonResult {
  /** min(r_plus, r_minus) for two-sided tests, r_plus for one-sided ones (SciPy's convention). */
  statistic: number;
  pvalue: number;
  /** Which null distribution produced the p-value. */
  method: 'exact' | 'approx';
  /** The normal-approximation z (SciPy reports it only when method='approx' is requested). */
  zstatistic?: number;
}

/** Average ranks (1-based) of `a`, as scipy.stats.rankdata(method='average'). */
export function rankdata(a: ArrayLike<number>): Float64Array {
  const n = a.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => (a[i] < a[j] ? -1 : a[i] > a[j] ? 1 : 0));
  const ranks = new Float64Array(n);
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && a[order[j + 1]] === a[order[i]]) j++;
    const avg = (i + j + 2) / 2; // mean of 1-based ranks i+1 .. j+1
    for (let k = i; k <= j; k++) ranks[order[k]] = avg;
    i = j + 1;
  }
  return ranks;
}

const pmfCache = new Map<number, Float64Array>();

/**
 * Null pmf of r_plus for n non-zero, untied differences: P(r_plus = r), r = 0 .. n(n+1)/2.
 * Same recursion as SciPy's `_get_wilcoxon_distr` (halving at every step keeps each entry an exact dyadic
 * fraction up to n ~ 50, so the values are bit-identical to SciPy's).
 */
export function wilcoxonPmf(n: number): Float64Array {
  let c = pmfCache.get(n);
  if (c !== undefined) return c;
  c = new Float64Array([1]);
  for (let k = 1; k <= n; k++) {
    const prev = c;
    c = new Float64Array((k * (k + 1)) / 2 + 1);
    const m = prev.length;
    for (let i = 0; i < m; i++) c[i] = prev[i] * 0.5;
    const off = c.length - m;
    for (let i = 0; i < m; i++) c[off + i] += prev[i] * 0.5;
  }
  pmfCache.set(n, c);
  return c;
}

function sumRange(a: Float64Array, from: number, to: number): number {
  let s = 0;
  for (let i = Math.max(0, from); i < Math.min(a.length, to); i++) s += a[i];
  return s;
}

/**
 * Wilcoxon signed-rank test of d = x - y (or of x alone when y is omitted) against a zero median.
 * Returns NaN statistic and p-value when the input is empty or holds NaN (SciPy's nan_policy='propagate');
 * throws when every difference is zero under 'wilcox' / 'pratt', as SciPy does.
 */
export function wilcoxon(
  x: ArrayLike<number>,
  y?: ArrayLike<number> | null,
  opts: WilcoxonOptions = {},
): WilcoxonResult {
  const zeroMethod = opts.zeroMethod ?? 'wilcox';
  const alternative = opts.alternative ?? 'two-sided';
  const correction = opts.correction ?? false;
  const requested = opts.method ?? 'auto';

  let d: number[];
  if (y === undefined || y === null) {
    d = Array.from(x);
  } else {
    if (x.length !== y.length) throw new RangeError('The samples x and y must have the same length.');
    d = Array.from(x, (v, i) => v - y[i]);
  }
  if (d.length === 0 || d.some(Number.isNaN)) {
    return { statistic: NaN, pvalue: NaN, method: requested === 'exact' ? 'exact' : 'approx' };
  }

  let mode: 'exact' | 'approx' = requested === 'auto' ? (d.length <= 50 ? 'exact' : 'approx') : requested;
  const nZero = d.filter((v) => v === 0).length;
  // Exact p-values are not defined with zeros; SciPy warns and switches.
  if (nZero > 0 && mode === 'exact') mode = 'approx';
  if (mode === 'approx') {
    if ((zeroMethod === 'wilcox' || zeroMethod === 'pratt') && nZero === d.length) {
      throw new RangeError("zero_method 'wilcox' and 'pratt' do not work if x - y is zero for all elements.");
    }
    if (zeroMethod === 'wilcox') d = d.filter((v) => v !== 0);
  }
  const count = d.length;
  const r = rankdata(d.map(Math.abs));
  let rPlus = 0;
  let rMinus = 0;
  let rZero = 0;
  for (let i = 0; i < count; i++) {
    if (d[i] > 0) rPlus += r[i];
    else if (d[i] < 0) rMinus += r[i];
    else rZero += r[i];
  }
  if (zeroMethod === 'zsplit') {
    rPlus += rZero / 2;
    rMinus += rZero / 2;
  }
  const statistic = alternative === 'two-sided' ? Math.min(rPlus, rMinus) : rPlus;

  if (mode === 'approx') {
    let mn = count * (count + 1) * 0.25;
    let se = count * (count + 1) * (2 * count + 1);
    let tieRanks: number[] = Array.from(r);
    if (zeroMethod === 'pratt') {
      tieRanks = tieRanks.filter((_, i) => d[i] !== 0);
      mn -= nZero * (nZero + 1) * 0.25;
      se -= nZero * (nZero + 1) * (2 * nZero + 1);
    }
    // Tie correction: every group of t equal ranks removes t (t^2 - 1) / 2 (before the /24).
    tieRanks.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    let tieTerm = 0;
    for (let i = 0; i < tieRanks.length; ) {
      let j = i;
      while (j + 1 < tieRanks.length && tieRanks[j + 1] === tieRanks[i]) j++;
      const t = j - i + 1;
      if (t > 1) tieTerm += t * (t * t - 1);
      i = j + 1;
    }
    se -= 0.5 * tieTerm;
    se = Math.sqrt(se / 24);
    let cc = 0;
    if (correction) {
      if (alternative === 'two-sided') cc = 0.5 * Math.sign(statistic - mn);
      else cc = alternative === 'less' ? -0.5 : 0.5;
    }
    const z = (statistic - mn - cc) / se;
    const pvalue =
      alternative === 'two-sided' ? 2 * normSf(Math.abs(z)) : alternative === 'greater' ? normSf(z) : normCdf(z);
    return { statistic, pvalue, method: 'approx', zstatistic: z };
  }

  const pmf = wilcoxonPmf(count);
  // SciPy 1.10 indexes the pmf with int(r_plus), truncating half-integer sums from ties.
  const rp = Math.trunc(rPlus);
  let pvalue: number;
  if (alternative === 'two-sided') {
    if (rp === (pmf.length - 1) >> 1) {
      pvalue = 1;
    } else {
      const pLess = sumRange(pmf, 0, rp + 1);
      const pGreater = sumRange(pmf, rp, pmf.length);
      pvalue = 2 * Math.min(pGreater, pLess);
    }
  } else if (alternative === 'greater') {
    pvalue = sumRange(pmf, rp, pmf.length);
  } else {
    pvalue = sumRange(pmf, 0, rp + 1);
  }
  return { statistic, pvalue: Math.min(1, Math.max(0, pvalue)), method: 'exact' };
}
