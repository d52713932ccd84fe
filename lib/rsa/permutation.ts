/**
 * Permutation test for RSA: the brain RDM's rows and columns are permuted together (stimulus labels shuffled) and
 * the RSA score recomputed, giving the null distribution of rho under "no stimulus correspondence".
 *
 * Speed: a permutation of stimuli only re-orders the RDM's entries, and ranks are invariant to re-ordering, so
 * the brain RDM is ranked once (as a full n x n rank matrix) and each permutation just gathers ranks through the
 * permuted stimulus order. Model ranks are ranked and centred once; the sums of squares are permutation-invariant,
 * so each permuted rho is one gather plus one dot product per model. No allocation per permutation.
 *
 * p-value: p = (count + 1) / (nPermutations + 1), count = #{permuted rho >= observed} (Phipson & Smyth 2010): the
 * observed labelling is itself one of the equally likely labellings, so p can never be 0 and is a valid
 * (slightly conservative) p-value. METHODS.md's "share of permuted rho >= observed" is reported too, as pShare.
 * "At least as large" allows 1e-12 (rho is in [-1, 1]) for rounding, so labellings giving a mathematically equal rho
 * count.
 *
 * 'paper' vs 'standard': unless some off-diagonal distance is exactly 0, the full-matrix ranks are an affine map of
 * the condensed ranks and the diagonal is fixed under relabelling, so the paper's rho is an increasing affine map of
 * the standard rho over all labellings — same p-values, only an inflated rho.
 */
import { Xoshiro128ss, shuffleInPlace } from './prng';
import { absDiffRdm, condensedLength, minMaxScale, squareForm, stimuliFromCondensed } from './rdm';
import { rankData, type RsaVariant } from './spearman';

export interface PermutationOptions {
  /** Number of random relabellings (default 10,000). */
  nPermutations?: number;
  /** PRNG seed (default 1); the same seed gives the same permutations, for every model in a batch. */
  seed?: number;
  /** 'standard' (upper triangle, default) or 'paper' (min-max scaled full matrices). */
  variant?: RsaVariant;
  /** Keep each permuted rho (nPermutations doubles per model). */
  keepNull?: boolean;
  /**
   * Sequential early stopping (Besag & Clifford 1991), off by default: a model stops once `stopAfter` permuted rho
   * have reached the observed one, after t permutations, with p = stopAfter / t. Clearly null pairs then cost tens
   * of permutations instead of 10,000; pairs that never reach it get the full test and the usual p. With the
   * p <= 0.001 criterion at 10,000 permutations, stopAfter = 11 gives exactly the same decisions.
   */
  stopAfter?: number;
}

export interface PermutationResult {
  /** Observed RSA score (Spearman rho). NaN when either RDM is constant or contains NaN. */
  rho: number;
  /** (count + 1) / (nPermutations + 1), or stopAfter / nPermutations when stopped early; NaN when rho is NaN. */
  p: number;
  /** count / nPermutations — METHODS.md's definition; can be 0. NaN when rho is NaN. */
  pShare: number;
  /** Number of permuted rho >= observed rho. */
  count: number;
  /** Permutations used: as asked, or fewer when stopped early. */
  nPermutations: number;
  /** True when stopAfter ended this model's test early. */
  stoppedEarly: boolean;
  variant: RsaVariant;
  /** Permuted rho in permutation order (the nPermutations used), when keepNull is set. */
  nullDistribution?: Float64Array;
}

/** Model RDMs ranked and centred once, reusable across many brain RDMs (e.g. every contact against 9 layers). */
export interface PreparedModels {
  readonly n: number;
  readonly variant: RsaVariant;
  /** Per model, the centred rank of each condensed pair (doubled in 'paper': each pair appears twice). */
  readonly weights: readonly Float64Array[];
  /** Per model, the sum of centred diagonal ranks ('paper' only; 0 for 'standard'). */
  readonly diagWeight: Float64Array;
  /** Per model, sum of squared centred ranks over all correlated entries. */
  readonly sumSquares: Float64Array;
}

