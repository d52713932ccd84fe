/**
 * A self-organising map (Kohonen) of labelled EEG feature windows, modified to carry what the Level 3 interface
 * needs (docs/METHODS.md, "Level 3"; the paper's own modification is not public, so this one is ours):
 *
 * - Class-aware metric: features are z-scored with the training windows' mean and SD, then each is weighted by
 *   its relevance r_f, r_f^2 = (1 - rho) + rho F_f / mean(F), F_f = between-class / within-class variance of the
 *   feature over the training windows (Fisher's ratio). With rho = `relevance` = 0 this is a plain SOM; the
 *   default 0.9 lets the features that tell the calibrated actions apart dominate distances (a few planted
 *   channel-bands among hundreds would otherwise vanish under background variability) while every feature
 *   still counts. sum r_f^2 = nFeatures. Mean, SD and relevance are stored with the map and applied to every
 *   later window; weights live in these weighted z units.
 * - Training is Kohonen's online rule m_j += alpha(t) h_bj(t) (z - m_j), b the best-matching unit (BMU),
 *   h_bj = exp(-g_bj^2 / (2 sigma(t)^2)) with g the grid distance; alpha and sigma decay exponentially from their
 *   start to their end value over `epochs` seeded shuffled passes. Weights start on the plane of the first two
 *   principal components (linear initialisation, no randomness). Nodes beyond 3 sigma are left alone (h < 0.012).
 * - Class statistics: after training, every labelled window adds kernel-weighted "soft hits"
 *   exp(-g_bj^2 / (2 labelRadius^2)) of its class to the nodes around its BMU. A node's class posterior is
 *   Laplace-smoothed, p(k | j) = (n_jk + laplace) / (sum_k n_jk + K laplace); the map classifies a window by the
 *   posterior of its BMU. A class's territory is its share of soft hits over nodes; the overlap of two classes is
 *   the Bhattacharyya coefficient of their territories (1 = same place, 0 = disjoint).
 * - Online use: `partialFit` adds labelled windows to a trained map at the schedule's end values (small steps, so
 *   territories already learnt stay where the user saw them); `addClass` opens a new mental action. The metric
 *   stays as fitted: refit when new actions should reshape it.
 * - Position of a window: its BMU's grid coordinate g_b plus a 2-D step toward where the window lies between the
 *   BMU and its grid neighbours. For each neighbour j, t_j = (z - m_b) . (m_j - m_b) / |m_j - m_b|^2 is how far
 *   the window reaches along the edge to m_j in feature space (at most 1/2 for the BMU; clipped to [-1/2, 1/2]);
 *   the step is the least-squares delta with delta . (g_j - g_b) = t_j over the neighbours. A map whose weights
 *   are a linear image of the grid gives back the exact point, so the position moves continuously as the BMU
 *   changes. It needs standard ONNX ops only (onnx.ts).
 */
import { Rng } from '../forest/rng';
import { areNeighbours, gridDistanceSq, makeGrid, type GridTopology, type SomGrid } from './grid';

export interface SomOptions {
  /** Grid size (default 10 x 10). */
  rows?: number;
  cols?: number;
  /** Default 'hexagonal': six equidistant neighbours, no preferred directions. */
  topology?: GridTopology;
  /** Shuffled passes over the training windows (default 10). */
  epochs?: number;
  /** Learning rate at the start and end of training (default [0.5, 0.01]). */
  learningRate?: readonly [number, number];
  /** Neighbourhood SD in grid units at the start and end of training (default [max(rows, cols) / 2, 0.75]). */
  radius?: readonly [number, number];
  /**
   * SD in grid units of the kernel that spreads a window's class hit around its BMU (default 0.5: a neighbour gets
   * 0.14 of a hit, enough to fill gaps between visited nodes without blurring territories; 0: BMU only).
   */
  labelRadius?: number;
  /** Pseudo-count per node and class of the class posterior (default 1, Laplace's rule). */
  laplace?: number;
  /** Weight rho in [0, 1] of class relevance in the metric (default 0.9; 0: plain z-scores). */
  relevance?: number;
  /** Seed of the order in which windows are presented (default 0). */
  seed?: number;
}

