/**
 * Standard normal distribution to near double precision, including deep tails (p-values of 1e-50 must keep
 * their relative accuracy for FDR). Follows Cephes' ndtr layout, which SciPy uses for norm.cdf / norm.sf:
 * erf near zero, erfc elsewhere, so neither side cancels.
 */

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const ONE_OVER_SQRT_PI = 1 / Math.sqrt(Math.PI);

/**
 * erf(x) = 2/sqrt(pi) e^{-x^2} sum_n 2^n x^{2n+1} / (1 * 3 * ... * (2n+1)).
 * All terms are positive (no cancellation); used for |x| < 2 where it converges in < 60 terms.
 */
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
}

/**
 * erfc(x) for x >= 2 by the continued fraction
 *   erfc(x) = e^{-x^2}/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))),
 * evaluated with the modified Lentz method. Relative accuracy ~1e-16; ~100 terms at x = 2, fewer beyond.
 */
function erfcContinuedFraction(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 5000; n++) {
    const a = n / 2;
    d = x + a * d;
    d = d === 0 ? tiny : d;
    c = x + a / c;
    c = c === 0 ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return (ONE_OVER_SQRT_PI * Math.exp(-x * x)) / f;
}

/** Error function. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  const v = ax < 2 ? erfSeries(ax) : 1 - erfcContinuedFraction(ax);
  return x < 0 ? -v : v;
}

/** Complementary error function, accurate in relative terms for large x (no 1 - erf cancellation). */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  // Below 2, 1 - erf loses at most log10(1 / erfc(2)) ~ 2.3 digits: still ~1e-14 relative.
  if (x < 2) return 1 - erfSeries(x);
  if (x > 27.3) return 0; // below the smallest subnormal double
  return erfcContinuedFraction(x);
}

/** Standard normal CDF, as scipy.special.ndtr / scipy.stats.norm.cdf. */
export function normCdf(z: number): number {
  if (Number.isNaN(z)) return NaN;
  const x = z * Math.SQRT1_2;
  const ax = Math.abs(x);
  if (ax < Math.SQRT1_2) return 0.5 + 0.5 * erf(x);
  const y = 0.5 * erfc(ax);
  return x > 0 ? 1 - y : y;
}

/** Standard normal survival function 1 - CDF, as scipy.stats.norm.sf (= ndtr(-z)). */
export function normSf(z: number): number {
  return normCdf(-z);
}

/**
 * Standard normal inverse survival function, as scipy.stats.norm.isf: the z with normSf(z) = p. Acklam's rational
 * approximation (relative error 1e-9) polished by one Halley step on normSf, which brings it to ~1e-15.
 */
export function normIsf(p: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? Infinity : p === 1 ? -Infinity : NaN;
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  // Acklam gives the lower quantile q = ppf(u); isf(p) = -ppf(p).
  const ppf = (u: number): number => {
    if (u < 0.02425) {
      const q = Math.sqrt(-2 * Math.log(u));
      return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    if (u > 1 - 0.02425) return -ppf(1 - u);
    const q = u - 0.5;
    const r = q * q;
    return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  };
  const z = -ppf(p);
  // Halley step on f(z) = normSf(z) - p, f' = -phi(z).
  const e = normSf(z) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((z * z) / 2);
  return z + u / (1 - (z * u) / 2);
}
