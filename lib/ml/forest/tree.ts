/**
 * CART classification tree in the manner of scikit-learn's DecisionTreeClassifier (BestSplitter + Gini +
 * DepthFirstTreeBuilder): at each node a random subset of `maxFeatures` features is searched, every threshold
 * between two sorted distinct values is tried, and the split with the largest Gini decrease wins.
 *
 * Trees live in flat typed arrays (sklearn's `tree_` layout) so they can be transferred between worker threads,
 * serialised, and exported to ONNX TreeEnsembleClassifier.
 */
import { Rng } from './rng';

/** `left`/`right` of a leaf (sklearn's TREE_LEAF). */
export const TREE_LEAF = -1;
/** `feature` of a leaf (sklearn's TREE_UNDEFINED). */
export const TREE_UNDEFINED = -2;

/** Values closer than this count as equal, as in sklearn (so float noise never creates a split). */
const FEATURE_THRESHOLD = 1e-7;
/** A node whose impurity is below this is pure (sklearn uses DBL_EPSILON). */
const EPSILON = 2.220446049250313e-16;

/** One fitted tree, node-indexed arrays; node 0 is the root. */
export interface TreeArrays {
  nNodes: number;
  nFeatures: number;
  nClasses: number;
  /** Feature index tested at the node, TREE_UNDEFINED at leaves. */
  feature: Int32Array;
  /**
   * Go left when x[feature] <= threshold. Float32 (the dtype of X and of ONNX `nodes_values`) and chosen so that
   * a <= threshold < b for the two training values a < b it separates: a float32 comparison never flips a sample.
   */
  threshold: Float32Array;
  /** Child node ids, TREE_LEAF at leaves. */
  left: Int32Array;
  right: Int32Array;
  /** nNodes x nClasses weighted class counts of the (bootstrap) training samples reaching the node. */
  value: Float64Array;
  /** Gini impurity of the node. */
  impurity: Float64Array;
  /** Distinct training samples reaching the node. */
  nNodeSamples: Int32Array;
  /** Sum of sample weights (bootstrap counts) reaching the node. */
  weightedNNodeSamples: Float64Array;
}

export interface TreeParams {
  /** Features searched per node, already resolved to a count in [1, nFeatures]. */
  maxFeatures: number;
  /** Maximum depth (root has depth 0); Infinity for unlimited. */
  maxDepth: number;
  minSamplesSplit: number;
  minSamplesLeaf: number;
}

/** Row-major nSamples x nFeatures -> column-major, so a feature's values for a node are read contiguously. */
export function toColumns(X: Float32Array, nSamples: number, nFeatures: number): Float32Array {
  const cols = new Float32Array(nSamples * nFeatures);
  for (let i = 0; i < nSamples; i++) {
    const row = i * nFeatures;
    for (let j = 0; j < nFeatures; j++) cols[j * nSamples + i] = X[row + j];
  }
  return cols;
}

/**
 * Grows trees on one data set. Each feature is first replaced by the dense rank ("code") of its values, so a node
 * sorts small integer keys (code, sample) with the engine's native typed-array sort and reads 2-byte codes instead
 * of 4-byte floats (memory traffic, not arithmetic, bounds this on wide data). Splits, thresholds and tie rules
 * are the same as on the float values. Work buffers are allocated once and reused for every node and every tree,
 * so a forest's fit allocates only the output arrays.
 */
export class TreeBuilder {
  private readonly nSamples: number;
  private readonly nFeatures: number;
  private readonly nClasses: number;
  private readonly y: Int32Array;
  /** Up to 65536 samples: codes fit 16 bits and (code, sample) keys 32 bits; beyond, Int32 codes, Float64 keys. */
  private readonly wide: boolean;
  private readonly codes16: Uint16Array;
  private readonly codes32: Int32Array;
  /** values[f * nSamples + code]: the code-th smallest distinct value of feature f. */
  private readonly values: Float32Array;
  /** 1 when some distinct values of the feature lie within FEATURE_THRESHOLD (then ties need the values). */
  private readonly tinyGaps: Uint8Array;
  private readonly keys32: Uint32Array;
  private readonly keys64: Float64Array;
  /** Codes of the node's samples in sorted order, for the feature being scanned. */
  private readonly nodeCodes: Int32Array;
  private readonly samples: Int32Array;
  private readonly features: Int32Array;
  private readonly constantFeatures: Int32Array;
  private readonly nodeSum: Float64Array;
  private readonly sumLeft: Float64Array;
  // Depth-first stack: at most one pending sibling per level plus the two children just pushed.
  private readonly stackStart: Int32Array;
  private readonly stackEnd: Int32Array;
  private readonly stackDepth: Int32Array;
  private readonly stackParent: Int32Array;
  private readonly stackIsLeft: Uint8Array;
  private readonly stackConstants: Int32Array;
  // Result of the last findSplit: samples [start, splitPos) go left; their codes are <= splitLeftCode.
  private splitPos = 0;
  private splitFeature = 0;
  private splitLeftCode = 0;
  private splitThreshold = 0;
  private splitConstants = 0;