export interface ResolvedSomOptions {
  rows: number;
  cols: number;
  topology: GridTopology;
  epochs: number;
  learningRate: [number, number];
  radius: [number, number];
  labelRadius: number;
  laplace: number;
  relevance: number;
  seed: number;
}

/** Where a window lands: continuous grid coordinates (same units as SomGrid.coords) and its BMU. */
export interface MapPosition {
  x: number;
  y: number;
  bmu: number;
}

/** Windows (row-major, nFeatures each) with a class index per window, restricted to `rows`. */
export interface LabelledWindows {
  X: ArrayLike<number>;
  nFeatures: number;
  y: ArrayLike<number>;
  /** Which windows to use (all when absent). */
  rows?: Int32Array;
}

export interface SomJson {
  format: 'brainglass.som';
  version: 1;
  options: ResolvedSomOptions;
  nFeatures: number;
  classes: string[];
  mean: number[];
  std: number[];
  relevance: number[];
  /** nNodes x nFeatures, weighted z units. */
  weights: number[];
  /** nNodes x nClasses soft hits. */
  classCounts: number[];
  nTrained: number;
}

/** Features whose SD is below this share of their magnitude (at least 1) are constant: z-scoring divides by 1. */
const MIN_STD = 1e-12;
/** Neighbourhood kernels are cut at 3 SD. */
const KERNEL_CUTOFF_SD = 3;

export function resolveSomOptions(options: SomOptions = {}): ResolvedSomOptions {
  const rows = options.rows ?? 10;
  const cols = options.cols ?? 10;
  const resolved: ResolvedSomOptions = {
    rows,
    cols,
    topology: options.topology ?? 'hexagonal',
    epochs: options.epochs ?? 10,
    learningRate: [...(options.learningRate ?? [0.5, 0.01])],
    radius: [...(options.radius ?? [Math.max(rows, cols) / 2, 0.75])],
    labelRadius: options.labelRadius ?? 0.5,
    laplace: options.laplace ?? 1,
    relevance: options.relevance ?? 0.9,
    seed: options.seed ?? 0,
  };
  const { epochs, learningRate, radius, labelRadius, laplace, relevance } = resolved;
  if (!Number.isInteger(epochs) || epochs < 1) throw new RangeError(`epochs must be a positive integer, got ${epochs}`);
  if (!learningRate.every((a) => a > 0 && a <= 1)) throw new RangeError(`learningRate must lie in (0, 1], got ${learningRate}`);
  if (!radius.every((s) => s > 0)) throw new RangeError(`radius must be positive, got ${radius}`);
  if (!(labelRadius >= 0) || !(laplace >= 0)) throw new RangeError('labelRadius and laplace must be >= 0');
  if (!(relevance >= 0 && relevance <= 1)) throw new RangeError(`relevance must lie in [0, 1], got ${relevance}`);
  if (!['hexagonal', 'rectangular'].includes(resolved.topology)) throw new RangeError(`unknown topology '${resolved.topology}'`);
  return resolved;
}

export class SelfOrganizingMap {
  readonly grid: SomGrid;
  readonly classes: string[];
  /** Soft class hits, nNodes x nClasses (grows with addClass). */
  classCounts: Float64Array;
  /** Labelled windows the map has learnt from. */
  nTrained: number;
  /** relevance / std: z_f = (x_f - mean_f) * scale_f. */
  private readonly scale: Float64Array;
  /** Scratch for one standardised window. */
  private readonly z: Float64Array;

