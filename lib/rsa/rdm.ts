/**
 * Representational dissimilarity matrices (RDMs) over n stimuli, returned condensed: the upper triangle without
 * the diagonal, row by row — the order of scipy.spatial.distance.pdist, entry (i, j), i < j, at
 * i*n - i*(i+1)/2 + (j - i - 1).
 */

/** Number of condensed entries for n stimuli. */
export function condensedLength(n: number): number {
  return (n * (n - 1)) / 2;
}

/** Number of stimuli behind a condensed RDM of length m; throws when m is not n(n-1)/2. */
export function stimuliFromCondensed(m: number): number {
  const n = Math.round((1 + Math.sqrt(1 + 8 * m)) / 2);
  if (condensedLength(n) !== m || n < 2) throw new RangeError(`condensed RDM length ${m} is not n(n-1)/2, n >= 2`);
  return n;
}

/** Position of pair (i, j), i != j, in the condensed vector. */
export function condensedIndex(i: number, j: number, n: number): number {
  if (i === j) throw new RangeError('condensedIndex: diagonal has no condensed entry');
  const a = i < j ? i : j;
  const b = i < j ? j : i;
  return a * n - (a * (a + 1)) / 2 + (b - a - 1);
}

function checkShape(x: Float32Array, n: number, d: number): void {
  if (!Number.isInteger(n) || !Number.isInteger(d) || n < 2 || d < 1 || x.length !== n * d) {
    throw new RangeError(`activations: expected n*d = ${n}*${d} values (n >= 2, d >= 1), got ${x.length}`);
  }
}

/** Euclidean distances between rows of x (n x d, row-major); accumulates in double as pdist does. */
export function euclideanRdm(x: Float32Array, n: number, d: number): Float64Array {
  checkShape(x, n, d);
  const out = new Float64Array(condensedLength(n));
  let k = 0;
  for (let i = 0; i < n - 1; i++) {
    const oi = i * d;
    for (let j = i + 1; j < n; j++) {
      const oj = j * d;
      let s = 0;
      for (let t = 0; t < d; t++) {
        const diff = x[oi + t] - x[oj + t];
        s += diff * diff;
      }
      out[k++] = Math.sqrt(s);
    }
  }
  return out;
}

/**
 * Correlation distance 1 - Pearson r between rows of x (n x d, row-major), as pdist(metric='correlation').
 * Rows are centred once up front so each pair costs one dot product. A constant row gives NaN (0/0), as in SciPy.
 * Results are clamped to [0, 2] because rounding can push identical rows a hair below 0.
 */
export function correlationRdm(x: Float32Array, n: number, d: number): Float64Array {
  checkShape(x, n, d);
  const c = new Float64Array(n * d);
  const norm = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    let mean = 0;
    for (let t = 0; t < d; t++) mean += x[o + t];
    mean /= d;
    let ss = 0;
    for (let t = 0; t < d; t++) {
      const v = x[o + t] - mean;
      c[o + t] = v;
      ss += v * v;
    }
    norm[i] = Math.sqrt(ss);
  }
  const out = new Float64Array(condensedLength(n));
  let k = 0;
  for (let i = 0; i < n - 1; i++) {
    const oi = i * d;
    for (let j = i + 1; j < n; j++) {
      const oj = j * d;
      let s = 0;
      for (let t = 0; t < d; t++) s += c[oi + t] * c[oj + t];
      const dist = 1 - s / (norm[i] * norm[j]);
      out[k++] = dist < 0 ? 0 : dist > 2 ? 2 : dist;
    }
  }
  return out;
}

/** |x_i - x_j| of scalar responses (one contact's response to each stimulus). */
export function absDiffRdm(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  if (n < 2) throw new RangeError('absDiffRdm: need at least 2 stimuli');
  const out = new Float64Array(condensedLength(n));
  let k = 0;
  for (let i = 0; i < n - 1; i++) {
    const vi = values[i];
    for (let j = i + 1; j < n; j++) out[k++] = Math.abs(vi - values[j]);
  }
  return out;
}

/** Expand a condensed RDM to the full symmetric n x n matrix (row-major) with the given diagonal (default 0). */
export function squareForm(condensed: ArrayLike<number>, diagonal = 0): Float64Array {
  const n = stimuliFromCondensed(condensed.length);
  const out = new Float64Array(n * n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    out[i * n + i] = diagonal;
    for (let j = i + 1; j < n; j++) {
      const v = condensed[k++];
      out[i * n + j] = v;
      out[j * n + i] = v;
    }
  }
  return out;
}

/** Upper triangle without the diagonal of a full n x n matrix (row-major), i.e. the inverse of squareForm. */
export function condense(square: ArrayLike<number>, n: number): Float64Array {
  if (square.length !== n * n) throw new RangeError(`condense: expected ${n * n} values, got ${square.length}`);
  const out = new Float64Array(condensedLength(n));
  let k = 0;
  for (let i = 0; i < n - 1; i++) for (let j = i + 1; j < n; j++) out[k++] = square[i * n + j];
  return out;
}

/**
 * (a - min) / (max - min). A constant input gives NaN throughout, as the formula does: it has no scale, and any
 * correlation with it is undefined anyway. NaN entries propagate (min/max are then NaN).
 */
export function minMaxScale(a: ArrayLike<number>): Float64Array {
  let min = Infinity;
  let max = -Infinity;
  let hasNaN = false;
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (Number.isNaN(v)) hasNaN = true;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const out = new Float64Array(a.length);
  const range = max - min;
  if (hasNaN || !(range > 0)) return out.fill(NaN);
  for (let i = 0; i < a.length; i++) out[i] = (a[i] - min) / range;
  return out;
}