/** Centred ranks of the entries the variant correlates, laid out as a full n x n matrix. */
function centredRankMatrix(condensed: ArrayLike<number>, n: number, variant: RsaVariant): {
  ranks: Float64Array;
  sumSquares: number;
} {
  // 'standard': ranks of the condensed entries (diagonal unused, left 0); 'paper': ranks of the full scaled matrix.
  const ranks = variant === 'paper' ? rankData(minMaxScale(squareForm(condensed))) : squareForm(rankData(condensed));
  const count = variant === 'paper' ? n * n : condensedLength(n);
  // Mean rank is (count + 1) / 2 whatever the ties.
  const mean = (count + 1) / 2;
  let sumSquares = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j && variant === 'standard') continue;
      const v = ranks[i * n + j] - mean;
      ranks[i * n + j] = v;
      // 'standard' correlates each pair once; the square layout just holds it on both sides.
      if (variant === 'paper' || i < j) sumSquares += v * v;
    }
  }
  return { ranks, sumSquares };
}

/** Rank and centre model RDMs (condensed, all over the same n stimuli) for permutationTestBatch. */
export function prepareModels(models: readonly ArrayLike<number>[], variant: RsaVariant = 'standard'): PreparedModels {
  if (models.length === 0) throw new RangeError('prepareModels: no model RDMs');
  const m = models[0].length;
  const n = stimuliFromCondensed(m);
  const weights: Float64Array[] = [];
  const diagWeight = new Float64Array(models.length);
  const sumSquares = new Float64Array(models.length);
  models.forEach((model, l) => {
    if (model.length !== m) throw new RangeError(`prepareModels: model ${l} has ${model.length} entries, expected ${m}`);
    const { ranks, sumSquares: ss } = centredRankMatrix(model, n, variant);
    const w = new Float64Array(m);
    const factor = variant === 'paper' ? 2 : 1;
    let k = 0;
    for (let i = 0; i < n - 1; i++) for (let j = i + 1; j < n; j++) w[k++] = factor * ranks[i * n + j];
    let diag = 0;
    if (variant === 'paper') for (let i = 0; i < n; i++) diag += ranks[i * n + i];
    weights.push(w);
    diagWeight[l] = diag;
    sumSquares[l] = ss;
  });
  return { n, variant, weights, diagWeight, sumSquares };
}

/**
 * Test one brain RDM against many model RDMs (e.g. network layers) with the same permutations.
 * brain and models are condensed RDMs over the same stimuli; models may be pre-prepared with prepareModels.
 */