  private constructor(
    readonly options: ResolvedSomOptions,
    readonly nFeatures: number,
    classes: readonly string[],
    readonly mean: Float64Array,
    readonly std: Float64Array,
    readonly relevance: Float64Array,
    /** nNodes x nFeatures, weighted z units. */
    readonly weights: Float64Array,
    classCounts: Float64Array,
    nTrained: number,
  ) {
    this.grid = makeGrid(options.rows, options.cols, options.topology);
    this.classes = [...classes];
    this.classCounts = classCounts;
    this.nTrained = nTrained;
    this.scale = Float64Array.from(relevance, (r, d) => r / std[d]);
    this.z = new Float64Array(nFeatures);
  }

  /** Trains a map on labelled windows (class indices into `classes`). */
  static fit(data: LabelledWindows, classes: readonly string[], options: SomOptions = {}): SelfOrganizingMap {
    const opts = resolveSomOptions(options);
    const { X, nFeatures, y } = data;
    const rows = data.rows ?? allRows(y.length);
    if (!Number.isInteger(nFeatures) || nFeatures < 1 || X.length !== y.length * nFeatures) {
      throw new RangeError(`fit: ${X.length} values are not ${y.length} windows x ${nFeatures} features`);
    }
    if (rows.length < 2) throw new RangeError('fit: at least 2 windows are needed');
    if (classes.length < 1 || new Set(classes).size !== classes.length) throw new RangeError('fit: classes must be unique and not empty');
    checkLabels(y, rows, classes.length);
    const [mean, std] = standardisation(X, nFeatures, rows);
    const relevance = classRelevance(X, nFeatures, y, rows, mean, std, classes.length, opts.relevance);
    const nNodes = opts.rows * opts.cols;
    const map = new SelfOrganizingMap(
      opts,
      nFeatures,
      classes,
      mean,
      std,
      relevance,
      new Float64Array(nNodes * nFeatures),
      new Float64Array(nNodes * classes.length),
      0,
    );
    const Z = map.standardiseRows(X, rows);
    map.initialise(Z, rows.length);
    map.train(Z, rows.length);
    for (let i = 0; i < rows.length; i++) map.addHits(Z, i * nFeatures, y[rows[i]]);
    map.nTrained = rows.length;
    return map;
  }

  /**
   * Learns from more labelled windows at the end of the training schedule (learning rate and radius at their end
   * values): each window moves the map a little, then adds its class hits. Standardisation and relevance stay as
   * fitted.
   */
  partialFit(data: LabelledWindows): this {
    const { X, nFeatures, y } = data;
    if (nFeatures !== this.nFeatures || X.length !== y.length * nFeatures) {
      throw new RangeError(`partialFit: expected windows of ${this.nFeatures} features`);
    }
    const rows = data.rows ?? allRows(y.length);
    checkLabels(y, rows, this.classes.length);
    const alpha = this.options.learningRate[1];
    const sigma = this.options.radius[1];
    for (let i = 0; i < rows.length; i++) {
      const z = this.standardise(X, rows[i]);
      this.step(z, 0, alpha, sigma);
      this.addHits(z, 0, y[rows[i]]);
    }
    this.nTrained += rows.length;
    return this;
  }

  /** A new class (mental action) with no hits yet; returns its index. */
  addClass(name: string): number {
    if (this.classes.includes(name)) throw new RangeError(`class '${name}' exists`);
    const k = this.classes.length;
    const counts = new Float64Array(this.grid.nNodes * (k + 1));
    for (let j = 0; j < this.grid.nNodes; j++) counts.set(this.classCounts.subarray(j * k, (j + 1) * k), j * (k + 1));
    this.classCounts = counts;
    this.classes.push(name);
    return k;
  }

  /** Position of one window of raw (not z-scored) features. */
  locate(x: ArrayLike<number>): MapPosition {
    if (x.length !== this.nFeatures) throw new RangeError(`locate: expected ${this.nFeatures} features, got ${x.length}`);
    const z = this.standardise(x, 0);
    const bmu = this.bestMatch(z, 0);
    const [px, py] = this.refine(z, bmu);
    return { x: px, y: py, bmu };
  }

