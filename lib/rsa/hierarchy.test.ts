import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VENTRAL_STREAM_AREAS, alignment, layerHierarchy, spearmanPValue } from './hierarchy';

interface MappingCase {
  name: string;
  nLayers: number;
  areas: string[];
  rho: number[];
  p: number[];
  lowLayers: number[];
  highLayers: number[];
  score: number[];
  pairCount: number[];
  significantContacts: number[];
  contacts: number[];
  alignmentRho: number;
  alignmentP: number;
  nPairs: number;
  highLowRatio: (number | null)[];
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/hierarchy_scipy.json', import.meta.url), 'utf8')) as {
  scipy: string;
  pvalues: { rho: number; n: number; p: number }[];
  alignments: { areas: number[]; layers: number[]; rho: number; p: number }[];
  mappings: MappingCase[];
};

/** |got - want| <= tol * |want|, exact zeros included. */
function closeRel(got: number, want: number, tol: number): void {
  expect(Math.abs(got - want)).toBeLessThanOrEqual(tol * Math.abs(want));
}

describe('alignment on closed-form cases', () => {
  it('pairs on the diagonal give rho 1 (p 0), reversed pairs -1', () => {
    const areas = [0, 0, 1, 1, 2, 3, 4, 4];
    const layers = areas.map((a) => 2 * a);
    expect(alignment(areas, layers)).toEqual({ rho: 1, p: 0, nPairs: 8 });
    const reversed = alignment(
      areas,
      areas.map((a) => 8 - 2 * a),
    );
    expect(reversed.rho).toBeCloseTo(-1, 14);
    expect(reversed.p).toBe(0);
  });

  it('no pairs, one pair, or one area only: NaN', () => {
    expect(Number.isNaN(alignment([], []).rho)).toBe(true);
    expect(Number.isNaN(alignment([1], [3]).p)).toBe(true);
    expect(Number.isNaN(alignment([2, 2, 2], [1, 2, 3]).rho)).toBe(true);
    expect(Number.isNaN(spearmanPValue(0.5, 2))).toBe(true);
  });

  it('p of rho 0 is 1; p falls as n grows', () => {
    expect(spearmanPValue(0, 50)).toBeCloseTo(1, 14);
    expect(spearmanPValue(0.3, 100)).toBeLessThan(spearmanPValue(0.3, 30));
  });
});

describe(`alignment p against scipy.stats.spearmanr (SciPy ${fixture.scipy})`, () => {
  it('t-approximation over rho and n, tails included', () => {
    for (const c of fixture.pvalues) closeRel(spearmanPValue(c.rho, c.n), c.p, 1e-9);
  });

  it('rho and p of tied area/layer indices', () => {
    for (const c of fixture.alignments) {
      const res = alignment(c.areas, c.layers);
      expect(res.rho).toBeCloseTo(c.rho, 13);
      closeRel(res.p, c.p, 1e-9);
    }
  });
});

