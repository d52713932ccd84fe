/**
 * Random forest classifier in the manner of scikit-learn's RandomForestClassifier: bootstrap-weighted CART trees
 * with a random feature subset per node, predictions by averaging the trees' class probabilities.
 *
 * Tree i depends only on treeSeeds()[i], so trees can be grown in any grouping (worker threads, machines) and
 * merged into exactly the forest a single `fit` would give:
 *   const seeds = rf.treeSeeds();
 *   const parts = chunks.map(([a, b]) => rf.fitTrees(X, y, nClasses, seeds.subarray(a, b)));  // e.g. in workers
 *   rf.merge(nFeatures, nClasses, ...parts);
 */
import { Rng } from './rng';
import {
  TreeBuilder,
  accumulateProba,
  argmaxRows,
  checkXy,
  rowsOf,
  toColumns,
  treeParams,
  type MaxFeatures,
  type TreeArrays,
} from './tree';

export interface RandomForestOptions {
  /** Number of trees (sklearn default 100; the Level 1 paper uses 3000). */
  nEstimators?: number;
  /** Features searched per node: 'sqrt' (default), 'log2', 'all', a count >= 1 or a fraction in (0, 1). */
  maxFeatures?: MaxFeatures;
  /** Each tree sees a bootstrap sample (n draws with replacement), given to the tree as per-sample counts. */
  bootstrap?: boolean;
  /** null (default) grows until leaves are pure. */
  maxDepth?: number | null;
  minSamplesSplit?: number;
  minSamplesLeaf?: number;
  /** Seeds every random choice; same seed, same data -> same forest. */
  seed?: number;
}

export type ResolvedForestOptions = Required<Omit<RandomForestOptions, 'maxDepth'>> & { maxDepth: number | null };

/** What importance and serialisation need from a fitted forest. */
export interface ForestLike {
  readonly trees: readonly TreeArrays[];
  readonly nFeatures: number;
  readonly nClasses: number;
}

export function resolveForestOptions(options: RandomForestOptions = {}): ResolvedForestOptions {
  const o: ResolvedForestOptions = {
    nEstimators: options.nEstimators ?? 100,
    maxFeatures: options.maxFeatures ?? 'sqrt',
    bootstrap: options.bootstrap ?? true,
    maxDepth: options.maxDepth ?? null,
    minSamplesSplit: options.minSamplesSplit ?? 2,
    minSamplesLeaf: options.minSamplesLeaf ?? 1,
    seed: options.seed ?? 0,
  };
  if (!(Number.isInteger(o.nEstimators) && o.nEstimators >= 1)) throw new Error('nEstimators must be >= 1');
  return o;
}

export class RandomForestClassifier implements ForestLike {
  readonly options: ResolvedForestOptions;
  trees: TreeArrays[] = [];
  nFeatures = 0;
  nClasses = 0;

  constructor(options: RandomForestOptions = {}) {
    this.options = resolveForestOptions(options);
  }

  /** One seed per tree, drawn from `seed` (as sklearn draws each tree's random_state from the forest's). */
  treeSeeds(): Uint32Array {
    const rng = new Rng(this.options.seed);
    const seeds = new Uint32Array(this.options.nEstimators);
    for (let i = 0; i < seeds.length; i++) seeds[i] = rng.nextUint32();
    return seeds;
  }

  /** Grows and stores all trees. X is row-major nSamples x nFeatures, y holds classes 0..nClasses-1. */
  fit(X: Float32Array, y: Int32Array, nClasses: number): this {
    const { nFeatures } = checkXy(X, y, nClasses);
    return this.merge(nFeatures, nClasses, this.fitTrees(X, y, nClasses, this.treeSeeds()));
  }

  /**
   * Grows the trees of the given seeds and returns them without touching this forest. Pure, so it can run in a
   * worker thread with a forest built from the same options; the result is structured-cloneable.
   */
  fitTrees(X: Float32Array, y: Int32Array, nClasses: number, treeSeeds: ArrayLike<number>): TreeArrays[] {
    const { nSamples, nFeatures } = checkXy(X, y, nClasses);
    const params = treeParams(this.options, nFeatures);
    const builder = new TreeBuilder(toColumns(X, nSamples, nFeatures), nSamples, nFeatures, y, nClasses);
    const weights = new Float64Array(nSamples);
    const trees: TreeArrays[] = [];
    for (let t = 0; t < treeSeeds.length; t++) {
      const rng = new Rng(treeSeeds[t]);
      if (this.options.bootstrap) {
        weights.fill(0);
        for (let i = 0; i < nSamples; i++) weights[rng.nextInt(nSamples)] += 1;
      } else weights.fill(1);
      trees.push(builder.build(weights, params, rng));
    }
    return trees;
  }

  /** Replaces the trees with the concatenation of `parts`, in order (order only matters for float rounding). */
  merge(nFeatures: number, nClasses: number, ...parts: readonly TreeArrays[][]): this {
    const trees = parts.flat();
    for (const t of trees) {
      if (t.nFeatures !== nFeatures || t.nClasses !== nClasses) {
        throw new Error(`merge: tree has ${t.nFeatures} features / ${t.nClasses} classes, expected ${nFeatures} / ${nClasses}`);
      }
    }
    this.trees = trees;
    this.nFeatures = nFeatures;
    this.nClasses = nClasses;
    return this;
  }

  /** Mean of the trees' class probabilities, row-major nSamples x nClasses. */
  predictProba(X: Float32Array): Float64Array {
    if (this.trees.length === 0) throw new Error('RandomForestClassifier: call fit first');
    const nSamples = rowsOf(X, this.nFeatures);
    const out = new Float64Array(nSamples * this.nClasses);
    for (const tree of this.trees) accumulateProba(tree, X, nSamples, out);
    const inv = 1 / this.trees.length;
    for (let i = 0; i < out.length; i++) out[i] *= inv;
    return out;
  }

  /** Class with the highest mean probability (first on ties), like sklearn. */
  predict(X: Float32Array): Int32Array {
    return argmaxRows(this.predictProba(X), this.nClasses);
  }
}