  /** Positions (n x 2) and BMUs of row-major windows. */
  project(X: ArrayLike<number>): { positions: Float64Array; bmus: Int32Array } {
    const n = this.countRows(X);
    const positions = new Float64Array(2 * n);
    const bmus = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const z = this.standardise(X, i);
      bmus[i] = this.bestMatch(z, 0);
      const [px, py] = this.refine(z, bmus[i]);
      positions[2 * i] = px;
      positions[2 * i + 1] = py;
    }
    return { positions, bmus };
  }

  /** Class posterior of every node, nNodes x nClasses. */
  posteriors(): Float64Array {
    const k = this.classes.length;
    const out = new Float64Array(this.grid.nNodes * k);
    const a = this.options.laplace;
    for (let j = 0; j < this.grid.nNodes; j++) {
      let total = 0;
      for (let c = 0; c < k; c++) total += this.classCounts[j * k + c];
      const denom = total + k * a;
      // A node nobody visited, without smoothing, says nothing: uniform.
      for (let c = 0; c < k; c++) out[j * k + c] = denom > 0 ? (this.classCounts[j * k + c] + a) / denom : 1 / k;
    }
    return out;
  }

  /** Posterior of each window's BMU, n x nClasses. */
  predictProba(X: ArrayLike<number>): Float64Array {
    const n = this.countRows(X);
    const k = this.classes.length;
    const post = this.posteriors();
    const out = new Float64Array(n * k);
    for (let i = 0; i < n; i++) {
      const b = this.bestMatch(this.standardise(X, i), 0);
      out.set(post.subarray(b * k, (b + 1) * k), i * k);
    }
    return out;
  }

  /** Most probable class of each window's BMU (the first on ties). */
  predict(X: ArrayLike<number>): Int32Array {
    const k = this.classes.length;
    const proba = this.predictProba(X);
    const out = new Int32Array(proba.length / k);
    for (let i = 0; i < out.length; i++) {
      let best = 0;
      for (let c = 1; c < k; c++) if (proba[i * k + c] > proba[i * k + best]) best = c;
      out[i] = best;
    }
    return out;
  }

  /** Each class's territory: its soft hits as a distribution over nodes, nClasses x nNodes (NaN rows: no hits). */
  territories(): Float64Array {
    const k = this.classes.length;
    const nNodes = this.grid.nNodes;
    const out = new Float64Array(k * nNodes);
    for (let c = 0; c < k; c++) {
      let total = 0;
      for (let j = 0; j < nNodes; j++) total += this.classCounts[j * k + c];
      for (let j = 0; j < nNodes; j++) out[c * nNodes + j] = this.classCounts[j * k + c] / total;
    }
    return out;
  }

  /** Bhattacharyya coefficient of the territories of every pair of classes, nClasses x nClasses. */
  territoryOverlap(): Float64Array {
    const k = this.classes.length;
    const nNodes = this.grid.nNodes;
    const t = this.territories();
    const out = new Float64Array(k * k);
    for (let a = 0; a < k; a++) {
      for (let b = a; b < k; b++) {
        let bc = 0;
        for (let j = 0; j < nNodes; j++) bc += Math.sqrt(t[a * nNodes + j] * t[b * nNodes + j]);
        out[a * k + b] = bc;
        out[b * k + a] = bc;
      }
    }
    return out;
  }

  /** Mean distance (weighted z units) from each window to its BMU's weights. */
  quantisationError(X: ArrayLike<number>): number {
    const n = this.countRows(X);
    let sum = 0;
    for (let i = 0; i < n; i++) sum += Math.sqrt(this.twoBest(this.standardise(X, i))[2]);
    return sum / n;
  }

  /** Share of windows whose best and second-best matching units are not grid neighbours. */
  topographicError(X: ArrayLike<number>): number {
    const n = this.countRows(X);
    let errors = 0;
    for (let i = 0; i < n; i++) {
      const [first, second] = this.twoBest(this.standardise(X, i));
      if (!areNeighbours(this.grid, first, second)) errors++;
    }
    return errors / n;
  }

  toJSON(): SomJson {
    return {
      format: 'brainglass.som',
      version: 1,
      options: { ...this.options, learningRate: [...this.options.learningRate], radius: [...this.options.radius] },
      nFeatures: this.nFeatures,
      classes: [...this.classes],
      mean: Array.from(this.mean),
      std: Array.from(this.std),
      relevance: Array.from(this.relevance),
      weights: Array.from(this.weights),
      classCounts: Array.from(this.classCounts),
      nTrained: this.nTrained,
    };
  }

  static fromJSON(json: SomJson): SelfOrganizingMap {
    if (json.format !== 'brainglass.som' || json.version !== 1) throw new Error(`not a brainglass.som v1 document`);
    const opts = resolveSomOptions(json.options);
    const nNodes = opts.rows * opts.cols;
    const f = json.nFeatures;
    const k = json.classes.length;
    if (
      json.mean.length !== f ||
      json.std.length !== f ||
      json.relevance.length !== f ||
      json.weights.length !== nNodes * f ||
      json.classCounts.length !== nNodes * k
    ) {
      throw new Error('brainglass.som: array lengths do not match the grid, features and classes');
    }
    return new SelfOrganizingMap(
      opts,
      f,
      json.classes,
      Float64Array.from(json.mean),
      Float64Array.from(json.std),
      Float64Array.from(json.relevance),
      Float64Array.from(json.weights),
      Float64Array.from(json.classCounts),
      json.nTrained,
    );
  }

  // -------------------------------------------------------------------------------------------------------------

  private countRows(X: ArrayLike<number>): number {
    const n = X.length / this.nFeatures;
    if (!Number.isInteger(n)) throw new RangeError(`${X.length} values are not whole windows of ${this.nFeatures} features`);
    return n;
  }

  /** Row `i` of X, standardised and weighted, in the shared scratch vector. */
  private standardise(X: ArrayLike<number>, i: number): Float64Array {
    const f = this.nFeatures;
    const z = this.z;
    for (let d = 0; d < f; d++) z[d] = (X[i * f + d] - this.mean[d]) * this.scale[d];
    return z;
  }

  private standardiseRows(X: ArrayLike<number>, rows: Int32Array): Float64Array {
    const f = this.nFeatures;
    const Z = new Float64Array(rows.length * f);
    for (let i = 0; i < rows.length; i++) Z.set(this.standardise(X, rows[i]), i * f);
    return Z;
  }

  /** Linear initialisation: nodes spread +-1 SD along the first two principal components, the longer grid side on PC1. */
  private initialise(Z: Float64Array, n: number): void {
    const f = this.nFeatures;
    const [pc1, pc2, var1, var2] = principalPlane(Z, n, f);
    const { coords, nNodes } = this.grid;
    const extent = (axis: number): [number, number] => {
      let lo = Infinity;
      let hi = -Infinity;
      for (let j = 0; j < nNodes; j++) {
        lo = Math.min(lo, coords[2 * j + axis]);
        hi = Math.max(hi, coords[2 * j + axis]);
      }
      return [(lo + hi) / 2, (hi - lo) / 2];
    };
    const [cx, hx] = extent(0);
    const [cy, hy] = extent(1);
    const alongX = hx >= hy;
    const s1 = Math.sqrt(var1);
    const s2 = Math.sqrt(var2);
    for (let j = 0; j < nNodes; j++) {
      const u = (coords[2 * j] - cx) / hx;
      const v = (coords[2 * j + 1] - cy) / hy;
      const [a, b] = alongX ? [u, v] : [v, u];
      for (let d = 0; d < f; d++) this.weights[j * f + d] = a * s1 * pc1[d] + b * s2 * pc2[d];
    }
  }

  private train(Z: Float64Array, n: number): void {
    const { epochs, learningRate, radius, seed } = this.options;
    const f = this.nFeatures;
    const total = epochs * n;
    const rng = new Rng(seed);
    const order = allRows(n);
    let t = 0;
    for (let e = 0; e < epochs; e++) {
      rng.shuffle(order);
      for (let i = 0; i < n; i++, t++) {
        const progress = total > 1 ? t / (total - 1) : 1;
        const alpha = learningRate[0] * Math.pow(learningRate[1] / learningRate[0], progress);
        const sigma = radius[0] * Math.pow(radius[1] / radius[0], progress);
        this.step(Z, order[i] * f, alpha, sigma);
      }
    }
  }

  /** One Kohonen update toward the window at z[o ..]. */
  private step(z: Float64Array, o: number, alpha: number, sigma: number): void {
    const f = this.nFeatures;
    const w = this.weights;
    const { coords, nNodes } = this.grid;
    const b = this.bestMatch(z, o);
    const cut = (KERNEL_CUTOFF_SD * sigma) ** 2;
    const twoSigmaSq = 2 * sigma * sigma;
    for (let j = 0; j < nNodes; j++) {
      const g2 = gridDistanceSq(coords, b, j);
      if (g2 > cut) continue;
      const rate = alpha * Math.exp(-g2 / twoSigmaSq);
      const base = j * f;
      for (let d = 0; d < f; d++) w[base + d] += rate * (z[o + d] - w[base + d]);
    }
  }

  private addHits(z: Float64Array, o: number, k: number): void {
    const nClasses = this.classes.length;
    const b = this.bestMatch(z, o);
    const sigma = this.options.labelRadius;
    if (sigma === 0) {
      this.classCounts[b * nClasses + k] += 1;
      return;
    }
    const { coords, nNodes } = this.grid;
    const cut = (KERNEL_CUTOFF_SD * sigma) ** 2;
    for (let j = 0; j < nNodes; j++) {
      const g2 = gridDistanceSq(coords, b, j);
      if (g2 <= cut) this.classCounts[j * nClasses + k] += Math.exp(-g2 / (2 * sigma * sigma));
    }
  }

  /** Index of the node nearest to the window at z[o ..] (the lowest index on ties, as ONNX ArgMin). */
  private bestMatch(z: Float64Array, o: number): number {
    const f = this.nFeatures;
    const w = this.weights;
    let best = Infinity;
    let bmu = 0;
    for (let j = 0; j < this.grid.nNodes; j++) {
      const base = j * f;
      let d = 0;
      // Stop summing once this node cannot win.
      for (let i = 0; i < f && d < best; i++) {
        const diff = z[o + i] - w[base + i];
        d += diff * diff;
      }
      if (d < best) {
        best = d;
        bmu = j;
      }
    }
    return bmu;
  }

  /** Best and second-best node and the best's squared distance. */
  private twoBest(z: Float64Array): [number, number, number] {
    const f = this.nFeatures;
    const w = this.weights;
    let d1 = Infinity;
    let d2 = Infinity;
    let b1 = 0;
    let b2 = 0;
    for (let j = 0; j < this.grid.nNodes; j++) {
      const base = j * f;
      let d = 0;
      for (let i = 0; i < f && d < d2; i++) {
        const diff = z[i] - w[base + i];
        d += diff * diff;
      }
      if (d < d1) {
        d2 = d1;
        b2 = b1;
        d1 = d;
        b1 = j;
      } else if (d < d2) {
        d2 = d;
        b2 = j;
      }
    }
    return [b1, b2, d1];
  }

  /** The BMU's coordinate moved toward where z lies among its neighbours (see the header). */
  private refine(z: Float64Array, b: number): [number, number] {
    const f = this.nFeatures;
    const w = this.weights;
    const { coords, neighbours, maxNeighbours, stepBasis } = this.grid;
    let x = coords[2 * b];
    let y = coords[2 * b + 1];
    for (let s = 0; s < maxNeighbours; s++) {
      const j = neighbours[b * maxNeighbours + s];
      if (j < 0) continue;
      let dot = 0;
      let edgeSq = 0;
      for (let d = 0; d < f; d++) {
        const e = w[j * f + d] - w[b * f + d];
        dot += (z[d] - w[b * f + d]) * e;
        edgeSq += e * e;
      }
      if (edgeSq === 0) continue;
      const t = Math.min(Math.max(dot / edgeSq, -0.5), 0.5);
      x += t * stepBasis[(b * maxNeighbours + s) * 2];
      y += t * stepBasis[(b * maxNeighbours + s) * 2 + 1];
    }
    return [x, y];
  }
}

