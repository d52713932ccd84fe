/**
 * Areas against layers (METHODS.md "Level 2", "Regions"): which network layers the contacts of each area of the
 * ventral stream represent, for one band/window, from each (contact, layer) pair's RSA score and permutation p.
 *
 * Follows the authors' Mapper.compute_and_plot_area_mapping (Kuzovkin et al. 2018):
 * - a pair is significant when p <= 0.001 (or BH FDR across all pairs) and rho > 0;
 * - area x layer score = sum of significant rho / number of the area's contacts with any significant layer;
 * - alignment = Spearman rho between area index and layer index over all significant pairs (a contact
 *   significant for three layers gives three pairs), p-value by the t-approximation of scipy.stats.spearmanr,
 *   which is what the paper reports;
 * - high/low ratio per area = high / (high + low) of the area's scores over the high and the low layer groups.
 */
import { fdrCorrection } from '../stats';
import { spearman } from './spearman';

/** Brodmann areas along the ventral visual stream, in hierarchical order. */
export const VENTRAL_STREAM_AREAS: readonly string[] = ['BA17', 'BA18', 'BA19', 'BA37', 'BA20'];

export interface HierarchyOptions {
  /** Areas in hierarchical order; contacts elsewhere are ignored (default VENTRAL_STREAM_AREAS). */
  areas?: readonly string[];
  /** A pair is significant when p <= alpha (default 0.001), unless fdrQ is given. */
  alpha?: number;
  /** Benjamini-Hochberg FDR at this q across all (contact, layer) pairs in the areas, instead of alpha. */
  fdrQ?: number;
  /**
   * Layer groups of the high/low ratio, as layer indices. Default: the first and last thirds of the layers. The
   * paper's AlexNet groups (pixels, conv1-5, fc6-8) were low = conv1-3 = [1, 2, 3], high = conv5, fc6, fc7 =
   * [5, 6, 7].
   */
  lowLayers?: readonly number[];
  highLayers?: readonly number[];
}

export interface Alignment {
  /** Spearman rho of area index against layer index over the significant pairs; NaN when undefined. */
  rho: number;
  /** Two-sided p of rho, t-approximation as scipy.stats.spearmanr. */
  p: number;
  /** Number of significant pairs. */
  nPairs: number;
}

export interface Hierarchy {
  areas: string[];
  nLayers: number;
  /** Contacts x layers: 1 for a significant pair (in an area of the list, rho > 0). */
  significant: Uint8Array;
  /** Areas x layers: sum of significant rho / significant contacts of the area (0 without any). */
  score: Float64Array;
  /** Areas x layers: number of significant pairs. */
  pairCount: Int32Array;
  /** Per area: contacts with at least one significant layer. */
  significantContacts: Int32Array;
  /** Per area: contacts tested. */
  contacts: Int32Array;
  alignment: Alignment;
  lowLayers: number[];
  highLayers: number[];
  /** Per area: high / (high + low) of the area's scores; NaN when both are 0. */
  highLowRatio: Float64Array;
}

/**
 * Area x layer scores, alignment and high/low ratios of one band/window. `rho` and `p` are contacts x layers
 * (row-major, e.g. permutationTestContacts' output); `contactAreas` names each contact's area.
 */
