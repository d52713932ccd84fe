/**
 * Classical (Torgerson) MDS: the stimuli placed in 2D so that their distances approximate an RDM. Double-centred
 * squared distances give a Gram matrix whose top two eigenvectors (power iteration with deflation), scaled by the
 * square roots of their eigenvalues, are the coordinates. Returns n x 2, row-major.
 */
export function classicalMds(square: ArrayLike<number>, n: number): Float64Array {
  const b = new Float64Array(n * n);
  const rowMean = new Float64Array(n);
  let mean = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const d2 = square[i * n + j]! ** 2;
      b[i * n + j] = d2;
      rowMean[i] += d2 / n;
      mean += d2 / (n * n);
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) b[i * n + j] = -0.5 * (b[i * n + j]! - rowMean[i]! - rowMean[j]! + mean);
  const out = new Float64Array(n * 2);
  for (let axis = 0; axis < 2; axis++) {
    // A fixed start keeps the picture the same from one request to the next.
    let v = Float64Array.from({ length: n }, (_, i) => Math.cos(i * (axis + 1) + 1));
    let lambda = 0;
    for (let it = 0; it < 500; it++) {
      const next = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += b[i * n + j]! * v[j]!;
        next[i] = s;
      }
      const norm = Math.hypot(...next);
      if (!(norm > 0)) break;
      lambda = norm;
      v = next.map((x) => x / norm);
    }
    for (let i = 0; i < n; i++) out[i * 2 + axis] = v[i]! * Math.sqrt(Math.max(lambda, 0));
    // Deflate, so the next axis is the second eigenvector.
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) b[i * n + j] -= lambda * v[i]! * v[j]!;
  }
  return out;
}
