/**
 * Agglomerative (hierarchical) clustering as scipy.cluster.hierarchy: `pdist`, `linkage`, `fcluster(..., 'maxclust')`
 * and `leaves_list`. The linkage matrix has SciPy's layout, so dendrograms and cuts read the same in both.
 *
 * linkage uses SciPy's nearest-neighbour-chain algorithm (the one `linkage` runs for single, complete, average and
 * ward), with the same tie rules and the same row sort and relabelling, so results agree with SciPy row for row,
 * ties included, up to float rounding.
 */

export type LinkageMethod = 'single' | 'complete' | 'average' | 'ward';
export type DistanceMetric = 'euclidean' | 'cosine';

/**
 * SciPy linkage matrix, row-major (n - 1) x 4: row i merges clusters Z[i, 0] < Z[i, 1] (ids < n are observations,
 * id n + i is the cluster formed at row i) at distance Z[i, 2] into a cluster of Z[i, 3] observations.
 */
export type LinkageMatrix = Float64Array;

/** Number of observations of a linkage matrix (scipy's num_obs_linkage). */
export function numObsLinkage(Z: LinkageMatrix): number {
  if (Z.length % 4 !== 0) throw new RangeError('linkage matrix must have 4 columns');
  return Z.length / 4 + 1;
}

/** Index of pair (i, j), i != j, in a condensed distance vector of n observations (scipy's condensed_index). */
function condensedIndex(n: number, i: number, j: number): number {
  if (i > j) [i, j] = [j, i];
  return n * i - (i * (i + 1)) / 2 + (j - i - 1);
}

/**
 * Condensed pairwise distances of the rows of X (nObs x d, row-major), as scipy.spatial.distance.pdist.
 * Cosine distance is 1 - u.v / (|u| |v|), clipped to [0, 2] like SciPy. SciPy returns NaN when a row is all zeros
 * (a ternary signature can be empty); here such a row is at distance 1 from every non-zero row (orthogonal to all,
 * so it still clusters) and 0 from another zero row.
 */
export function pdist(X: ArrayLike<number>, nObs: number, metric: DistanceMetric = 'euclidean'): Float64Array {
  if (!Number.isInteger(nObs) || nObs < 1 || X.length % nObs !== 0) {
    throw new RangeError(`pdist: ${X.length} values are not ${nObs} rows`);
  }
  const d = X.length / nObs;
  const out = new Float64Array((nObs * (nObs - 1)) / 2);
  const norms = new Float64Array(nObs);
  if (metric === 'cosine') {
    for (let i = 0; i < nObs; i++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += X[i * d + k] * X[i * d + k];
      norms[i] = Math.sqrt(s);
    }
  }
  let p = 0;
  for (let i = 0; i < nObs; i++) {
    for (let j = i + 1; j < nObs; j++, p++) {
      if (metric === 'euclidean') {
        let s = 0;
        for (let k = 0; k < d; k++) {
          const diff = X[i * d + k] - X[j * d + k];
          s += diff * diff;
        }
        out[p] = Math.sqrt(s);
      } else if (metric === 'cosine') {
        if (norms[i] === 0 || norms[j] === 0) {
          out[p] = norms[i] === norms[j] ? 0 : 1;
          continue;
        }
        let dot = 0;
        for (let k = 0; k < d; k++) dot += X[i * d + k] * X[j * d + k];
        out[p] = Math.min(2, Math.max(0, 1 - dot / (norms[i] * norms[j])));
      } else {
        throw new RangeError(`pdist: unknown metric ${String(metric)}`);
      }
    }
  }
  return out;
}

/** Lance-Williams update: distance from cluster i to the union of x and y (SciPy's formulas, same operation order). */
function updateDistance(
  method: LinkageMethod,
  dxi: number,
  dyi: number,
  dxy: number,
  nx: number,
  ny: number,
  ni: number,
): number {
  switch (method) {
    case 'single':
      return Math.min(dxi, dyi);
    case 'complete':
      return Math.max(dxi, dyi);
    case 'average':
      return (nx * dxi + ny * dyi) / (nx + ny);
    case 'ward': {
      const t = 1.0 / (nx + ny + ni);
      return Math.sqrt((ni + nx) * t * dxi * dxi + (ni + ny) * t * dyi * dyi - ni * t * dxy * dxy);
    }
    default:
      throw new RangeError(`linkage: unknown method ${String(method)}`);
  }
}

/**
 * Hierarchical clustering of a condensed distance vector (scipy.cluster.hierarchy.linkage(y, method)).
 * Ward is only meaningful on Euclidean distances (as in SciPy, it is not checked).
 */
