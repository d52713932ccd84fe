/**
 * Feature importances read out of a fitted forest.
 * - mdiImportance: scikit-learn's `feature_importances_` (mean decrease in impurity).
 * - categoryImportance: the Level 1 paper's category-specific importance (docs METHODS.md, "Interpretation"),
 *   and a per-class split of the Gini decrease that is class-specific on planted data.
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

export interface CategoryImportanceOptions {
  /**
   * 'leaf-paths' (default): the paper's method, as METHODS.md and the authors' code define it.
   * 'class-gini': each split's Gini decrease split into per-class parts (see categoryImportance).
   */
  method?: 'leaf-paths' | 'class-gini';
}

/**
 * Category-specific importance, one map per class, summed over trees and normalised to sum 1 per class (all
 * zeros for a class that no split concerns).
 *
 * 'leaf-paths' (Kuzovkin et al. 2020, METHODS.md "Interpretation"): in every tree, each leaf that holds in-bag
 * samples of class c adds, for every ancestor split on its path to the root, that split's weighted impurity
 * decrease N*imp - N_left*imp_left - N_right*imp_right to the split's feature. An ancestor counts once per
 * c-holding leaf below it (as in the authors' code), so it is computed bottom-up as decrease x (number of c-holding
 * leaves under the node).
 * Caveat, measured on planted data (see importance.test.ts): a split that isolates class c leaves few, large
 * c leaves, while the other classes keep many leaves under it, so the feature that defines c can weigh *less* in
 * c's map than in the other classes' maps. The maps mainly show which features the forest uses at all.
 *
 * 'class-gini': since Gini = sum_c p_c (1 - p_c), every split's weighted Gini decrease is the sum over classes of
 * N p_c(1-p_c) - N_l p_lc(1-p_lc) - N_r p_rc(1-p_rc), each term >= 0. Class c's map sums its own term, so the
 * maps add up (before normalisation) to plain MDI, and a split that separates c from the rest lands in c's map.
 *
 * @returns nClasses arrays of nFeatures values
 */
export function categoryImportance(forest: ForestLike, options: CategoryImportanceOptions = {}): Float64Array[] {
  const method = options.method ?? 'leaf-paths';
  const out = Array.from({ length: forest.nClasses }, () => new Float64Array(forest.nFeatures));
  for (const tree of forest.trees) {
    if (method === 'leaf-paths') addLeafPaths(tree, out);
    else if (method === 'class-gini') addClassGini(tree, out);
    else throw new Error(`categoryImportance: unknown method ${String(method)}`);
  }
  for (const imp of out) normalise(imp);
  return out;
}

function addLeafPaths(tree: TreeArrays, out: Float64Array[]): void {
  const { nNodes, nClasses, left, right, value, feature } = tree;
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

function addClassGini(tree: TreeArrays, out: Float64Array[]): void {
  const { nNodes, nClasses, left, right, value, feature, weightedNNodeSamples: w } = tree;
  // N p (1 - p) with p = v / N is v (N - v) / N.
  const term = (node: number, c: number): number => {
    const v = value[node * nClasses + c];
    return (v * (w[node] - v)) / w[node];
  };
  for (let i = 0; i < nNodes; i++) {
    if (left[i] === TREE_LEAF) continue;
    const f = feature[i];
    for (let c = 0; c < nClasses; c++) out[c][f] += term(i, c) - term(left[i], c) - term(right[i], c);
  }
}

function normalise(a: Float64Array): void {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  if (s > 0) for (let i = 0; i < a.length; i++) a[i] /= s;
}