export function permutationTestBatch(
  brain: ArrayLike<number>,
  models: readonly ArrayLike<number>[] | PreparedModels,
  options: PermutationOptions = {},
): PermutationResult[] {
  const nPerm = options.nPermutations ?? 10_000;
  if (!Number.isInteger(nPerm) || nPerm < 1) throw new RangeError(`nPermutations must be a positive integer`);
  if (options.stopAfter !== undefined && !(Number.isInteger(options.stopAfter) && options.stopAfter >= 1)) {
    throw new RangeError('stopAfter must be a positive integer');
  }
  const prepared = Array.isArray(models)
    ? prepareModels(models as readonly ArrayLike<number>[], options.variant ?? 'standard')
    : (models as PreparedModels);
  const variant = prepared.variant;
  if (options.variant !== undefined && options.variant !== variant) {
    throw new RangeError(`permutationTestBatch: models prepared for '${variant}', asked for '${options.variant}'`);
  }
  const n = prepared.n;
  const m = condensedLength(n);
  if (brain.length !== m) throw new RangeError(`brain RDM has ${brain.length} entries, models ${m}`);
  const L = prepared.weights.length;

  const { ranks: R, sumSquares: brainSS } = centredRankMatrix(brain, n, variant);
  // In 'paper' every diagonal entry is 0, so all diagonal ranks are tied and the diagonal term never changes.
  const diagRank = variant === 'paper' ? R[0] : 0;
  const offset = new Float64Array(L);
  const scale = new Float64Array(L);
  for (let l = 0; l < L; l++) {
    offset[l] = prepared.diagWeight[l] * diagRank;
    scale[l] = 1 / Math.sqrt(prepared.sumSquares[l] * brainSS);
  }

  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  const gathered = new Float64Array(m);
  const gatheredB = new Float64Array(m);
  const sums = new Float64Array(L);
  const sumsB = new Float64Array(L);
  const rhoOf = (sum: number, l: number): number => {
    const r = (sum + offset[l]) * scale[l];
    return r > 1 ? 1 : r < -1 ? -1 : r;
  };

  // Observed rho through the same arithmetic as the permuted ones, so equal labellings compare equal.
  gatherRanks(R, perm, n, gathered);
  dotProducts(prepared.weights, gathered, sums);
  const observed = new Float64Array(L);
  const threshold = new Float64Array(L);
  for (let l = 0; l < L; l++) {
    observed[l] = rhoOf(sums[l], l);
    threshold[l] = observed[l] - 1e-12;
  }
  const counts = new Float64Array(L);
  // Permutations used per model; 0 while still running.
  const stoppedAt = new Float64Array(L);
  const stopAfter = options.stopAfter ?? Infinity;
  const nulls = options.keepNull ? Array.from({ length: L }, () => new Float64Array(nPerm).fill(NaN)) : null;

  // Models still being permuted: NaN scores need no null, and stopped models drop out. Rebuilt only when one stops.
  let active: number[] = [];
  let activeWeights: Float64Array[] = [];
  const refreshActive = (): void => {
    active = [];
    for (let l = 0; l < L; l++) if (stoppedAt[l] === 0 && !Number.isNaN(observed[l])) active.push(l);
    activeWeights = active.map((l) => prepared.weights[l]);
  };
  refreshActive();
  const record = (t: number, s: Float64Array): void => {
    let stopped = false;
    for (let a = 0; a < active.length; a++) {
      const l = active[a];
      const r = rhoOf(s[a], l);
      if (nulls) nulls[l][t] = r;
      if (r >= threshold[l] && ++counts[l] >= stopAfter) {
        stoppedAt[l] = t + 1;
        stopped = true;
      }
    }
    if (stopped) refreshActive();
  };

  // Permutations in pairs (see dotProductsPair); the sequence of permutations is the same as one at a time.
  const rng = new Xoshiro128ss(options.seed ?? 1);
  let t = 0;
  for (; t + 2 <= nPerm && active.length > 0; t += 2) {
    shuffleInPlace(perm, rng);
    gatherRanks(R, perm, n, gathered);
    shuffleInPlace(perm, rng);
    gatherRanks(R, perm, n, gatheredB);
    dotProductsPair(activeWeights, gathered, gatheredB, sums, sumsB);
    // sumsB is indexed by the active list as it was before record(t) possibly shrank it.
    const before = active;
    record(t, sums);
    if (active !== before) {
      for (let a = 0, b = 0; a < before.length; a++) if (active[b] === before[a]) sumsB[b++] = sumsB[a];
    }
    record(t + 1, sumsB);
  }
  if (t < nPerm && active.length > 0) {
    shuffleInPlace(perm, rng);
    gatherRanks(R, perm, n, gathered);
    dotProducts(activeWeights, gathered, sums);
    record(t, sums);
  }

  const results: PermutationResult[] = [];
  for (let l = 0; l < L; l++) {
    const rho = observed[l];
    const valid = !Number.isNaN(rho);
    const used = stoppedAt[l] !== 0 ? stoppedAt[l] : nPerm;
    const result: PermutationResult = {
      rho,
      // Stopped early: Besag & Clifford's sequential p = h / t; otherwise (count + 1) / (nPermutations + 1).
      p: !valid ? NaN : stoppedAt[l] !== 0 ? counts[l] / used : (counts[l] + 1) / (nPerm + 1),
      pShare: valid ? counts[l] / used : NaN,
      count: counts[l],
      nPermutations: used,
      stoppedEarly: stoppedAt[l] !== 0,
      variant,
    };
    if (nulls) result.nullDistribution = nulls[l].subarray(0, used);
    results.push(result);
  }
  return results;
}