function allRows(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}

function checkLabels(y: ArrayLike<number>, rows: Int32Array, nClasses: number): void {
  for (const r of rows) {
    if (!(r >= 0 && r < y.length)) throw new RangeError(`row ${r} is not a window`);
    if (!(Number.isInteger(y[r]) && y[r] >= 0 && y[r] < nClasses)) throw new RangeError(`window ${r}: label ${y[r]} is not a class index`);
  }
}

/** Mean and SD (population) of each feature over `rows`; constant features get SD 1. */
function standardisation(X: ArrayLike<number>, f: number, rows: Int32Array): [Float64Array, Float64Array] {
  const mean = new Float64Array(f);
  const std = new Float64Array(f);
  for (const r of rows) for (let d = 0; d < f; d++) mean[d] += X[r * f + d];
  for (let d = 0; d < f; d++) mean[d] /= rows.length;
  for (const r of rows) {
    for (let d = 0; d < f; d++) {
      const v = X[r * f + d] - mean[d];
      std[d] += v * v;
    }
  }
  for (let d = 0; d < f; d++) {
    const sd = Math.sqrt(std[d] / rows.length);
    std[d] = sd > MIN_STD * Math.max(1, Math.abs(mean[d])) ? sd : 1;
  }
  return [mean, std];
}