export function layerHierarchy(
  rho: ArrayLike<number>,
  p: ArrayLike<number>,
  contactAreas: readonly string[],
  nLayers: number,
  options: HierarchyOptions = {},
): Hierarchy {
  const areas = [...(options.areas ?? VENTRAL_STREAM_AREAS)];
  const nContacts = contactAreas.length;
  if (!Number.isInteger(nLayers) || nLayers < 1) throw new RangeError(`nLayers must be a positive integer`);
  if (rho.length !== nContacts * nLayers || p.length !== nContacts * nLayers) {
    throw new RangeError(`rho and p must hold contacts x layers = ${nContacts} x ${nLayers} values`);
  }
  const third = Math.floor(nLayers / 3);
  const lowLayers = [...(options.lowLayers ?? Array.from({ length: third }, (_, i) => i))];
  const highLayers = [...(options.highLayers ?? Array.from({ length: third }, (_, i) => nLayers - third + i))];
  for (const l of [...lowLayers, ...highLayers]) {
    if (!(Number.isInteger(l) && l >= 0 && l < nLayers)) throw new RangeError(`layer ${l} is not in 0..${nLayers - 1}`);
  }
  const areaOf = Int32Array.from(contactAreas, (a) => areas.indexOf(a));

  // Significance among the pairs of contacts in the listed areas.
  const inArea: number[] = [];
  for (let c = 0; c < nContacts; c++) {
    if (areaOf[c] < 0) continue;
    for (let l = 0; l < nLayers; l++) inArea.push(c * nLayers + l);
  }
  const passes = new Uint8Array(nContacts * nLayers);
  if (options.fdrQ !== undefined) {
    // NaN p (an undefined score) is never significant.
    const ps = inArea.map((k) => (Number.isNaN(p[k]) ? 1 : p[k]));
    fdrCorrection(ps, options.fdrQ).reject.forEach((r, i) => (passes[inArea[i]] = r ? 1 : 0));
  } else {
    const alpha = options.alpha ?? 0.001;
    for (const k of inArea) passes[k] = p[k] <= alpha ? 1 : 0;
  }

  const nAreas = areas.length;
  const significant = new Uint8Array(nContacts * nLayers);
  const score = new Float64Array(nAreas * nLayers);
  const pairCount = new Int32Array(nAreas * nLayers);
  const significantContacts = new Int32Array(nAreas);
  const contacts = new Int32Array(nAreas);
  const pairAreas: number[] = [];
  const pairLayers: number[] = [];
  for (let c = 0; c < nContacts; c++) {
    const a = areaOf[c];
    if (a < 0) continue;
    contacts[a]++;
    let any = false;
    for (let l = 0; l < nLayers; l++) {
      const k = c * nLayers + l;
      if (!passes[k] || !(rho[k] > 0)) continue;
      significant[k] = 1;
      any = true;
      score[a * nLayers + l] += rho[k];
      pairCount[a * nLayers + l]++;
      pairAreas.push(a);
      pairLayers.push(l);
    }
    if (any) significantContacts[a]++;
  }
  for (let a = 0; a < nAreas; a++) {
    for (let l = 0; l < nLayers; l++) if (significantContacts[a] > 0) score[a * nLayers + l] /= significantContacts[a];
  }

  const highLowRatio = new Float64Array(nAreas);
  for (let a = 0; a < nAreas; a++) {
    const sum = (layers: number[]) => layers.reduce((s, l) => s + score[a * nLayers + l], 0);
    const high = sum(highLayers);
    const low = sum(lowLayers);
    highLowRatio[a] = high + low > 0 ? high / (high + low) : NaN;
  }

  return {
    areas,
    nLayers,
    significant,
    score,
    pairCount,
    significantContacts,
    contacts,
    alignment: alignment(pairAreas, pairLayers),
    lowLayers,
    highLayers,
    highLowRatio,
  };
}

/** Spearman rho between area and layer indices of the significant pairs, with scipy.stats.spearmanr's p. */
export function alignment(areaIndex: ArrayLike<number>, layerIndex: ArrayLike<number>): Alignment {
  const nPairs = areaIndex.length;
  const rho = nPairs < 2 ? NaN : spearman(areaIndex, layerIndex);
  return { rho, p: spearmanPValue(rho, nPairs), nPairs };
}

/**
 * Two-sided p of a Spearman (or Pearson) rho over n pairs by the t-approximation of scipy.stats.spearmanr:
 * t = rho sqrt((n - 2) / ((1 + rho)(1 - rho))), p = 2 P(T_{n-2} > |t|); 0 for |rho| = 1, NaN for n < 3.
 */
export function spearmanPValue(rho: number, n: number): number {
  const dof = n - 2;
  if (!(dof > 0) || Number.isNaN(rho)) return NaN;
  const r = Math.abs(rho);
  if (r >= 1) return 0;
  // P(|T| > t) = I_{dof / (dof + t^2)}(dof / 2, 1 / 2); with t^2 = dof r^2 / (1 - r^2) the argument is 1 - r^2,
  // and its complement r^2 is passed exactly, so neither tail loses digits to cancellation.
  return regularizedBeta(dof / 2, 0.5, (1 - r) * (1 + r), r * r);
}

/** ln Gamma(x) for x > 0: Lanczos (g = 7, 9 terms), about 1e-15 relative. */
function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const z = x - 1;
  let sum = c[0];
  for (let i = 1; i < 9; i++) sum += c[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/**
 * Regularized incomplete beta I_x(a, b), with y = 1 - x given separately (exact where x is near 1). Continued
 * fraction by the modified Lentz method on the side where it converges fast (Numerical Recipes' betacf).
 */
function regularizedBeta(a: number, b: number, x: number, y: number): number {
  if (x <= 0) return 0;
  if (y <= 0) return 1;
  const front = Math.exp(lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log(y));
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(a, b, x)) / a;
  return 1 - (front * betaContinuedFraction(b, a, y)) / b;
}

function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  d = Math.abs(d) < tiny ? tiny : d;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    let num = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + num * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = 1 + num / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    h *= d * c;
    num = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + num * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = 1 + num / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return h;
}
