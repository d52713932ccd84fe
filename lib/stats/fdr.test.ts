import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fdrCorrection, type FdrMethod } from './fdr';

interface FdrCase {
  name: string;
  pvals: number[];
  alpha: number;
  method: FdrMethod;
  reject: boolean[];
  pvalsCorrected: number[];
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/fdr_mne.json', import.meta.url), 'utf8')) as {
  mne: string;
  cases: FdrCase[];
};

describe(`fdrCorrection against mne.stats.fdr_correction ${fixture.mne}`, () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const { reject, pvalsCorrected } = fdrCorrection(c.pvals, c.alpha, c.method);
    expect(reject).toEqual(c.reject);
    expect(pvalsCorrected.length).toBe(c.pvals.length);
    for (let i = 0; i < c.pvals.length; i++) {
      const want = c.pvalsCorrected[i];
      const got = pvalsCorrected[i];
      expect(got === want || Math.abs(got - want) / Math.abs(want) < 1e-10).toBe(true);
    }
  });

  it('matches the textbook step-up on a hand-worked example', () => {
    // sorted p: .001 .008 .039 .041 .042 .06 .074 .205; m = 8, alpha = .05 -> thresholds k * .00625
    const p = [0.041, 0.001, 0.205, 0.008, 0.039, 0.06, 0.042, 0.074];
    const { reject, pvalsCorrected } = fdrCorrection(p, 0.05);
    expect(reject).toEqual([false, true, false, true, false, false, false, false]);
    expect(pvalsCorrected[1]).toBeCloseTo(0.008, 12);
    expect(pvalsCorrected[3]).toBeCloseTo(0.032, 12);
    expect(pvalsCorrected[2]).toBeCloseTo(0.205, 12);
  });

  it('handles empty input and rejects NaN', () => {
    const r = fdrCorrection([]);
    expect(r.reject).toEqual([]);
    expect(r.pvalsCorrected.length).toBe(0);
    expect(() => fdrCorrection([0.1, NaN])).toThrow(RangeError);
  });
});