  /**
   * @param cols column-major features (see toColumns), nFeatures x nSamples; not kept
   * @param y class of each sample, 0 <= y < nClasses
   */
  constructor(cols: Float32Array, nSamples: number, nFeatures: number, y: Int32Array, nClasses: number) {
    if (cols.length !== nSamples * nFeatures) throw new Error('TreeBuilder: cols must hold nSamples x nFeatures');
    if (y.length !== nSamples) throw new Error('TreeBuilder: y must hold nSamples labels');
    this.nSamples = nSamples;
    this.nFeatures = nFeatures;
    this.nClasses = nClasses;
    this.y = y;
    this.wide = nSamples > 0x10000;
    this.codes16 = new Uint16Array(this.wide ? 0 : nSamples * nFeatures);
    this.codes32 = new Int32Array(this.wide ? nSamples * nFeatures : 0);
    this.values = new Float32Array(nSamples * nFeatures);
    this.tinyGaps = new Uint8Array(nFeatures);
    this.keys32 = new Uint32Array(this.wide ? 0 : nSamples);
    this.keys64 = new Float64Array(this.wide ? nSamples : 0);
    this.nodeCodes = new Int32Array(nSamples);
    this.samples = new Int32Array(nSamples);
    this.features = new Int32Array(nFeatures);
    this.constantFeatures = new Int32Array(nFeatures);
    this.nodeSum = new Float64Array(nClasses);
    this.sumLeft = new Float64Array(nClasses);
    const stack = nSamples + 2;
    this.stackStart = new Int32Array(stack);
    this.stackEnd = new Int32Array(stack);
    this.stackDepth = new Int32Array(stack);
    this.stackParent = new Int32Array(stack);
    this.stackIsLeft = new Uint8Array(stack);
    this.stackConstants = new Int32Array(stack);
    this.encode(cols);
  }

  /** Dense ranks of every feature (equal floats share a code). */
  private encode(cols: Float32Array): void {
    const nS = this.nSamples;
    const xf = new Float32Array(nS);
    const idx = new Int32Array(nS);
    for (let f = 0; f < this.nFeatures; f++) {
      const base = f * nS;
      for (let i = 0; i < nS; i++) {
        xf[i] = cols[base + i];
        idx[i] = i;
      }
      sortPairs(xf, idx, 0, nS);
      let code = 0;
      let tiny = 0;
      this.values[base] = xf[0];
      for (let i = 0; i < nS; i++) {
        if (i > 0 && xf[i] !== xf[i - 1]) {
          code++;
          this.values[base + code] = xf[i];
          if (xf[i] <= xf[i - 1] + FEATURE_THRESHOLD) tiny = 1;
        }
        if (this.wide) this.codes32[base + idx[i]] = code;
        else this.codes16[base + idx[i]] = code;
      }
      this.tinyGaps[f] = tiny;
    }
  }

