import { describe, expect, it } from 'vitest';
import { RandomForestClassifier } from './forest';
import { categoryImportance, mdiImportance, treeMdi } from './importance';
import { Rng } from './rng';
import { TREE_LEAF, TREE_UNDEFINED, type TreeArrays } from './tree';

/**
 * A hand-built tree, 2 classes, 3 features (feature 2 never used):
 *   0: x0 <= 0.5, N=10, [5, 5], gini 0.5
 *   ├─ 1: x1 <= 0.5, N=6, [5, 1], gini 1 - 26/36 = 10/36
 *   │   ├─ 2: leaf N=5 [5, 0]
 *   │   └─ 3: leaf N=1 [0, 1]
 *   └─ 4: leaf N=4 [0, 4]
 * Decreases: node 0: 10 * 0.5 - 6 * 10/36 = 10/3; node 1: 6 * 10/36 = 5/3.
 */
function handTree(): TreeArrays {
  const L = TREE_LEAF;
  const U = TREE_UNDEFINED;
  return {
    nNodes: 5,
    nFeatures: 3,
    nClasses: 2,
    feature: Int32Array.from([0, 1, U, U, U]),
    threshold: Float32Array.from([0.5, 0.5, U, U, U]),
    left: Int32Array.from([1, 2, L, L, L]),
    right: Int32Array.from([4, 3, L, L, L]),
    value: Float64Array.from([5, 5, 5, 1, 5, 0, 0, 1, 0, 4]),
    impurity: Float64Array.from([0.5, 10 / 36, 0, 0, 0]),
    nNodeSamples: Int32Array.from([10, 6, 5, 1, 4]),
    weightedNNodeSamples: Float64Array.from([10, 6, 5, 1, 4]),
  };
}

describe('mdiImportance', () => {
  it('matches hand-computed mean decrease in impurity', () => {
    const t = handTree();
    const expected = [2 / 3, 1 / 3, 0];
    Array.from(treeMdi(t)).forEach((v, j) => expect(v).toBeCloseTo(expected[j], 12));
    // A single-leaf tree is left out of the forest mean, as in sklearn.
    const leaf: TreeArrays = {
      ...handTree(),
      nNodes: 1,
      feature: Int32Array.from([TREE_UNDEFINED]),
      left: Int32Array.from([TREE_LEAF]),
      right: Int32Array.from([TREE_LEAF]),
    };
    const mdi = mdiImportance({ trees: [t, leaf], nFeatures: 3, nClasses: 2 });
    Array.from(mdi).forEach((v, j) => expect(v).toBeCloseTo(expected[j], 12));
    expect(Array.from(mdiImportance({ trees: [leaf], nFeatures: 3, nClasses: 2 }))).toEqual([0, 0, 0]);
  });
});

describe('categoryImportance', () => {
  it('adds the ancestors of every leaf holding the class, per leaf', () => {
    const [c0, c1] = categoryImportance({ trees: [handTree()], nFeatures: 3, nClasses: 2 });
    // Class 0 lives only in leaf 2: ancestors 1 (x1, 5/3) and 0 (x0, 10/3).
    [2 / 3, 1 / 3, 0].forEach((v, j) => expect(c0[j]).toBeCloseTo(v, 12));
    // Class 1 lives in leaves 3 (ancestors 1 and 0) and 4 (ancestor 0): x0 gets 2 * 10/3, x1 gets 5/3.
    [0.8, 0.2, 0].forEach((v, j) => expect(c1[j]).toBeCloseTo(v, 12));
  });

  it('splits each Gini decrease into per-class parts (class-gini)', () => {
    // Root [5, 5] N=10: N p (1 - p) = 2.5 per class; node 1 [5, 1] N=6: 5/6 per class; leaves 0.
    // Per class: root 2.5 - 5/6 = 5/3 on x0, node 1 5/6 on x1 (two classes always share equally).
    const maps = categoryImportance({ trees: [handTree()], nFeatures: 3, nClasses: 2 }, { method: 'class-gini' });
    for (const m of maps) [2 / 3, 1 / 3, 0].forEach((v, j) => expect(m[j]).toBeCloseTo(v, 12));
  });

  describe('on a planted 3-class problem (class c has feature c raised, features 3..29 are noise)', () => {
    const rng = new Rng(21);
    const n = 150;
    const nF = 30;
    const X = new Float32Array(n * nF);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = i % 3;
      for (let j = 0; j < nF; j++) {
        const noise = (rng.nextFloat() + rng.nextFloat() + rng.nextFloat() - 1.5) * 2;
        X[i * nF + j] = noise + (j === y[i] ? 3 : 0);
      }
    }
    const rf = new RandomForestClassifier({ nEstimators: 200, seed: 4 }).fit(X, y, 3);

    it('class-gini puts class c importance on feature c', () => {
      categoryImportance(rf, { method: 'class-gini' }).forEach((imp, c) => {
        expect(imp.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
        expect(imp.indexOf(Math.max(...imp))).toBe(c);
        // Its own feature outweighs the other two planted features together.
        expect(imp[c]).toBeGreaterThan(imp[(c + 1) % 3] + imp[(c + 2) % 3]);
      });
    });

    it('class-gini maps add up to plain MDI before normalisation', () => {
      const raw = categoryImportance({ trees: [rf.trees[0]], nFeatures: nF, nClasses: 3 }, { method: 'class-gini' });
      // Undo the per-class normalisation with each class's total decrease, then compare shapes with MDI.
      const t = rf.trees[0];
      const totals = [0, 0, 0];
      for (let i = 0; i < t.nNodes; i++) {
        if (t.left[i] === TREE_LEAF) continue;
        for (let c = 0; c < 3; c++) {
          const g = (k: number): number => {
            const v = t.value[k * 3 + c];
            return (v * (t.weightedNNodeSamples[k] - v)) / t.weightedNNodeSamples[k];
          };
          totals[c] += g(i) - g(t.left[i]) - g(t.right[i]);
        }
      }
      const sum = new Float64Array(nF);
      raw.forEach((m, c) => m.forEach((v, j) => (sum[j] += v * totals[c])));
      const s = sum.reduce((a, b) => a + b, 0);
      const mdi = treeMdi(t);
      sum.forEach((v, j) => expect(v / s).toBeCloseTo(mdi[j], 10));
    });

    it('leaf-paths (the paper) sees the planted features but does not tell which class each one serves', () => {
      const maps = categoryImportance(rf);
      maps.forEach((imp) => {
        expect(imp.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
        const maxNoise = Math.max(...imp.subarray(3));
        for (let j = 0; j < 3; j++) expect(imp[j]).toBeGreaterThan(maxNoise);
      });
      // Known property of the method (reproduced with scikit-learn and the authors' algorithm): feature c weighs
      // no more in c's own map than on average in the other two, because isolating c leaves few c leaves below
      // the split and many leaves of the other classes.
      for (let c = 0; c < 3; c++) {
        const others = (maps[(c + 1) % 3][c] + maps[(c + 2) % 3][c]) / 2;
        expect(maps[c][c]).toBeLessThan(others);
      }
      // Plain MDI sees the three planted features, without telling which class each one serves.
      const mdi = mdiImportance(rf);
      expect(mdi[0] + mdi[1] + mdi[2]).toBeGreaterThan(0.5);
    });
  });
});