/**
 * Relevance weight of each feature: r_f^2 = (1 - rho) + rho F_f / mean(F), F_f = between-class over within-class
 * variance over `rows` (constant features get F = 0; if no feature separates the classes, all weights are 1).
 */
function classRelevance(
  X: ArrayLike<number>,
  f: number,
  y: ArrayLike<number>,
  rows: Int32Array,
  mean: Float64Array,
  std: Float64Array,
  nClasses: number,
  rho: number,
): Float64Array {
  const counts = new Float64Array(nClasses);
  const classMean = new Float64Array(nClasses * f);
  for (const r of rows) {
    counts[y[r]]++;
    for (let d = 0; d < f; d++) classMean[y[r] * f + d] += (X[r * f + d] - mean[d]) / std[d];
  }
  for (let k = 0; k < nClasses; k++) for (let d = 0; d < f; d++) if (counts[k] > 0) classMean[k * f + d] /= counts[k];
  const fisher = new Float64Array(f);
  let total = 0;
  for (let d = 0; d < f; d++) {
    let between = 0;
    for (let k = 0; k < nClasses; k++) between += counts[k] * classMean[k * f + d] ** 2;
    between /= rows.length;
    let within = 0;
    for (const r of rows) within += ((X[r * f + d] - mean[d]) / std[d] - classMean[y[r] * f + d]) ** 2;
    within /= rows.length;
    fisher[d] = within > 0 ? between / within : 0;
    total += fisher[d];
  }
  const meanFisher = total / f;
  return Float64Array.from(fisher, (F) => Math.sqrt(meanFisher > 0 ? 1 - rho + (rho * F) / meanFisher : 1));
}