  /**
   * Grows one tree. Samples with weight 0 are left out (as sklearn does with bootstrap counts of 0).
   * @param sampleWeight per-sample weight, e.g. bootstrap counts
   */
  build(sampleWeight: Float64Array, params: TreeParams, rng: Rng): TreeArrays {
    const { nFeatures, nClasses, samples, nodeSum, y } = this;
    if (sampleWeight.length !== this.nSamples) throw new Error('TreeBuilder: one weight per sample');
    if (!(params.maxFeatures >= 1 && params.maxFeatures <= nFeatures)) {
      throw new Error(`TreeBuilder: maxFeatures must be in [1, ${nFeatures}]`);
    }
    let n = 0;
    for (let i = 0; i < this.nSamples; i++) if (sampleWeight[i] > 0) samples[n++] = i;
    if (n === 0) throw new Error('TreeBuilder: no sample has a positive weight');
    for (let f = 0; f < nFeatures; f++) this.features[f] = f;

    // Each split adds two non-empty children, so a tree on n samples has at most 2n - 1 nodes.
    const cap = 2 * n - 1;
    const feature = new Int32Array(cap);
    const threshold = new Float32Array(cap);
    const left = new Int32Array(cap);
    const right = new Int32Array(cap);
    const value = new Float64Array(cap * nClasses);
    const impurity = new Float64Array(cap);
    const nNodeSamples = new Int32Array(cap);
    const weighted = new Float64Array(cap);
    const minSplit = Math.max(2, params.minSamplesSplit, 2 * params.minSamplesLeaf);

    let nNodes = 0;
    let top = 0;
    this.push(top++, 0, n, 0, -1, false, 0);
    while (top > 0) {
      top--;
      const start = this.stackStart[top];
      const end = this.stackEnd[top];
      const depth = this.stackDepth[top];
      const parent = this.stackParent[top];
      const isLeft = this.stackIsLeft[top] === 1;
      const nConstants = this.stackConstants[top];

      nodeSum.fill(0);
      let w = 0;
      for (let p = start; p < end; p++) {
        const s = samples[p];
        const sw = sampleWeight[s];
        nodeSum[y[s]] += sw;
        w += sw;
      }
      let sq = 0;
      for (let k = 0; k < nClasses; k++) sq += nodeSum[k] * nodeSum[k];
      const imp = 1 - sq / (w * w);

      const node = nNodes++;
      if (parent >= 0) {
        if (isLeft) left[parent] = node;
        else right[parent] = node;
      }
      impurity[node] = imp;
      nNodeSamples[node] = end - start;
      weighted[node] = w;
      value.set(nodeSum, node * nClasses);

      let isLeaf = depth >= params.maxDepth || end - start < minSplit || imp <= EPSILON;
      if (!isLeaf) {
        this.findSplit(start, end, nConstants, sampleWeight, w, sq, params, rng);
        isLeaf = this.splitPos >= end;
      }
      if (isLeaf) {
        feature[node] = TREE_UNDEFINED;
        threshold[node] = TREE_UNDEFINED;
        left[node] = TREE_LEAF;
        right[node] = TREE_LEAF;
        continue;
      }
      feature[node] = this.splitFeature;
      threshold[node] = this.splitThreshold;
      const pos = this.partition(start, end, this.splitFeature, this.splitLeftCode);
      // Right pushed first so the left child is grown first and gets id node + 1, as in sklearn.
      this.push(top++, pos, end, depth + 1, node, false, this.splitConstants);
      this.push(top++, start, pos, depth + 1, node, true, this.splitConstants);
    }

    return {
      nNodes,
      nFeatures,
      nClasses,
      feature: feature.slice(0, nNodes),
      threshold: threshold.slice(0, nNodes),
      left: left.slice(0, nNodes),
      right: right.slice(0, nNodes),
      value: value.slice(0, nNodes * nClasses),
      impurity: impurity.slice(0, nNodes),
      nNodeSamples: nNodeSamples.slice(0, nNodes),
      weightedNNodeSamples: weighted.slice(0, nNodes),
    };
  }

  private push(
    i: number,
    start: number,
    end: number,
    depth: number,
    parent: number,
    isLeft: boolean,
    nConstants: number,
  ): void {
    this.stackStart[i] = start;
    this.stackEnd[i] = end;
    this.stackDepth[i] = depth;
    this.stackParent[i] = parent;
    this.stackIsLeft[i] = isLeft ? 1 : 0;
    this.stackConstants[i] = nConstants;
  }

