/**
 * How alike two spectrotemporal maps are, for the signature catalogue: cosine similarity over the region of the
 * frequency x time plane both maps cover. Analyses made with different presets have different grids (frequency
 * steps, time bins), so both maps are first resampled onto a common grid by bilinear interpolation.
 */

/** A frequency x time map, row-major (one row per frequency), on the grid its axes give (ascending). */
export interface GridMap {
  values: ArrayLike<number>;
  freqs: readonly number[];
  times: readonly number[];
}

/** Cosine of the angle between two equal-length vectors; null when either is all zeros (no direction to compare). */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number | null {
  if (a.length !== b.length) throw new Error(`cosine of vectors of ${a.length} and ${b.length} values`);
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  if (aa === 0 || bb === 0) return null;
  // Clamped: rounding can push |cos| of parallel vectors a hair past 1.
  return Math.max(-1, Math.min(1, ab / Math.sqrt(aa * bb)));
}

/** For each query position, the grid cell it falls in and its fractional position there (queries inside the axis). */
function interpolationWeights(axis: readonly number[], at: readonly number[], name: string): { index: Int32Array; frac: Float64Array } {
  const index = new Int32Array(at.length);
  const frac = new Float64Array(at.length);
  const last = axis.length - 1;
  for (let q = 0; q < at.length; q++) {
    const x = at[q]!;
    if (x < axis[0]! || x > axis[last]!) throw new RangeError(`${name} ${x} is outside the map's range ${axis[0]}..${axis[last]}`);
    if (last === 0) continue;
    let lo = 0;
    let hi = last;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (axis[mid]! <= x) lo = mid;
      else hi = mid;
    }
    index[q] = lo;
    frac[q] = (x - axis[lo]!) / (axis[lo + 1]! - axis[lo]!);
  }
  return { index, frac };
}

/**
 * The map's values at the given frequencies and times, by bilinear interpolation between its grid points; every
 * target point must lie inside the map's grid (no extrapolation). Exact for maps linear in frequency and time.
 */
export function resampleMap(map: GridMap, freqs: readonly number[], times: readonly number[]): Float64Array {
  const nT = map.times.length;
  if (map.values.length !== map.freqs.length * nT) throw new Error(`a ${map.freqs.length} x ${nT} map has ${map.values.length} values`);
  const f = interpolationWeights(map.freqs, freqs, 'frequency');
  const t = interpolationWeights(map.times, times, 'time');
  // Neighbours along an axis of one point are the point itself (its weight is then 0 anyway).
  const stepF = map.freqs.length > 1 ? nT : 0;
  const stepT = nT > 1 ? 1 : 0;
  const out = new Float64Array(freqs.length * times.length);
  for (let i = 0; i < freqs.length; i++) {
    const row = f.index[i]! * nT;
    const wf = f.frac[i]!;
    for (let j = 0; j < times.length; j++) {
      const k = row + t.index[j]!;
      const wt = t.frac[j]!;
      const v00 = map.values[k]!;
      const v01 = map.values[k + stepT]!;
      const v10 = map.values[k + stepF]!;
      const v11 = map.values[k + stepF + stepT]!;
      out[i * times.length + j] = (1 - wf) * ((1 - wt) * v00 + wt * v01) + wf * ((1 - wt) * v10 + wt * v11);
    }
  }
  return out;
}

/** Every point of either axis inside the range both cover, ascending and without repeats; null when they do not overlap. */
function commonAxis(a: readonly number[], b: readonly number[]): number[] | null {
  const lo = Math.max(a[0]!, b[0]!);
  const hi = Math.min(a[a.length - 1]!, b[b.length - 1]!);
  if (lo > hi) return null;
  return [...new Set([...a, ...b].filter((x) => x >= lo && x <= hi))].sort((x, y) => x - y);
}

/**
 * The grid two maps are compared on: per axis, the grid points of both maps that lie in the overlap of their ranges.
 * Taking both maps' points keeps the comparison symmetric, and on equal grids it is that grid (no interpolation).
 * Null when the maps share no frequency or no time.
 */
export function commonGrid(a: Pick<GridMap, 'freqs' | 'times'>, b: Pick<GridMap, 'freqs' | 'times'>): { freqs: number[]; times: number[] } | null {
  const freqs = commonAxis(a.freqs, b.freqs);
  const times = commonAxis(a.times, b.times);
  return freqs && times ? { freqs, times } : null;
}

/**
 * Cosine similarity of two maps over the part of the frequency x time plane both cover, after resampling both
 * onto their common grid: 1 for the same pattern at any scale, -1 for its opposite (increases where the other
 * decreases), 0 for unrelated patterns. Null when the grids do not overlap, or either map is all zeros there.
 */
export function mapSimilarity(a: GridMap, b: GridMap): number | null {
  const grid = commonGrid(a, b);
  if (!grid) return null;
  return cosineSimilarity(resampleMap(a, grid.freqs, grid.times), resampleMap(b, grid.freqs, grid.times));
}