/**
 * The two leading eigenvectors (unit norm, largest |component| positive) and eigenvalues of the covariance
 * Z'Z / n of centred rows: subspace iteration on the covariance from a fixed start, then Rayleigh-Ritz in the plane.
 */
function principalPlane(Z: Float64Array, n: number, f: number): [Float64Array, Float64Array, number, number] {
  const cov = new Float64Array(f * f);
  for (let i = 0; i < n; i++) {
    const o = i * f;
    for (let a = 0; a < f; a++) {
      const za = Z[o + a];
      if (za === 0) continue;
      for (let b = a; b < f; b++) cov[a * f + b] += za * Z[o + b];
    }
  }
  for (let a = 0; a < f; a++) {
    for (let b = a; b < f; b++) {
      cov[a * f + b] /= n;
      cov[b * f + a] = cov[a * f + b];
    }
  }
  const multiply = (v: Float64Array): Float64Array => {
    const out = new Float64Array(f);
    for (let a = 0; a < f; a++) {
      let s = 0;
      for (let b = 0; b < f; b++) s += cov[a * f + b] * v[b];
      out[a] = s;
    }
    return out;
  };
  let u: Float64Array = Float64Array.from({ length: f }, (_, d) => 1 + d / f);
  let v: Float64Array = Float64Array.from({ length: f }, (_, d) => (d % 2 === 0 ? 1 : -1) + d / f);
  let previous = [NaN, NaN];
  for (let iter = 0; iter < 1000; iter++) {
    [u, v] = orthonormalPair(u, v);
    const cu = multiply(u);
    const cv = multiply(v);
    const trace = [dot(u, cu), dot(v, cv)];
    if (Math.abs(trace[0] - previous[0]) + Math.abs(trace[1] - previous[1]) <= 1e-12 * (trace[0] + trace[1])) break;
    previous = trace;
    u = cu;
    v = cv;
  }
  [u, v] = orthonormalPair(u, v);
  // Rayleigh-Ritz: eigenvectors of the 2 x 2 projection of the covariance rotate u, v onto the components.
  const cu = multiply(u);
  const cv = multiply(v);
  const a = dot(u, cu);
  const b = dot(u, cv);
  const c = dot(v, cv);
  const angle = 0.5 * Math.atan2(2 * b, a - c);
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const pc1 = Float64Array.from(u, (ud, d) => cos * ud + sin * v[d]);
  const pc2 = Float64Array.from(u, (ud, d) => -sin * ud + cos * v[d]);
  const var1 = a * cos * cos + 2 * b * sin * cos + c * sin * sin;
  const var2 = a * sin * sin - 2 * b * sin * cos + c * cos * cos;
  for (const pc of [pc1, pc2]) {
    let big = 0;
    for (let d = 1; d < f; d++) if (Math.abs(pc[d]) > Math.abs(pc[big])) big = d;
    if (pc[big] < 0) for (let d = 0; d < f; d++) pc[d] = -pc[d];
  }
  return var1 >= var2 ? [pc1, pc2, Math.max(var1, 0), Math.max(var2, 0)] : [pc2, pc1, Math.max(var2, 0), Math.max(var1, 0)];
}

function dot(u: Float64Array, v: Float64Array): number {
  let s = 0;
  for (let d = 0; d < u.length; d++) s += u[d] * v[d];
  return s;
}

/** Gram-Schmidt; a vector that vanishes is left at zero (data of rank < 2). */
function orthonormalPair(u: Float64Array, v: Float64Array): [Float64Array, Float64Array] {
  const nu = Math.sqrt(dot(u, u));
  const a = nu > 0 ? u.map((x) => x / nu) : u;
  const p = dot(a, v);
  const w = v.map((x, d) => x - p * a[d]);
  const nw = Math.sqrt(dot(w, w));
  return [a, nw > 0 ? w.map((x) => x / nw) : w];
}