  /**
   * sklearn's BestSplitter.node_split. Features are drawn without replacement until maxFeatures have been
   * visited and at least one of them is non-constant; features known to be constant in an ancestor are kept at
   * the front of `features` and skipped without being read (they still count as visited, as in sklearn).
   */
  private findSplit(
    start: number,
    end: number,
    nKnownConstants: number,
    sampleWeight: Float64Array,
    wNode: number,
    sqNode: number,
    params: TreeParams,
    rng: Rng,
  ): void {
    const { features, constantFeatures, samples, nodeCodes, values, y, nodeSum, sumLeft } = this;
    const nS = this.nSamples;
    const minLeaf = params.minSamplesLeaf;
    let fI = this.nFeatures;
    let nDrawnConstants = 0;
    let nFoundConstants = 0;
    let nTotalConstants = nKnownConstants;
    let nVisited = 0;
    // Best proxy so far as bestNum / bestDen; -1 / 1 loses to any real split (num >= 0, den > 0).
    let bestNum = -1;
    let bestDen = 1;
    let bestPos = end;
    let bestFeature = -1;
    let bestLeftCode = 0;
    let bestRightCode = 0;

    while (
      fI > nTotalConstants &&
      (nVisited < params.maxFeatures || nVisited <= nFoundConstants + nDrawnConstants)
    ) {
      nVisited++;
      let fJ = nDrawnConstants + rng.nextInt(fI - nFoundConstants - nDrawnConstants);
      if (fJ < nKnownConstants) {
        const t = features[nDrawnConstants];
        features[nDrawnConstants] = features[fJ];
        features[fJ] = t;
        nDrawnConstants++;
        continue;
      }
      fJ += nFoundConstants;
      const f = features[fJ];
      const base = f * nS;
      const tiny = this.tinyGaps[f] === 1;

      if (this.wide) this.sortWide(start, end, base);
      else this.sortNarrow(start, end, base);
      const lo = nodeCodes[start];
      const hi = nodeCodes[end - 1];
      if (hi === lo || (tiny && values[base + hi] <= values[base + lo] + FEATURE_THRESHOLD)) {
        features[fJ] = features[nTotalConstants];
        features[nTotalConstants] = f;
        nFoundConstants++;
        nTotalConstants++;
        continue;
      }
      fI--;
      features[fJ] = features[fI];
      features[fI] = f;

      // Scan thresholds left to right, moving one sample at a time from the right child to the left one.
      // Maximising sqL/wL + sqR/wR is maximising the weighted Gini decrease (sklearn's proxy improvement). With
      // integer weights the running sums are exact, so ties break as in sklearn: the first best split wins.
      // Proxies are compared as fractions (num / den) to keep divisions out of the loop.
      sumLeft.fill(0);
      let wL = 0;
      let wR = wNode;
      let sqL = 0;
      let sqR = sqNode;
      const last = end - minLeaf;
      for (let p = start; p < end - 1; p++) {
        const s = samples[p];
        const sw = sampleWeight[s];
        const k = y[s];
        const l = sumLeft[k];
        sqL += sw * (2 * l + sw);
        sqR += sw * (sw - 2 * (nodeSum[k] - l));
        sumLeft[k] = l + sw;
        wL += sw;
        wR -= sw;
        const c = nodeCodes[p];
        const cNext = nodeCodes[p + 1];
        // Equal values never split; nor, as in sklearn, do values closer than FEATURE_THRESHOLD.
        if (cNext === c) continue;
        if (tiny && values[base + cNext] <= values[base + c] + FEATURE_THRESHOLD) continue;
        const pos = p + 1;
        if (pos - start < minLeaf || pos > last) continue;
        const num = sqL * wR + sqR * wL;
        const den = wL * wR;
        if (num * bestDen > bestNum * den) {
          bestNum = num;
          bestDen = den;
          bestPos = pos;
          bestFeature = f;
          bestLeftCode = c;
          bestRightCode = cNext;
        }
      }
    }

    // Restore the ancestors' constants at the front (their order matters to siblings), then record the new ones.
    for (let i = 0; i < nKnownConstants; i++) features[i] = constantFeatures[i];
    for (let i = nKnownConstants; i < nKnownConstants + nFoundConstants; i++) constantFeatures[i] = features[i];

    this.splitPos = bestPos;
    this.splitFeature = bestFeature;
    this.splitLeftCode = bestLeftCode;
    if (bestFeature >= 0) {
      const base = bestFeature * nS;
      this.splitThreshold = midpoint(values[base + bestLeftCode], values[base + bestRightCode]);
    }
    this.splitConstants = nTotalConstants;
  }

  /** Orders samples[start, end) by code of the feature at `base`, codes into nodeCodes; keys code << 16 | sample. */
  private sortNarrow(start: number, end: number, base: number): void {
    const { samples, keys32, codes16, nodeCodes } = this;
    for (let p = start; p < end; p++) {
      const s = samples[p];
      keys32[p] = ((codes16[base + s] << 16) | s) >>> 0;
    }
    // The native sort of a typed array is far faster than a JS sort, but has a fixed cost per call.
    if (end - start <= INSERTION_MAX) insertionSort32(keys32, start, end);
    else keys32.subarray(start, end).sort();
    for (let p = start; p < end; p++) {
      const k = keys32[p];
      samples[p] = k & 0xffff;
      nodeCodes[p] = k >>> 16;
    }
  }

