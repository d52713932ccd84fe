/**
 * Spectrotemporal signatures (METHODS.md "Signature"): hierarchical clustering of the ternary maps of one
 * category's predictive contacts; each cluster's mean map is its prototype.
 */
import { dendrogramLayout, fcluster, linkageOfRows, type DendrogramLink, type LinkageMatrix } from '../ml/cluster/hierarchical';

/** 'ward': Ward on Euclidean distance; 'cosine-complete': complete linkage on cosine distance (both in the paper). */
export type SignatureClusterMethod = 'ward' | 'cosine-complete' | 'cosine-average';

export interface ClusterSignaturesOptions {
  method?: SignatureClusterMethod;
  /** Number of clusters (maxclust cut; the paper uses 5-16). Capped at the number of maps. Default 5. */
  k?: number;
}

export interface SignatureCluster {
  /** 1-based, as fcluster numbers clusters. */
  id: number;
  /** Indices into the input maps. */
  members: number[];
  /** Mean of the members' maps (values in [-1, 1]: the share of members with an increase minus a decrease). */
  prototype: Float32Array;
}

export interface SignatureClustering {
  /** Cluster id of every input map. */
  labels: Int32Array;
  clusters: SignatureCluster[];
  /** SciPy linkage matrix ((n - 1) x 4, row-major); empty for fewer than two maps. */
  linkage: LinkageMatrix;
  /** Inputs in dendrogram order, and the dendrogram's links (SciPy coordinates). */
  leaves: Int32Array;
  links: DendrogramLink[];
}

/**
 * Clusters equally sized maps (e.g. Int8 signatures, nFreqs x nBins each).
 * All-zero maps are allowed: with cosine distance they sit at distance 1 from every other map.
 */
export function clusterSignatures(
  maps: readonly ArrayLike<number>[],
  options: ClusterSignaturesOptions = {},
): SignatureClustering {
  const method = options.method ?? 'ward';
  const k = options.k ?? 5;
  if (!(Number.isInteger(k) && k >= 1)) throw new RangeError('clusterSignatures: k must be an integer >= 1');
  const n = maps.length;
  if (n === 0) return { labels: new Int32Array(0), clusters: [], linkage: new Float64Array(0), leaves: new Int32Array(0), links: [] };
  const d = maps[0].length;
  const X = new Float64Array(n * d);
  maps.forEach((m, i) => {
    if (m.length !== d) throw new RangeError('clusterSignatures: maps differ in size');
    for (let j = 0; j < d; j++) X[i * d + j] = m[j];
  });
  let labels: Int32Array;
  let Z: LinkageMatrix = new Float64Array(0);
  let leaves: Int32Array = new Int32Array(1);
  let links: DendrogramLink[] = [];
  if (n === 1) labels = Int32Array.of(1);
  else {
    Z =
      method === 'ward'
        ? linkageOfRows(X, n, 'ward', 'euclidean')
        : linkageOfRows(X, n, method === 'cosine-complete' ? 'complete' : 'average', 'cosine');
    labels = fcluster(Z, Math.min(k, n), 'maxclust');
    ({ leaves, links } = dendrogramLayout(Z));
  }
  const nClusters = Math.max(...labels);
  const clusters: SignatureCluster[] = [];
  for (let id = 1; id <= nClusters; id++) {
    const members: number[] = [];
    labels.forEach((l, i) => l === id && members.push(i));
    const sum = new Float64Array(d);
    for (const i of members) for (let j = 0; j < d; j++) sum[j] += X[i * d + j];
    clusters.push({ id, members, prototype: Float32Array.from(sum, (v) => v / members.length) });
  }
  return { labels, clusters, linkage: Z, leaves, links };
}
