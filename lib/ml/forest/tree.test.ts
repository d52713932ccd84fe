import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { plantedDataset } from './planted';
import { Rng } from './rng';
import { DecisionTreeClassifier, TREE_LEAF, resolveMaxFeatures, sortPairs, treeDepth, type TreeArrays } from './tree';

const ref = JSON.parse(readFileSync(new URL('./fixtures/sklearn_reference.json', import.meta.url), 'utf8')) as {
  params: { n_samples: number; n_features: number; n_classes: number; n_informative: number; shift: number; seed: number };
  tree_root: {
    feature: number;
    threshold: number;
    impurity: number;
    left_impurity: number;
    right_impurity: number;
    left_n: number;
    right_n: number;
  };
};

/** Row-major matrix from rows. */
function matrix(rows: number[][]): Float32Array {
  return Float32Array.from(rows.flat());
}

/** Structural invariants every fitted tree must satisfy. */
function checkInvariants(t: TreeArrays): void {
  for (let i = 0; i < t.nNodes; i++) {
    let sum = 0;
    for (let k = 0; k < t.nClasses; k++) sum += t.value[i * t.nClasses + k];
    expect(sum).toBeCloseTo(t.weightedNNodeSamples[i], 9);
    if (t.left[i] === TREE_LEAF) {
      expect(t.right[i]).toBe(TREE_LEAF);
      continue;
    }
    const l = t.left[i];
    const r = t.right[i];
    expect(l).toBeGreaterThan(i);
    expect(r).toBeGreaterThan(i);
    expect(t.nNodeSamples[l] + t.nNodeSamples[r]).toBe(t.nNodeSamples[i]);
    expect(t.weightedNNodeSamples[l] + t.weightedNNodeSamples[r]).toBeCloseTo(t.weightedNNodeSamples[i], 9);
    // A chosen split never increases weighted impurity.
    const dec =
      t.weightedNNodeSamples[i] * t.impurity[i] -
      t.weightedNNodeSamples[l] * t.impurity[l] -
      t.weightedNNodeSamples[r] * t.impurity[r];
    expect(dec).toBeGreaterThanOrEqual(-1e-9);
  }
}