  /** sortNarrow for more than 65536 samples: keys code * nSamples + sample, exact in a double below 2^53. */
  private sortWide(start: number, end: number, base: number): void {
    const { samples, keys64, codes32, nodeCodes } = this;
    const nS = this.nSamples;
    for (let p = start; p < end; p++) {
      const s = samples[p];
      keys64[p] = codes32[base + s] * nS + s;
    }
    keys64.subarray(start, end).sort();
    for (let p = start; p < end; p++) {
      const k = keys64[p];
      const s = k % nS;
      samples[p] = s;
      nodeCodes[p] = (k - s) / nS;
    }
  }

  /** Moves samples whose code is <= leftCode (value <= threshold) to the front; returns the first right index. */
  private partition(start: number, end: number, f: number, leftCode: number): number {
    const { samples } = this;
    const base = f * this.nSamples;
    let p = start;
    let q = end;
    while (p < q) {
      const s = samples[p];
      const c = this.wide ? this.codes32[base + s] : this.codes16[base + s];
      if (c <= leftCode) p++;
      else {
        q--;
        samples[p] = samples[q];
        samples[q] = s;
      }
    }
    return p;
  }
}

const INSERTION_MAX = 16;

function insertionSort32(a: Uint32Array, lo: number, hi: number): void {
  for (let i = lo + 1; i < hi; i++) {
    const x = a[i];
    let j = i - 1;
    while (j >= lo && a[j] > x) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = x;
  }
}

/**
 * Midpoint of two float32 values a < b, rounded to float32 but kept in [a, b) so that a float32 comparison with it
 * separates a from b exactly (sklearn falls back to a the same way when the midpoint rounds to b).
 */
function midpoint(a: number, b: number): number {
  const t = Math.fround(a / 2 + b / 2);
  return t >= b || !Number.isFinite(t) ? a : t;
}

/** Sorts xf[start:end) ascending, permuting idx alongside (introsort with 3-way partition, as sklearn). */
export function sortPairs(xf: Float32Array, idx: Int32Array, start: number, end: number): void {
  const n = end - start;
  if (n < 2) return;
  introsort(xf, idx, start, n, 2 * Math.floor(Math.log2(n)));
}

function introsort(v: Float32Array, s: Int32Array, lo: number, n: number, maxDepth: number): void {
  while (n > 1) {
    if (n <= 16) {
      insertionSort(v, s, lo, lo + n);
      return;
    }
    if (maxDepth <= 0) {
      heapSort(v, s, lo, n);
      return;
    }
    maxDepth--;
    const pivot = median3(v[lo], v[lo + (n >> 1)], v[lo + n - 1]);
    // Dutch-flag partition: [lo, l) < pivot, [l, r) == pivot, [r, lo + n) > pivot; ties are common in real data.
    let i = lo;
    let l = lo;
    let r = lo + n;
    while (i < r) {
      const x = v[i];
      if (x < pivot) {
        swap(v, s, i, l);
        i++;
        l++;
      } else if (x > pivot) {
        r--;
        swap(v, s, i, r);
      } else i++;
    }
    const end = lo + n;
    introsort(v, s, lo, l - lo, maxDepth);
    lo = r;
    n = end - r;
  }
}

function median3(a: number, b: number, c: number): number {
  if (a < b) {
    if (b < c) return b;
    return a < c ? c : a;
  }
  if (b < c) return a < c ? a : c;
  return b;
}

function swap(v: Float32Array, s: Int32Array, i: number, j: number): void {
  const tv = v[i];
  v[i] = v[j];
  v[j] = tv;
  const ts = s[i];
  s[i] = s[j];
  s[j] = ts;
}

function insertionSort(v: Float32Array, s: Int32Array, lo: number, hi: number): void {
  for (let i = lo + 1; i < hi; i++) {
    const x = v[i];
    const xs = s[i];
    let j = i - 1;
    while (j >= lo && v[j] > x) {
      v[j + 1] = v[j];
      s[j + 1] = s[j];
      j--;
    }
    v[j + 1] = x;
    s[j + 1] = xs;
  }
}

