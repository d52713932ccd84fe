import { describe, expect, it } from 'vitest';
import { plantedDataset } from '../forest/planted';
import { Rng } from '../../synthetic/random';
import { crossValidateSom, evaluateSom, somChanceLevel } from './quality';

const CLASSES = ['left', 'right', 'rest'];
const SMALL = { rows: 6, cols: 6, epochs: 5 };

describe('evaluateSom', () => {
  it('finds planted classes well above a shuffled-label chance level', () => {
    const nFeatures = 10;
    const { X, y } = plantedDataset({ nSamples: 240, nFeatures, nClasses: 3, nInformative: 2, shift: 2.5, seed: 5 });
    const reported: number[] = [];
    const e = evaluateSom(X, y, CLASSES, { som: SMALL, nShuffles: 10, seed: 1, progress: (f) => reported.push(f) });
    // One report per map fitted: the full map, 5 folds, 5 folds of each of 10 shuffles; rising to 1.
    expect(reported).toHaveLength(56);
    expect(reported.every((f, i) => i === 0 || f > reported[i - 1]!)).toBe(true);
    expect(reported.at(-1)).toBeCloseTo(1, 12);
    const cv = e.crossValidation;
    expect(cv.accuracy).toBeGreaterThan(0.85);
    expect(cv.confusion.reduce((a, b) => a + b, 0)).toBe(240);
    expect(Array.from(cv.f1).every((f) => f > 0.8)).toBe(true);
    expect(e.chance.accuracies.length).toBe(10);
    expect(Math.abs(e.chance.mean - 1 / 3)).toBeLessThan(0.08);
    expect(e.chance.p95).toBeLessThan(0.5);
    expect(cv.accuracy).toBeGreaterThan(e.chance.mean + 5 * e.chance.sd);
    expect(e.pairs.map((p) => [p.classA, p.classB])).toEqual([
      ['left', 'right'],
      ['left', 'rest'],
      ['right', 'rest'],
    ]);
    for (const p of e.pairs) {
      expect(p.accuracy).toBeGreaterThan(0.9);
      expect(p.overlap).toBeLessThan(0.2);
    }
    expect(e.topographicError).toBeLessThan(0.15);
    expect(e.quantisationError).toBeGreaterThan(0);
  });

  it('stays at chance when the classes are not there', () => {
    const nFeatures = 8;
    const { X, y } = plantedDataset({ nSamples: 240, nFeatures, nClasses: 3, nInformative: 2, shift: 0, seed: 9 });
    const e = evaluateSom(X, y, CLASSES, { som: SMALL, nShuffles: 10, seed: 2 });
    expect(Math.abs(e.crossValidation.accuracy - e.chance.mean)).toBeLessThan(3 * e.chance.sd + 0.03);
    for (const p of e.pairs) {
      expect(Math.abs(p.accuracy - 0.5)).toBeLessThan(0.12);
      expect(p.overlap).toBeGreaterThan(0.8);
    }
  });
});

describe('groups', () => {
  // 60 trials of 5 nearly identical windows each; trial labels are random, so nothing is learnable across trials.
  const nFeatures = 6;
  const rng = new Rng(4);
  const nTrials = 60;
  const X = new Float64Array(nTrials * 5 * nFeatures);
  const y = new Int32Array(nTrials * 5);
  const groups = new Int32Array(nTrials * 5);
  for (let t = 0; t < nTrials; t++) {
    const centre = Array.from({ length: nFeatures }, () => rng.gaussian());
    const label = t % 3;
    for (let w = 0; w < 5; w++) {
      const i = t * 5 + w;
      for (let d = 0; d < nFeatures; d++) X[i * nFeatures + d] = centre[d] + rng.gaussian(0, 0.01);
      y[i] = label;
      groups[i] = 100 + t;
    }
  }

  it('keep a trial in one fold: no leak from its twin windows', () => {
    const leaky = crossValidateSom(X, y, CLASSES, { som: SMALL });
    const grouped = crossValidateSom(X, y, CLASSES, { som: SMALL, groups });
    expect(leaky.accuracy).toBeGreaterThan(0.6);
    expect(grouped.accuracy).toBeLessThan(0.5);
  });

  it('shuffle labels per trial and reject trials that mix classes', () => {
    const chance = somChanceLevel(X, y, CLASSES, { som: SMALL, groups, nShuffles: 4 });
    expect(chance.mean).toBeLessThan(0.5);
    const mixed = groups.slice();
    mixed[5] = groups[0];
    expect(() => crossValidateSom(X, y, CLASSES, { groups: mixed })).toThrow(/mixes classes/);
  });
});