/** Condensed ranks of the relabelled RDM: pair (i, j) takes the rank of pair (perm[i], perm[j]) from the square R. */
function gatherRanks(R: Float64Array, perm: Int32Array, n: number, out: Float64Array): void {
  let k = 0;
  for (let i = 0; i < n - 1; i++) {
    const row = perm[i] * n;
    for (let j = i + 1; j < n; j++) out[k++] = R[row + perm[j]];
  }
}

/**
 * sums[l] = weights[l] . g. Models go four at a time so each gathered value is loaded once per four products and
 * the four running sums are independent (a single running sum is bound by floating-point add latency). Every sum
 * runs sequentially over k, exactly as in dotProductsPair, so a labelling gives bit-identical rho either way.
 */
function dotProducts(weights: readonly Float64Array[], g: Float64Array, sums: Float64Array): void {
  const L = weights.length;
  const m = g.length;
  let l = 0;
  for (; l + 4 <= L; l += 4) {
    const w0 = weights[l];
    const w1 = weights[l + 1];
    const w2 = weights[l + 2];
    const w3 = weights[l + 3];
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let k = 0; k < m; k++) {
      const v = g[k];
      s0 += w0[k] * v;
      s1 += w1[k] * v;
      s2 += w2[k] * v;
      s3 += w3[k] * v;
    }
    sums[l] = s0;
    sums[l + 1] = s1;
    sums[l + 2] = s2;
    sums[l + 3] = s3;
  }
  for (; l < L; l++) {
    const w = weights[l];
    let s = 0;
    for (let k = 0; k < m; k++) s += w[k] * g[k];
    sums[l] = s;
  }
}

/** dotProducts for two permutations at once: each weight loaded once serves both (about 25% faster in V8). */
function dotProductsPair(
  weights: readonly Float64Array[],
  ga: Float64Array,
  gb: Float64Array,
  sa: Float64Array,
  sb: Float64Array,
): void {
  const L = weights.length;
  const m = ga.length;
  let l = 0;
  for (; l + 4 <= L; l += 4) {
    const w0 = weights[l];
    const w1 = weights[l + 1];
    const w2 = weights[l + 2];
    const w3 = weights[l + 3];
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    let b0 = 0;
    let b1 = 0;
    let b2 = 0;
    let b3 = 0;
    for (let k = 0; k < m; k++) {
      const u = ga[k];
      const v = gb[k];
      const x0 = w0[k];
      const x1 = w1[k];
      const x2 = w2[k];
      const x3 = w3[k];
      a0 += x0 * u;
      a1 += x1 * u;
      a2 += x2 * u;
      a3 += x3 * u;
      b0 += x0 * v;
      b1 += x1 * v;
      b2 += x2 * v;
      b3 += x3 * v;
    }
    sa[l] = a0;
    sa[l + 1] = a1;
    sa[l + 2] = a2;
    sa[l + 3] = a3;
    sb[l] = b0;
    sb[l + 1] = b1;
    sb[l + 2] = b2;
    sb[l + 3] = b3;
  }
  for (; l < L; l++) {
    const w = weights[l];
    let a = 0;
    let b = 0;
    for (let k = 0; k < m; k++) {
      const x = w[k];
      a += x * ga[k];
      b += x * gb[k];
    }
    sa[l] = a;
    sb[l] = b;
  }
}

/** Every contact against every model: contacts x models arrays, row-major. */
export interface ContactsPermutationResult {
  nContacts: number;
  nModels: number;
  variant: RsaVariant;
  rho: Float64Array;
  p: Float64Array;
  pShare: Float64Array;
  /** Permutations used per pair (fewer than asked where stopAfter ended the test early). */
  nPermutations: Int32Array;
}