export function linkage(y: ArrayLike<number>, method: LinkageMethod = 'single'): LinkageMatrix {
  const m = y.length;
  const n = Math.round((1 + Math.sqrt(1 + 8 * m)) / 2);
  if ((n * (n - 1)) / 2 !== m || n < 2) throw new RangeError(`linkage: ${m} is not a condensed distance length for n >= 2`);
  for (let i = 0; i < m; i++) {
    if (!Number.isFinite(y[i])) throw new RangeError('linkage: distances must be finite');
  }
  const D = Float64Array.from(y);
  const size = new Int32Array(n).fill(1);
  const chain = new Int32Array(n);
  let chainLength = 0;
  const raw = new Float64Array((n - 1) * 4);

  for (let k = 0; k < n - 1; k++) {
    if (chainLength === 0) {
      chainLength = 1;
      for (let i = 0; i < n; i++) {
        if (size[i] > 0) {
          chain[0] = i;
          break;
        }
      }
    }
    // Follow nearest neighbours until two clusters are each other's nearest (reducible methods only).
    let x = 0;
    let yy = 0;
    let currentMin = Infinity;
    for (;;) {
      x = chain[chainLength - 1];
      // Prefer the previous chain element on ties, so the chain cannot cycle.
      if (chainLength > 1) {
        yy = chain[chainLength - 2];
        currentMin = D[condensedIndex(n, x, yy)];
      } else currentMin = Infinity;
      for (let i = 0; i < n; i++) {
        if (size[i] === 0 || i === x) continue;
        const dist = D[condensedIndex(n, x, i)];
        if (dist < currentMin) {
          currentMin = dist;
          yy = i;
        }
      }
      if (chainLength > 1 && yy === chain[chainLength - 2]) break;
      chain[chainLength++] = yy;
    }
    chainLength -= 2;
    if (x > yy) [x, yy] = [yy, x];
    const nx = size[x];
    const ny = size[yy];
    raw[4 * k] = x;
    raw[4 * k + 1] = yy;
    raw[4 * k + 2] = currentMin;
    raw[4 * k + 3] = nx + ny;
    size[x] = 0;
    size[yy] = nx + ny;
    for (let i = 0; i < n; i++) {
      const ni = size[i];
      if (ni === 0 || i === yy) continue;
      const iy = condensedIndex(n, i, yy);
      D[iy] = updateDistance(method, D[condensedIndex(n, i, x)], D[iy], currentMin, nx, ny, ni);
    }
  }

  // Stable sort by distance (numpy mergesort), then relabel merges with union-find as SciPy's `label`.
  const order = Array.from({ length: n - 1 }, (_, i) => i).sort((a, b) => raw[4 * a + 2] - raw[4 * b + 2] || a - b);
  const Z = new Float64Array((n - 1) * 4);
  const parent = new Int32Array(2 * n - 1).fill(-1);
  const clusterSize = new Int32Array(2 * n - 1).fill(1);
  const find = (a: number): number => {
    let r = a;
    while (parent[r] !== -1) r = parent[r];
    while (parent[a] !== -1 && parent[a] !== r) {
      const next = parent[a];
      parent[a] = r;
      a = next;
    }
    return r;
  };
  order.forEach((src, i) => {
    const rx = find(raw[4 * src]);
    const ry = find(raw[4 * src + 1]);
    const label = n + i;
    Z[4 * i] = Math.min(rx, ry);
    Z[4 * i + 1] = Math.max(rx, ry);
    Z[4 * i + 2] = raw[4 * src + 2];
    clusterSize[label] = clusterSize[rx] + clusterSize[ry];
    Z[4 * i + 3] = clusterSize[label];
    parent[rx] = label;
    parent[ry] = label;
  });
  return Z;
}

/** linkage(pdist(X, metric), method) for the rows of X (nObs x d, row-major). */
export function linkageOfRows(
  X: ArrayLike<number>,
  nObs: number,
  method: LinkageMethod,
  metric: DistanceMetric = 'euclidean',
): LinkageMatrix {
  return linkage(pdist(X, nObs, metric), method);
}

/** Largest merge distance inside each cluster of Z (scipy's maxdists); for monotone linkages it equals Z[:, 2]. */
export function maxDists(Z: LinkageMatrix): Float64Array {
  const n = numObsLinkage(Z);
  const md = new Float64Array(n - 1);
  for (let i = 0; i < n - 1; i++) {
    let m = Z[4 * i + 2];
    for (const c of [Z[4 * i], Z[4 * i + 1]]) if (c >= n) m = Math.max(m, md[c - n]);
    md[i] = m;
  }
  return md;
}