function heapSort(v: Float32Array, s: Int32Array, lo: number, n: number): void {
  for (let start = (n - 2) >> 1; start >= 0; start--) siftDown(v, s, lo, start, n);
  for (let end = n - 1; end > 0; end--) {
    swap(v, s, lo, lo + end);
    siftDown(v, s, lo, 0, end);
  }
}

function siftDown(v: Float32Array, s: Int32Array, lo: number, root: number, n: number): void {
  for (;;) {
    let child = 2 * root + 1;
    if (child >= n) return;
    if (child + 1 < n && v[lo + child] < v[lo + child + 1]) child++;
    if (v[lo + root] >= v[lo + child]) return;
    swap(v, s, lo + root, lo + child);
    root = child;
  }
}

/** Leaf index reached by each row of X (row-major nSamples x nFeatures), like sklearn's `apply`. */
export function applyTree(tree: TreeArrays, X: Float32Array, nSamples: number): Int32Array {
  const out = new Int32Array(nSamples);
  const { feature, threshold, left, right, nFeatures } = tree;
  for (let i = 0; i < nSamples; i++) {
    const row = i * nFeatures;
    let node = 0;
    while (left[node] !== TREE_LEAF) {
      node = X[row + feature[node]] <= threshold[node] ? left[node] : right[node];
    }
    out[i] = node;
  }
  return out;
}

/**
 * Adds the tree's class probabilities for each row (its leaf's class fractions) into out (nSamples x nClasses).
 * Kept additive so a forest averages without temporary arrays.
 */
export function accumulateProba(tree: TreeArrays, X: Float32Array, nSamples: number, out: Float64Array): void {
  const { feature, threshold, left, right, value, weightedNNodeSamples, nFeatures, nClasses } = tree;
  for (let i = 0; i < nSamples; i++) {
    const row = i * nFeatures;
    let node = 0;
    while (left[node] !== TREE_LEAF) {
      node = X[row + feature[node]] <= threshold[node] ? left[node] : right[node];
    }
    const inv = 1 / weightedNNodeSamples[node];
    const o = i * nClasses;
    const v = node * nClasses;
    for (let k = 0; k < nClasses; k++) out[o + k] += value[v + k] * inv;
  }
}

/** Depth of the deepest leaf (root alone: 0). */
export function treeDepth(tree: TreeArrays): number {
  const depth = new Int32Array(tree.nNodes);
  let max = 0;
  // Children always get larger ids than their parent, so one forward pass suffices.
  for (let i = 0; i < tree.nNodes; i++) {
    if (tree.left[i] === TREE_LEAF) {
      if (depth[i] > max) max = depth[i];
      continue;
    }
    depth[tree.left[i]] = depth[i] + 1;
    depth[tree.right[i]] = depth[i] + 1;
  }
  return max;
}

export interface DecisionTreeOptions {
  /** 'all' (sklearn's default None for a single tree), 'sqrt', 'log2', a count >= 1, or a fraction in (0, 1). */
  maxFeatures?: MaxFeatures;
  maxDepth?: number | null;
  minSamplesSplit?: number;
  minSamplesLeaf?: number;
  seed?: number;
}

export type MaxFeatures = 'sqrt' | 'log2' | 'all' | number;

/** sklearn's max_features rule: sqrt and log2 floor, at least 1; non-integers below 1 are fractions. */
export function resolveMaxFeatures(maxFeatures: MaxFeatures, nFeatures: number): number {
  let m: number;
  if (maxFeatures === 'sqrt') m = Math.floor(Math.sqrt(nFeatures));
  else if (maxFeatures === 'log2') m = Math.floor(Math.log2(nFeatures));
  else if (maxFeatures === 'all') m = nFeatures;
  else if (maxFeatures > 0 && maxFeatures < 1) m = Math.floor(maxFeatures * nFeatures);
  else if (Number.isInteger(maxFeatures) && maxFeatures >= 1) m = maxFeatures;
  else throw new Error(`maxFeatures must be 'sqrt', 'log2', 'all', a count >= 1 or a fraction in (0, 1)`);
  return Math.min(nFeatures, Math.max(1, m));
}

