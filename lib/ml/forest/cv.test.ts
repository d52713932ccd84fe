import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  accuracy,
  confusionMatrix,
  crossValPredict,
  f1PerClass,
  foldsFromAssignment,
  labelShuffleNull,
  percentile,
  permuteLabels,
  stratifiedKFold,
} from './cv';
import { plantedDataset } from './planted';

const ref = JSON.parse(readFileSync(new URL('./fixtures/sklearn_reference.json', import.meta.url), 'utf8')) as {
  stratified_unshuffled: { y: number[]; test_fold: number[] };
};

describe('stratifiedKFold', () => {
  it("equals scikit-learn's StratifiedKFold(5) without shuffling (uneven classes)", () => {
    const y = Int32Array.from(ref.stratified_unshuffled.y);
    expect(Array.from(stratifiedKFold(y, 5))).toEqual(ref.stratified_unshuffled.test_fold);
  });

  it('shuffled: balanced per class, deterministic by seed, seed-dependent', () => {
    const y = Int32Array.from({ length: 83 }, (_, i) => (i * 7) % 4);
    const a = stratifiedKFold(y, 5, { shuffle: true, seed: 1 });
    expect(stratifiedKFold(y, 5, { shuffle: true, seed: 1 })).toEqual(a);
    expect(stratifiedKFold(y, 5, { shuffle: true, seed: 2 })).not.toEqual(a);
    for (let c = 0; c < 4; c++) {
      const perFold = [0, 0, 0, 0, 0];
      y.forEach((v, i) => (perFold[a[i]] += v === c ? 1 : 0));
      expect(Math.max(...perFold) - Math.min(...perFold)).toBeLessThanOrEqual(1);
    }
    const folds = foldsFromAssignment(a);
    expect(folds).toHaveLength(5);
    for (const f of folds) expect(f.train.length + f.test.length).toBe(83);
  });

  it('rejects impossible splits', () => {
    expect(() => stratifiedKFold(Int32Array.from([0, 1, 0, 1]), 5)).toThrow();
    expect(() => stratifiedKFold(Int32Array.from([0, 1, 0, 1]), 1)).toThrow();
  });
});

describe('metrics', () => {
  // Hand count: class 0 TP 3 FP 1 FN 1 -> 6/8; class 1 TP 1 FP 1 FN 1 -> 2/4; class 2 TP 3 FP 1 FN 1 -> 6/8;
  // class 3 never occurs -> 0. scikit-learn's f1_score(average=None) gives [0.75, 0.5, 0.75].
  const yTrue = Int32Array.from([0, 0, 0, 1, 1, 2, 2, 2, 2, 0]);
  const yPred = Int32Array.from([0, 0, 1, 1, 2, 2, 2, 0, 2, 0]);

  it('per-class F1 and accuracy match hand-computed values', () => {
    expect(Array.from(f1PerClass(yTrue, yPred, 4))).toEqual([0.75, 0.5, 0.75, 0]);
    expect(accuracy(yTrue, yPred)).toBe(0.7);
    expect(Array.from(confusionMatrix(yTrue, yPred, 3))).toEqual([3, 1, 0, 0, 1, 1, 1, 0, 3]);
  });

  it('percentile interpolates like numpy', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([1, 2, 3, 4, 5], 90)).toBeCloseTo(4.6, 12);
    expect(percentile([3, 1, 2], 99.999)).toBeCloseTo(2.99998, 12);
    expect(percentile([3, 1, 2], 0)).toBe(1);
  });

  it('permuteLabels keeps class counts', () => {
    const p = permuteLabels(yTrue, 3);
    expect(Array.from(p).sort()).toEqual(Array.from(yTrue).sort());
    expect(p).not.toEqual(yTrue);
  });
});

describe('crossValPredict and labelShuffleNull', () => {
  const { X, y } = plantedDataset({ nSamples: 60, nFeatures: 40, nClasses: 3, nInformative: 3, shift: 2, seed: 77 });

  it('predicts every sample out of fold, well above chance on planted data', () => {
    const folds = stratifiedKFold(y, 5, { shuffle: true, seed: 0 });
    const { predictions, proba } = crossValPredict(X, y, 3, folds, { nEstimators: 50, seed: 1 });
    expect(proba.length).toBe(60 * 3);
    expect(accuracy(y, predictions)).toBeGreaterThan(0.8);
    for (const f1 of f1PerClass(y, predictions, 3)) expect(f1).toBeGreaterThan(0.6);
  });

  it('gives F1 near chance on shuffled labels', () => {
    const nullF1 = labelShuffleNull(X, y, 3, { nPermutations: 6, seed: 2, forest: { nEstimators: 30, seed: 1 } });
    expect(nullF1.length).toBe(6 * 3);
    const mean = nullF1.reduce((a, b) => a + b, 0) / nullF1.length;
    expect(mean).toBeGreaterThan(0.1);
    expect(mean).toBeLessThan(0.5); // chance for 3 balanced classes is 1/3
    expect(percentile(nullF1, 99)).toBeLessThan(0.7);
  });
});