describe('area x layer mapping', () => {
  it.each(fixture.mappings.map((c) => [c.name, c] as const))('%s equals the authors\' mapping in NumPy', (_name, c) => {
    const h = layerHierarchy(c.rho, c.p, c.areas, c.nLayers, { lowLayers: c.lowLayers, highLayers: c.highLayers });
    expect(h.areas).toEqual([...VENTRAL_STREAM_AREAS]);
    h.score.forEach((v, i) => expect(v).toBeCloseTo(c.score[i], 12));
    expect(Array.from(h.pairCount)).toEqual(c.pairCount);
    expect(Array.from(h.significantContacts)).toEqual(c.significantContacts);
    expect(Array.from(h.contacts)).toEqual(c.contacts);
    expect(h.alignment.nPairs).toBe(c.nPairs);
    expect(h.alignment.rho).toBeCloseTo(c.alignmentRho, 13);
    closeRel(h.alignment.p, c.alignmentP, 1e-9);
    h.highLowRatio.forEach((v, a) => {
      const want = c.highLowRatio[a];
      if (want === null) expect(Number.isNaN(v)).toBe(true);
      else expect(v).toBeCloseTo(want, 12);
    });
  });

  it('one contact per area on its own layer: score = rho on the diagonal, alignment 1', () => {
    // 5 areas x 5 layers; contact k is significant for layer k only, with rho 0.1 (k + 1).
    const nLayers = 5;
    const rho = new Float64Array(25).fill(0.05);
    const p = new Float64Array(25).fill(0.5);
    for (let k = 0; k < 5; k++) {
      rho[k * nLayers + k] = 0.1 * (k + 1);
      p[k * nLayers + k] = 1e-4;
    }
    const h = layerHierarchy(rho, p, [...VENTRAL_STREAM_AREAS], nLayers);
    for (let a = 0; a < 5; a++) {
      for (let l = 0; l < 5; l++) expect(h.score[a * nLayers + l]).toBeCloseTo(a === l ? 0.1 * (a + 1) : 0, 15);
    }
    expect(h.alignment.rho).toBeCloseTo(1, 14);
    // Thirds of 5 layers: low = [0], high = [4].
    expect(h.lowLayers).toEqual([0]);
    expect(h.highLayers).toEqual([4]);
    expect(Array.from(h.highLowRatio)).toEqual([0, NaN, NaN, NaN, 1]);
  });

  it('the reversed hierarchy gives alignment -1; other areas and negative rho are ignored', () => {
    const areas = [...VENTRAL_STREAM_AREAS, 'other', 'BA17'];
    const nLayers = 5;
    const rho = new Float64Array(areas.length * nLayers).fill(0.3);
    const p = new Float64Array(areas.length * nLayers).fill(0.2);
    for (let k = 0; k < 5; k++) p[k * nLayers + (4 - k)] = 0;
    // 'other' is significant everywhere, the last BA17 contact only with a negative rho.
    for (let l = 0; l < nLayers; l++) p[5 * nLayers + l] = 0;
    p[6 * nLayers + 2] = 0;
    rho[6 * nLayers + 2] = -0.4;
    const h = layerHierarchy(rho, p, areas, nLayers);
    expect(h.alignment.rho).toBeCloseTo(-1, 14);
    expect(h.alignment.nPairs).toBe(5);
    expect(Array.from(h.contacts)).toEqual([2, 1, 1, 1, 1]);
    expect(Array.from(h.significantContacts)).toEqual([1, 1, 1, 1, 1]);
    expect(h.significant.subarray(5 * nLayers).every((v) => v === 0)).toBe(true);
  });

  it('FDR instead of a fixed threshold; custom area order', () => {
    const rho = Float64Array.of(0.4, 0.4, 0.4, 0.4);
    // Two contacts x two layers: BH at q = 0.05 over 4 p-values rejects p_(k) < k 0.05 / 4: 0.01, 0.02, 0.035.
    const p = Float64Array.of(0.01, 0.02, 0.035, 0.9);
    const h = layerHierarchy(rho, p, ['V4', 'V1'], 2, { areas: ['V1', 'V4'], fdrQ: 0.05 });
    expect(Array.from(h.significant)).toEqual([1, 1, 1, 0]);
    // V1 (index 0) holds the second contact, significant for layer 0 only; V4 for both layers.
    expect(Array.from(h.pairCount)).toEqual([1, 0, 1, 1]);
    const fixed = layerHierarchy(rho, p, ['V4', 'V1'], 2, { areas: ['V1', 'V4'] });
    expect(fixed.alignment.nPairs).toBe(0);
    expect(() => layerHierarchy(rho, p, ['V1'], 2)).toThrow(RangeError);
    expect(() => layerHierarchy(rho, p, ['V4', 'V1'], 2, { highLayers: [2] })).toThrow(/layer 2/);
  });
});