/** Flat cluster labels (1-based) of the cut that joins every cluster whose max distance is <= cutoff. */
function clusterMonocrit(Z: LinkageMatrix, mc: Float64Array, cutoff: number, n: number): Int32Array {
  const T = new Int32Array(n);
  const visited = new Uint8Array(2 * n - 1);
  const stack = new Int32Array(n);
  let k = 0;
  stack[0] = 2 * n - 2;
  let nCluster = 0;
  let leader = -1;
  // SciPy's traversal order (internal children left then right, leaves when both are done) fixes the label numbers.
  while (k >= 0) {
    const root = stack[k] - n;
    const lc = Z[4 * root];
    const rc = Z[4 * root + 1];
    if (leader === -1 && mc[root] <= cutoff) {
      leader = root;
      nCluster++;
    }
    if (lc >= n && !visited[lc]) {
      visited[lc] = 1;
      stack[++k] = lc;
      continue;
    }
    if (rc >= n && !visited[rc]) {
      visited[rc] = 1;
      stack[++k] = rc;
      continue;
    }
    if (lc < n) {
      if (leader === -1) nCluster++;
      T[lc] = nCluster;
    }
    if (rc < n) {
      if (leader === -1) nCluster++;
      T[rc] = nCluster;
    }
    if (leader === root) leader = -1;
    k--;
  }
  return T;
}

export type FclusterCriterion = 'maxclust' | 'distance';

/**
 * Flat clusters from a linkage, labels 1..k per observation, numbered as SciPy numbers them.
 * - 'maxclust': at most t clusters, cutting at the lowest merge height that leaves no more than t.
 *   Differs from SciPy only for t >= n - 1: SciPy's search never tries the lowest merge and returns n - 2 clusters;
 *   here t = n - 1 gives n - 1 clusters and t >= n gives singletons.
 * - 'distance': clusters whose largest merge distance is <= t (cophenetic cut).
 */
export function fcluster(Z: LinkageMatrix, t: number, criterion: FclusterCriterion = 'maxclust'): Int32Array {
  const n = numObsLinkage(Z);
  const mc = maxDists(Z);
  if (criterion === 'distance') return clusterMonocrit(Z, mc, t, n);
  if (criterion !== 'maxclust') throw new RangeError(`fcluster: unknown criterion ${String(criterion)}`);
  if (!(Number.isInteger(t) && t >= 1)) throw new RangeError('fcluster: maxclust needs an integer t >= 1');
  if (t >= n) return clusterMonocrit(Z, mc, -Infinity, n);
  // Number of clusters after joining all nodes with mc <= thr, for each candidate threshold (sorted ascending).
  const sorted = Float64Array.from(mc).sort();
  const countAt = (thr: number): number => {
    let joined = 0;
    for (let i = 0; i < mc.length; i++) if (mc[i] <= thr) joined++;
    return n - joined;
  };
  // Smallest candidate threshold leaving <= t clusters; the largest always leaves one.
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (countAt(sorted[mid]) <= t) hi = mid;
    else lo = mid + 1;
  }
  return clusterMonocrit(Z, mc, sorted[lo], n);
}

/** Observations in dendrogram order, left to right (scipy's leaves_list: pre-order, left child first). */
export function leavesList(Z: LinkageMatrix): Int32Array {
  const n = numObsLinkage(Z);
  const out = new Int32Array(n);
  if (n === 1) return out;
  let p = 0;
  const stack = [2 * n - 2];
  while (stack.length > 0) {
    const node = stack.pop() as number;
    if (node < n) {
      out[p++] = node;
      continue;
    }
    const row = node - n;
    stack.push(Z[4 * row + 1], Z[4 * row]);
  }
  return out;
}

/** One U-shaped link of a dendrogram drawing, in SciPy's coordinates (leaves at x = 5, 15, 25, ...). */
export interface DendrogramLink {
  /** Row of Z this link draws. */
  row: number;
  /** x of left leg bottom, left leg top, right leg top, right leg bottom (scipy's icoord). */
  x: [number, number, number, number];
  /** Heights, same order (scipy's dcoord): child heights at the bottoms, the merge distance at the top. */
  y: [number, number, number, number];
}

/**
 * Layout of a dendrogram: leaf order and one link per merge, in the coordinates scipy.cluster.hierarchy.dendrogram
 * returns (a child cluster's x is the midpoint of its own link's legs).
 */
export function dendrogramLayout(Z: LinkageMatrix): { leaves: Int32Array; links: DendrogramLink[] } {
  const n = numObsLinkage(Z);
  const leaves = leavesList(Z);
  const x = new Float64Array(2 * n - 1);
  const h = new Float64Array(2 * n - 1);
  leaves.forEach((leaf, i) => (x[leaf] = 5 + 10 * i));
  const links: DendrogramLink[] = [];
  // Rows only refer to earlier rows, so one forward pass places every child before its parent.
  for (let i = 0; i < n - 1; i++) {
    const a = Z[4 * i];
    const b = Z[4 * i + 1];
    // The left leg is the child that comes first in leaf order (scipy draws Z[i, 0] on the left).
    const d = Z[4 * i + 2];
    links.push({ row: i, x: [x[a], x[a], x[b], x[b]], y: [h[a], d, d, h[b]] });
    x[n + i] = (x[a] + x[b]) / 2;
    h[n + i] = d;
  }
  return { leaves, links };
}
