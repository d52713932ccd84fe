import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { erf, erfc, normCdf, normSf } from './normal';
import { rankdata, wilcoxon, wilcoxonPmf, type WilcoxonOptions } from './wilcoxon';

interface PyOptions {
  zero_method?: 'wilcox' | 'pratt' | 'zsplit';
  correction?: boolean;
  alternative?: 'two-sided' | 'less' | 'greater';
  method?: 'auto' | 'exact' | 'approx';
}
interface WilcoxonCase {
  name: string;
  x: number[];
  y: number[] | null;
  options: PyOptions;
  statistic?: number;
  pvalue?: number;
  error?: string;
}
interface Fixture {
  scipy: string;
  cases: WilcoxonCase[];
  ndtr: { z: number; ndtr: number }[];
}

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/wilcoxon_scipy.json', import.meta.url), 'utf8'),
) as Fixture;

function toOptions(o: PyOptions): WilcoxonOptions {
  return { zeroMethod: o.zero_method, correction: o.correction, alternative: o.alternative, method: o.method };
}

function relErr(a: number, b: number): number {
  if (a === b) return 0;
  return Math.abs(a - b) / Math.abs(b);
}

describe('normal distribution', () => {
  it.each(fixture.ndtr.map((c) => [c.z, c.ndtr] as const))('ndtr(%d) matches scipy.special.ndtr', (z, expected) => {
    const got = normCdf(z);
    if (expected === 0) expect(got).toBeLessThan(1e-300);
    else expect(relErr(got, expected)).toBeLessThan(1e-13);
    // sf(z) = ndtr(-z)
    expect(normSf(-z)).toBe(got);
  });

  it('erf and erfc agree with known values and each other', () => {
    expect(erf(0)).toBe(0);
    expect(relErr(erf(0.5), 0.5204998778130465)).toBeLessThan(1e-15);
    expect(relErr(erf(-1), -0.8427007929497149)).toBeLessThan(1e-15);
    expect(relErr(erfc(3), 2.209049699858544e-5)).toBeLessThan(1e-14);
    expect(relErr(erfc(10), 2.088487583762545e-45)).toBeLessThan(1e-14);
    expect(relErr(erfc(-2), 1.9953222650189528)).toBeLessThan(1e-15);
    for (const x of [0.1, 0.7, 1.5, 1.99, 2.01, 3.3, 5]) expect(Math.abs(erf(x) + erfc(x) - 1)).toBeLessThan(1e-15);
    expect(Number.isNaN(erfc(NaN))).toBe(true);
  });
});

describe('rankdata and the exact null distribution', () => {
  it('averages tied ranks', () => {
    expect([...rankdata([3, 1, 4, 1, 5, 9, 2, 6, 5])]).toEqual([4, 1.5, 5, 1.5, 6.5, 9, 3, 8, 6.5]);
  });

  it('pmf of r_plus sums to one and is symmetric', () => {
    for (const n of [1, 5, 20, 50]) {
      const p = wilcoxonPmf(n);
      expect(p.length).toBe((n * (n + 1)) / 2 + 1);
      expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
      for (let i = 0; i < p.length; i++) expect(p[i]).toBe(p[p.length - 1 - i]);
    }
    // n = 3: sums 0..6 -> counts 1 1 1 2 1 1 1 over 8
    expect([...wilcoxonPmf(3)]).toEqual([1, 1, 1, 2, 1, 1, 1].map((c) => c / 8));
  });
});

describe(`wilcoxon against scipy.stats.wilcoxon ${fixture.scipy}`, () => {
  const ok = fixture.cases.filter((c) => c.error === undefined);
  it.each(ok.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const res = wilcoxon(c.x, c.y, toOptions(c.options));
    expect(res.statistic).toBe(c.statistic);
    expect(relErr(res.pvalue, c.pvalue as number)).toBeLessThan(1e-10);
  });

  it('uses the exact distribution exactly where SciPy 1.10 does', () => {
    const methodOf = (name: string): string => {
      const c = fixture.cases.find((k) => k.name === name) as WilcoxonCase;
      return wilcoxon(c.x, c.y, toOptions(c.options)).method;
    };
    expect(methodOf('exact_n50')).toBe('exact');
    expect(methodOf('exact_ties_n40')).toBe('exact'); // ties alone keep it exact
    expect(methodOf('approx_zeros_n20')).toBe('approx'); // zeros switch to the approximation
    expect(methodOf('approx_n51')).toBe('approx');
    expect(methodOf('forced_exact_n60')).toBe('exact');
  });

  it.each(fixture.cases.filter((c) => c.error !== undefined).map((c) => [c.name, c] as const))(
    '%s throws like SciPy',
    (_name, c) => {
      expect(() => wilcoxon(c.x, c.y, toOptions(c.options))).toThrow(/zero for all elements/);
    },
  );

  it('propagates NaN and handles empty input and length mismatch', () => {
    const r = wilcoxon([1, NaN, 3], [0, 0, 0]);
    expect(Number.isNaN(r.statistic) && Number.isNaN(r.pvalue)).toBe(true);
    expect(Number.isNaN(wilcoxon([]).pvalue)).toBe(true);
    expect(() => wilcoxon([1, 2], [1])).toThrow(RangeError);
  });
});