/** Checks shapes and labels shared by tree and forest fitting; returns nSamples and nFeatures. */
export function checkXy(X: Float32Array, y: Int32Array, nClasses: number): { nSamples: number; nFeatures: number } {
  const nSamples = y.length;
  if (nSamples === 0) throw new Error('fit: no samples');
  if (!Number.isInteger(nClasses) || nClasses < 1) throw new Error('fit: nClasses must be a positive integer');
  if (X.length % nSamples !== 0) throw new Error('fit: X.length must be a multiple of y.length');
  const nFeatures = X.length / nSamples;
  if (nFeatures === 0) throw new Error('fit: no features');
  for (let i = 0; i < nSamples; i++) {
    if (!(y[i] >= 0 && y[i] < nClasses)) throw new Error(`fit: label ${y[i]} outside [0, ${nClasses})`);
  }
  for (let i = 0; i < X.length; i++) {
    // Missing values are not supported (sklearn < 1.4 behaviour); NaN would silently break sorting.
    if (!Number.isFinite(X[i])) throw new Error(`fit: X holds a non-finite value at ${i}`);
  }
  return { nSamples, nFeatures };
}

/** A single tree on all samples with unit weights, like sklearn's DecisionTreeClassifier. */
export class DecisionTreeClassifier {
  readonly options: Required<Omit<DecisionTreeOptions, 'maxDepth'>> & { maxDepth: number | null };
  tree: TreeArrays | null = null;

  constructor(options: DecisionTreeOptions = {}) {
    this.options = {
      maxFeatures: options.maxFeatures ?? 'all',
      maxDepth: options.maxDepth ?? null,
      minSamplesSplit: options.minSamplesSplit ?? 2,
      minSamplesLeaf: options.minSamplesLeaf ?? 1,
      seed: options.seed ?? 0,
    };
  }

  fit(X: Float32Array, y: Int32Array, nClasses: number, sampleWeight?: Float64Array): this {
    const { nSamples, nFeatures } = checkXy(X, y, nClasses);
    const builder = new TreeBuilder(toColumns(X, nSamples, nFeatures), nSamples, nFeatures, y, nClasses);
    const weights = sampleWeight ?? new Float64Array(nSamples).fill(1);
    this.tree = builder.build(weights, treeParams(this.options, nFeatures), new Rng(this.options.seed));
    return this;
  }

  predictProba(X: Float32Array): Float64Array {
    const tree = this.fitted();
    const nSamples = rowsOf(X, tree.nFeatures);
    const out = new Float64Array(nSamples * tree.nClasses);
    accumulateProba(tree, X, nSamples, out);
    return out;
  }

  predict(X: Float32Array): Int32Array {
    const tree = this.fitted();
    return argmaxRows(this.predictProba(X), tree.nClasses);
  }

  private fitted(): TreeArrays {
    if (!this.tree) throw new Error('DecisionTreeClassifier: call fit first');
    return this.tree;
  }
}

/** Resolves user-facing options into the builder's parameters. */
export function treeParams(
  o: { maxFeatures: MaxFeatures; maxDepth: number | null; minSamplesSplit: number; minSamplesLeaf: number },
  nFeatures: number,
): TreeParams {
  if (!(Number.isInteger(o.minSamplesLeaf) && o.minSamplesLeaf >= 1)) throw new Error('minSamplesLeaf must be >= 1');
  if (!(Number.isInteger(o.minSamplesSplit) && o.minSamplesSplit >= 2)) throw new Error('minSamplesSplit must be >= 2');
  if (o.maxDepth !== null && !(o.maxDepth >= 0)) throw new Error('maxDepth must be >= 0 or null');
  return {
    maxFeatures: resolveMaxFeatures(o.maxFeatures, nFeatures),
    maxDepth: o.maxDepth ?? Infinity,
    minSamplesSplit: o.minSamplesSplit,
    minSamplesLeaf: o.minSamplesLeaf,
  };
}

/** Number of rows of a row-major matrix with nFeatures columns. */
export function rowsOf(X: Float32Array, nFeatures: number): number {
  if (X.length % nFeatures !== 0) throw new Error(`predict: X.length must be a multiple of ${nFeatures} features`);
  return X.length / nFeatures;
}

/** Index of the largest value per row; the first wins ties, like numpy's argmax. */
export function argmaxRows(p: Float64Array, nClasses: number): Int32Array {
  const n = p.length / nClasses;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * nClasses;
    let best = 0;
    for (let k = 1; k < nClasses; k++) if (p[o + k] > p[o + best]) best = k;
    out[i] = best;
  }
  return out;
}