/**
 * Permutation tests of many contacts against the same model RDMs (e.g. every responsive contact of one band/window
 * against 9 layers). `responses` holds each contact's scalar response per stimulus (contacts x stimuli,
 * row-major); the contact's RDM is |x_i - x_j| (absDiffRdm), built one contact at a time so memory stays at one
 * RDM, not contacts x n(n-1)/2. Models are ranked once for all contacts. Every contact sees the same permutations
 * (the seed's), so the result of a contact does not depend on which others are in the batch: batches can be split
 * across threads and merged.
 *
 * Cost: one gather plus one dot product per model, of n(n-1)/2 entries, per permutation — about 26 us per
 * model-permutation at n = 250 on one idle 2020s core, so 2.3 s per contact for 9 layers x 10,000 permutations.
 * The paper's scale, 11,293 contacts x 15 band/windows, is then 108 thread-hours for the full test (7 h on 16
 * threads), an upper bound: only responsive-positive contacts are tested, and with stopAfter = 11 (the same
 * p <= 0.001 decisions) a null pair stops after ~11/p permutations, a few hundred, so the cost falls to roughly
 * the share of significant pairs (npm run bench:rsa measures both).
 */
export function permutationTestContacts(
  responses: Float32Array | Float64Array,
  nStimuli: number,
  models: readonly ArrayLike<number>[] | PreparedModels,
  options: Omit<PermutationOptions, 'keepNull'> & { onProgress?: (fraction: number) => void } = {},
): ContactsPermutationResult {
  if (!Number.isInteger(nStimuli) || nStimuli < 2 || responses.length % nStimuli !== 0) {
    throw new RangeError(`permutationTestContacts: ${responses.length} responses are not contacts x ${nStimuli} stimuli`);
  }
  const prepared = Array.isArray(models)
    ? prepareModels(models as readonly ArrayLike<number>[], options.variant ?? 'standard')
    : (models as PreparedModels);
  if (prepared.n !== nStimuli) throw new RangeError(`models are over ${prepared.n} stimuli, responses over ${nStimuli}`);
  const { onProgress, ...testOptions } = options;
  const nContacts = responses.length / nStimuli;
  const nModels = prepared.weights.length;
  const rho = new Float64Array(nContacts * nModels);
  const p = new Float64Array(nContacts * nModels);
  const pShare = new Float64Array(nContacts * nModels);
  const nPermutations = new Int32Array(nContacts * nModels);
  for (let c = 0; c < nContacts; c++) {
    const brain = absDiffRdm(responses.subarray(c * nStimuli, (c + 1) * nStimuli));
    permutationTestBatch(brain, prepared, testOptions).forEach((r, l) => {
      const k = c * nModels + l;
      rho[k] = r.rho;
      p[k] = r.p;
      pShare[k] = r.pShare;
      nPermutations[k] = r.nPermutations;
    });
    onProgress?.((c + 1) / nContacts);
  }
  return { nContacts, nModels, variant: prepared.variant, rho, p, pShare, nPermutations };
}

/** Test one brain RDM against one model RDM (both condensed, same stimuli). */
export function permutationTest(
  model: ArrayLike<number>,
  brain: ArrayLike<number>,
  options: PermutationOptions = {},
): PermutationResult {
  return permutationTestBatch(brain, [model], options)[0];
}

/** The condensed RDM with stimuli relabelled: entry (i, j) of the result is entry (perm[i], perm[j]) of rdm. */
export function permuteRdm(rdm: ArrayLike<number>, perm: ArrayLike<number>): Float64Array {
  const n = stimuliFromCondensed(rdm.length);
  if (perm.length !== n) throw new RangeError(`permuteRdm: permutation of ${perm.length}, RDM over ${n} stimuli`);
  const full = squareForm(rdm);
  const out = new Float64Array(rdm.length);
  let k = 0;
  for (let i = 0; i < n - 1; i++) for (let j = i + 1; j < n; j++) out[k++] = full[perm[i] * n + perm[j]];
  return out;
}
