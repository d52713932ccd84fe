/**
 * Feature importances read out of a fitted forest.
 * - mdiImportance: scikit-learn's `feature_importances_` (mean decrease in impurity).
 * - categoryImportance: the Level 1 paper's category-specific importance (docs METHODS.md, "Interpretation").
 */
import type { ForestLike } from './forest';
import { TREE_LEAF, type TreeArrays } from './tree';

/** Weighted impurity decrease N*imp - N_left*imp_left - N_right*imp_right of an internal node. */
function decrease(tree: TreeArrays, node: number): number {
  const { left, right, impurity, weightedNNodeSamples: w } = tree;
  const l = left[node];
  const r = right[node];
  return w[node] * impurity[node] - w[l] * impurity[l] - w[r] * impurity[r];
}

/** One tree's importances as sklearn's `tree.feature_importances_`: decreases / root weight, normalised to 1. */
export function treeMdi(tree: TreeArrays): Float64Array {
  const imp = new Float64Array(tree.nFeatures);
  for (let i = 0; i < tree.nNodes; i++) {
    if (tree.left[i] !== TREE_LEAF) imp[tree.feature[i]] += decrease(tree, i);
  }
  // sklearn divides by the root's weight and then normalises; only the normalisation changes the result.
  normalise(imp);
  return imp;
}

/**
 * Mean decrease in impurity, as sklearn's RandomForestClassifier.feature_importances_: the mean of the trees'
 * normalised importances (single-leaf trees left out), normalised to sum 1 (all zeros if no tree split).
 */
export function mdiImportance(forest: ForestLike): Float64Array {
  const out = new Float64Array(forest.nFeatures);
  let used = 0;
  for (const tree of forest.trees) {
    if (tree.nNodes <= 1) continue;
    const t = treeMdi(tree);
    for (let j = 0; j < out.length; j++) out[j] += t[j];
    used++;
  }
  if (used > 0) {
    for (let j = 0; j < out.length; j++) out[j] /= used;
    normalise(out);
  }
  return out;
}

/**
 * Category-specific importance, one map per class (Kuzovkin et al. 2020, as written in METHODS.md): in every
 * tree, each leaf that holds (in-bag) samples of class c adds, for every ancestor split on its path to the root,
 * that split's weighted impurity decrease to the split's feature. Summed over trees, normalised to sum 1 per
 * class (all zeros for a class no leaf holds).
 *
 * Taken literally, an ancestor counts once per c-holding leaf below it, so splits that lead to many c leaves
 * weigh more. Computed bottom-up: ancestor a contributes decrease(a) x (number of c-holding leaves under a).
 *
 * @returns nClasses arrays of nFeatures values
 */
export function categoryImportance(forest: ForestLike): Float64Array[] {
  const { nFeatures, nClasses } = forest;
  const out = Array.from({ length: nClasses }, () => new Float64Array(nFeatures));
  for (const tree of forest.trees) {
    const { nNodes, left, right, value, feature } = tree;
    const leaves = new Int32Array(nNodes * nClasses);
    // Children have larger ids than their parent: a backward pass sees both children first.
    for (let i = nNodes - 1; i >= 0; i--) {
      const o = i * nClasses;
      if (left[i] === TREE_LEAF) {
        for (let c = 0; c < nClasses; c++) leaves[o + c] = value[o + c] > 0 ? 1 : 0;
        continue;
      }
      const l = left[i] * nClasses;
      const r = right[i] * nClasses;
      const d = decrease(tree, i);
      const f = feature[i];
      for (let c = 0; c < nClasses; c++) {
        const count = leaves[l + c] + leaves[r + c];
        leaves[o + c] = count;
        out[c][f] += d * count;
      }
    }
  }
  for (const imp of out) normalise(imp);
  return out;
}

function normalise(a: Float64Array): void {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  if (s > 0) for (let i = 0; i < a.length; i++) a[i] /= s;
}