describe('sortPairs', () => {
  it('sorts values and carries the indices along, ties and all sizes included', () => {
    const rng = new Rng(3);
    for (const n of [0, 1, 2, 5, 16, 17, 40, 300]) {
      const v = new Float32Array(n);
      for (let i = 0; i < n; i++) v[i] = Math.floor(rng.nextFloat() * 7) / 2; // many ties
      const orig = v.slice();
      const idx = Int32Array.from({ length: n }, (_, i) => i);
      sortPairs(v, idx, 0, n);
      for (let i = 1; i < n; i++) expect(v[i]).toBeGreaterThanOrEqual(v[i - 1]);
      for (let i = 0; i < n; i++) expect(v[i]).toBe(orig[idx[i]]);
      expect(Array.from(idx).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
    }
  });
});

describe('resolveMaxFeatures', () => {
  it('follows sklearn: floor of sqrt/log2, at least 1, fractions of nFeatures', () => {
    expect(resolveMaxFeatures('sqrt', 7008)).toBe(83);
    expect(resolveMaxFeatures('log2', 7008)).toBe(12);
    expect(resolveMaxFeatures('sqrt', 1)).toBe(1);
    expect(resolveMaxFeatures('all', 10)).toBe(10);
    expect(resolveMaxFeatures(0.25, 10)).toBe(2);
    expect(resolveMaxFeatures(3, 10)).toBe(3);
    expect(resolveMaxFeatures(30, 10)).toBe(10);
    expect(() => resolveMaxFeatures(0, 10)).toThrow();
  });
});

describe('DecisionTreeClassifier', () => {
  it('splits a separable problem once, at the midpoint between the classes', () => {
    // Class decided by feature 1 (> 2 is class 1); feature 0 is noise.
    const X = matrix([
      [5, 0],
      [1, 1],
      [4, 2],
      [2, 3],
      [3, 4],
      [0, 5],
    ]);
    const y = Int32Array.from([0, 0, 0, 1, 1, 1]);
    const t = new DecisionTreeClassifier().fit(X, y, 2).tree!;
    expect(t.nNodes).toBe(3);
    expect(t.feature[0]).toBe(1);
    expect(t.threshold[0]).toBe(2.5);
    expect(t.impurity[0]).toBeCloseTo(0.5, 12);
    expect(Array.from(t.value)).toEqual([3, 3, 3, 0, 0, 3]);
    checkInvariants(t);
  });

  it('learns XOR, which needs two levels of splits', () => {
    const rng = new Rng(11);
    const n = 200;
    const rows: number[][] = [];
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const a = rng.nextFloat();
      const b = rng.nextFloat();
      rows.push([rng.nextFloat(), a, rng.nextFloat(), b]);
      y[i] = (a > 0.5 ? 1 : 0) ^ (b > 0.5 ? 1 : 0);
    }
    const X = matrix(rows);
    const clf = new DecisionTreeClassifier({ seed: 1 }).fit(X, y, 2);
    const t = clf.tree!;
    expect(Array.from(clf.predict(X))).toEqual(Array.from(y)); // unlimited depth: pure leaves
    expect(treeDepth(t)).toBeGreaterThanOrEqual(2);
    checkInvariants(t);
    // Fresh points from the same rule: only the two informative features matter.
    const test = matrix([
      [0.9, 0.1, 0.9, 0.1],
      [0.1, 0.9, 0.1, 0.1],
      [0.5, 0.1, 0.5, 0.9],
      [0.3, 0.9, 0.7, 0.9],
    ]);
    expect(Array.from(clf.predict(test))).toEqual([0, 1, 1, 0]);
    // Depth 1 cannot solve XOR.
    const stump = new DecisionTreeClassifier({ maxDepth: 1 }).fit(X, y, 2);
    expect(treeDepth(stump.tree!)).toBe(1);
    let ok = 0;
    stump.predict(X).forEach((p, i) => (ok += p === y[i] ? 1 : 0));
    expect(ok / n).toBeLessThan(0.8);
  });

  it('respects minSamplesLeaf and sample weights', () => {
    const { X, y } = plantedDataset({ nSamples: 60, nFeatures: 10, nClasses: 3, nInformative: 2, shift: 1, seed: 5 });
    const t = new DecisionTreeClassifier({ minSamplesLeaf: 5 }).fit(X, y, 3).tree!;
    for (let i = 0; i < t.nNodes; i++) if (t.left[i] === TREE_LEAF) expect(t.nNodeSamples[i]).toBeGreaterThanOrEqual(5);
    checkInvariants(t);
    const w = Float64Array.from({ length: 60 }, (_, i) => (i % 4 === 0 ? 0 : (i % 3) + 1));
    const tw = new DecisionTreeClassifier().fit(X, y, 3, w).tree!;
    expect(tw.nNodeSamples[0]).toBe(45); // zero-weight samples are left out
    expect(tw.weightedNNodeSamples[0]).toBe(w.reduce((a, b) => a + b, 0));
    checkInvariants(tw);
  });

  it("chooses scikit-learn's root split on the reference slice", () => {
    // Same slice as forest_reference.py: first 48 samples, first 12 features, labels y % 3.
    const p = ref.params;
    const { X, y } = plantedDataset({
      nSamples: p.n_samples,
      nFeatures: p.n_features,
      nClasses: p.n_classes,
      nInformative: p.n_informative,
      shift: p.shift,
      seed: p.seed,
    });
    const Xs = new Float32Array(48 * 12);
    const ys = new Int32Array(48);
    for (let i = 0; i < 48; i++) {
      Xs.set(X.subarray(i * p.n_features, i * p.n_features + 12), i * 12);
      ys[i] = y[i] % 3;
    }
    const t = new DecisionTreeClassifier().fit(Xs, ys, 3).tree!;
    const r = ref.tree_root;
    expect(t.feature[0]).toBe(r.feature);
    expect(Math.abs(t.threshold[0] - r.threshold)).toBeLessThan(1e-6);
    expect(t.impurity[0]).toBeCloseTo(r.impurity, 12);
    expect(t.impurity[t.left[0]]).toBeCloseTo(r.left_impurity, 12);
    expect(t.impurity[t.right[0]]).toBeCloseTo(r.right_impurity, 12);
    expect(t.nNodeSamples[t.left[0]]).toBe(r.left_n);
    expect(t.nNodeSamples[t.right[0]]).toBe(r.right_n);
    checkInvariants(t);
  });

  it('treats values closer than 1e-7 as equal, as sklearn does', () => {
    // 0 and 5e-8 cannot be split apart; the only split is between 5e-8 and 1, and its impure left child stays a leaf.
    const X = matrix([[0], [5e-8], [1]]);
    const t = new DecisionTreeClassifier().fit(X, Int32Array.from([0, 1, 1]), 2).tree!;
    expect(t.nNodes).toBe(3);
    expect(t.threshold[0]).toBeCloseTo(0.5, 6);
    expect(t.impurity[t.left[0]]).toBe(0.5);
    expect(t.left[t.left[0]]).toBe(TREE_LEAF);
  });

  it('handles more than 65536 samples (wide codes)', () => {
    const n = 70_000;
    const rng = new Rng(8);
    const X = new Float32Array(n * 2);
    const y = new Int32Array(n);
    let maxNeg = -Infinity;
    let minPos = Infinity;
    for (let i = 0; i < n; i++) {
      X[2 * i] = Math.fround(rng.nextFloat());
      X[2 * i + 1] = Math.fround(rng.nextFloat());
      y[i] = X[2 * i] > 0.3 ? 1 : 0;
      if (y[i] === 0) maxNeg = Math.max(maxNeg, X[2 * i]);
      else minPos = Math.min(minPos, X[2 * i]);
    }
    const t = new DecisionTreeClassifier({ maxDepth: 3 }).fit(X, y, 2).tree!;
    expect(t.nNodes).toBe(3);
    expect(t.feature[0]).toBe(0);
    expect(t.threshold[0]).toBeGreaterThanOrEqual(maxNeg);
    expect(t.threshold[0]).toBeLessThan(minPos);
    checkInvariants(t);
  });

  it('rejects bad input', () => {
    const X = matrix([[1], [2]]);
    expect(() => new DecisionTreeClassifier().fit(X, Int32Array.from([0, 2]), 2)).toThrow(/label/);
    expect(() => new DecisionTreeClassifier().fit(matrix([[1], [NaN]]), Int32Array.from([0, 1]), 2)).toThrow(
      /non-finite/,
    );
    expect(() => new DecisionTreeClassifier().predict(X)).toThrow(/fit/);
  });
});
