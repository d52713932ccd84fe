import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Xoshiro128ss } from './prng';
import { absDiffRdm, euclideanRdm } from './rdm';
import { pearson, rankData, rsaScore, spearman, spearmanRdm, spearmanRdmPaper } from './spearman';

interface RdmCase {
  name: string;
  n: number;
  d: number;
  x: number[];
  responses: number[];
  euclidean: number[];
  correlation: number[];
  absdiff: number[];
  rankEuclidean: number[];
  rankAbsdiff: number[];
  spearmanEuclideanAbsdiff: number;
  spearmanCorrelationAbsdiff: number;
  spearmanEuclideanCorrelation: number;
  paperEuclideanAbsdiff: number;
  paperEuclideanCorrelation: number;
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/rsa_scipy.json', import.meta.url), 'utf8')) as {
  scipy: string;
  rankdata: { a: number[]; ranks: number[] }[];
  rdms: RdmCase[];
};

function normals(rng: Xoshiro128ss, count: number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    // Box-Muller; 1 - u keeps the log argument in (0, 1].
    const u = 1 - rng.nextFloat();
    out[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextFloat());
  }
  return out;
}

describe('ranks and Spearman on hand-computed examples', () => {
  it('average ranks for ties', () => {
    expect(Array.from(rankData([10, 20, 20, 30]))).toEqual([1, 2.5, 2.5, 4]);
    expect(Array.from(rankData([5, 5, 5]))).toEqual([2, 2, 2]);
    expect(rankData([1, NaN]).every(Number.isNaN)).toBe(true);
  });

  it('rho = 1 - 6 sum d^2 / (m (m^2 - 1)) without ties', () => {
    // d = [0, 1, 1, 0]: 1 - 12 / 60
    expect(spearman([1, 2, 3, 4], [1, 3, 2, 4])).toBeCloseTo(0.8, 15);
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 15);
  });

  it('paper variant counts each pair twice and the diagonal as ties', () => {
    // Full matrices flattened: a -> [0 1 2 1 0 3 2 3 0], b -> [0 1 3 1 0 2 3 2 0]; centred ranks give 48.5 / 56.5.
    expect(spearmanRdm([1, 2, 3], [1, 3, 2])).toBeCloseTo(0.5, 15);
    expect(spearmanRdmPaper([1, 2, 3], [1, 3, 2])).toBeCloseTo(48.5 / 56.5, 14);
    expect(rsaScore([1, 2, 3], [1, 3, 2], 'paper')).toBe(spearmanRdmPaper([1, 2, 3], [1, 3, 2]));
    expect(rsaScore([1, 2, 3], [1, 3, 2])).toBe(spearmanRdm([1, 2, 3], [1, 3, 2]));
  });

  it('rho = 1 for identical RDMs and monotone transforms, -1 for decreasing ones', () => {
    const rng = new Xoshiro128ss(7);
    const rdm = euclideanRdm(normals(rng, 30 * 5), 30, 5);
    expect(spearmanRdm(rdm, rdm)).toBeCloseTo(1, 14);
    expect(spearmanRdm(rdm, rdm.map((v) => Math.exp(3 * v) + 2))).toBeCloseTo(1, 14);
    expect(spearmanRdm(rdm, rdm.map((v) => v ** 3))).toBeCloseTo(1, 14);
    expect(spearmanRdm(rdm, rdm.map((v) => -Math.log(v)))).toBeCloseTo(-1, 14);
    expect(spearmanRdmPaper(rdm, rdm.map((v) => 5 * v))).toBeCloseTo(1, 14);
  });

  it('rho ~ 0 for independent random RDMs', () => {
    const rng = new Xoshiro128ss(11);
    const n = 120;
    const a = euclideanRdm(normals(rng, n * 10), n, 10);
    const b = absDiffRdm(normals(rng, n));
    expect(Math.abs(spearmanRdm(a, b))).toBeLessThan(0.05);
  });

  it('NaN for a constant RDM', () => {
    expect(Number.isNaN(spearmanRdm([1, 1, 1], [1, 2, 3]))).toBe(true);
  });

  it('paper variant: a constant RDM still correlates with anything through the zero diagonal', () => {
    // A pitfall of the full-matrix score worth knowing: the diagonal alone gives rho > 0.
    expect(spearmanRdmPaper([1, 1, 1], [1, 2, 3])).toBeGreaterThan(0.5);
  });
});

describe(`ranks and Spearman against scipy.stats (SciPy ${fixture.scipy})`, () => {
  it('rankdata', () => {
    for (const c of fixture.rankdata) expect(Array.from(rankData(c.a))).toEqual(c.ranks);
  });

  it.each(fixture.rdms.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const x = Float32Array.from(c.x);
    const eu = euclideanRdm(x, c.n, c.d);
    // SciPy's correlation distances as input: with tied integer data, last-bit rounding differences in the
    // distances (within 1e-10, checked in rdm.test.ts) would split or merge ties and change the ranks.
    const co = c.correlation;
    const ad = absDiffRdm(c.responses);
    expect(Array.from(rankData(ad))).toEqual(c.rankAbsdiff);
    expect(Array.from(rankData(c.euclidean))).toEqual(c.rankEuclidean);
    const close = (got: number, want: number): void => expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-10);
    close(spearmanRdm(c.euclidean, c.absdiff), c.spearmanEuclideanAbsdiff);
    close(spearmanRdm(eu, ad), c.spearmanEuclideanAbsdiff);
    close(spearmanRdm(co, ad), c.spearmanCorrelationAbsdiff);
    close(spearmanRdm(eu, co), c.spearmanEuclideanCorrelation);
    close(spearmanRdmPaper(eu, ad), c.paperEuclideanAbsdiff);
    close(spearmanRdmPaper(eu, co), c.paperEuclideanCorrelation);
  });
});
