import { describe, expect, it } from 'vitest';
import { commonGrid, cosineSimilarity, mapSimilarity, resampleMap, type GridMap } from './similarity';

const range = (start: number, stop: number, step = 1) => Array.from({ length: Math.round((stop - start) / step) + 1 }, (_, i) => start + i * step);
/** The paper's grid: 4..149 Hz in 1 Hz steps, 48 bins of 31.25 ms from -500 ms. */
const freqs = range(4, 149);
const times = range(0, 47).map((i) => -0.5 + i * 0.03125);

/** A map on a grid that is `value` inside a time-frequency box and 0 elsewhere. */
function box(fs: readonly number[], ts: readonly number[], b: { fMin: number; fMax: number; tMin: number; tMax: number }, value = 1): GridMap {
  const values = fs.flatMap((f) => ts.map((t) => (f >= b.fMin && f <= b.fMax && t >= b.tMin && t <= b.tMax ? value : 0)));
  return { values, freqs: fs, times: ts };
}

const faceGamma = { fMin: 70, fMax: 149, tMin: 0.1, tMax: 0.35 };
const houseAlpha = { fMin: 4, fMax: 12, tMin: 0.2, tMax: 0.5 };

describe('cosineSimilarity', () => {
  it('is 1 for the same vector, -1 for its negation, 0 for orthogonal ones, and null for a zero vector', () => {
    expect(cosineSimilarity([1, 2, 3], [1, 2, 3])).toBeCloseTo(1, 12);
    expect(cosineSimilarity([1, 2, 3], [-1, -2, -3])).toBeCloseTo(-1, 12);
    expect(cosineSimilarity([1, 0, 1], [0, 5, 0])).toBe(0);
    expect(cosineSimilarity([0, 0], [1, 2])).toBeNull();
    expect(() => cosineSimilarity([1], [1, 2])).toThrow(/1 and 2/);
  });
});

describe('mapSimilarity', () => {
  it('gives 1 for identical maps, -1 for a negated one, and 0 for patterns in separate boxes', () => {
    const face = box(freqs, times, faceGamma);
    expect(mapSimilarity(face, face)).toBeCloseTo(1, 12);
    expect(mapSimilarity(face, { ...face, values: Array.from(face.values, (v) => -v) })).toBeCloseTo(-1, 12);
    expect(mapSimilarity(face, box(freqs, times, houseAlpha))).toBe(0);
  });

  it('does not depend on the scale of either map', () => {
    const face = box(freqs, times, faceGamma);
    const mixed: GridMap = { ...face, values: Array.from(face.values, (v, i) => v + 0.3 * Math.sin(i)) };
    const s = mapSimilarity(face, mixed)!;
    expect(s).toBeGreaterThan(0);
    expect(s).toBeLessThan(1);
    expect(mapSimilarity({ ...face, values: Array.from(face.values, (v) => 7 * v) }, { ...mixed, values: Array.from(mixed.values, (v) => 0.01 * v) })).toBeCloseTo(s, 12);
  });

  it('compares maps on different grids over their common region', () => {
    // The same planted box on a coarser grid (2 Hz steps, 62.5 ms bins) is nearly the same pattern.
    const coarse = box(range(4, 148, 2), range(0, 23).map((i) => -0.5 + i * 0.0625), faceGamma);
    expect(mapSimilarity(box(freqs, times, faceGamma), coarse)).toBeGreaterThan(0.9);
    // Only 30-60 Hz is shared: equal there, different outside, so they are the same pattern where both look.
    const low = box(range(4, 60), times, { fMin: 30, fMax: 45, tMin: 0, tMax: 0.2 });
    const high = box(range(30, 149), times, { fMin: 30, fMax: 45, tMin: 0, tMax: 0.2 });
    const highValues = Array.from(high.values);
    range(30, 149).forEach((f, i) => f > 60 && times.forEach((_, j) => (highValues[i * times.length + j] = -1)));
    expect(mapSimilarity(low, { ...high, values: highValues })).toBeCloseTo(1, 12);
  });

  it('is null when the maps share no frequencies or no times, or one is all zeros where they overlap', () => {
    const low = box(range(4, 30), times, houseAlpha);
    expect(mapSimilarity(low, box(range(70, 149), times, faceGamma))).toBeNull();
    expect(mapSimilarity(low, box(range(4, 30), [1, 2], houseAlpha))).toBeNull();
    expect(mapSimilarity(low, box(range(4, 30), times, faceGamma))).toBeNull();
  });
});

describe('resampleMap', () => {
  it('reproduces a map linear in frequency and time exactly on a finer grid', () => {
    const linear = (f: number, t: number) => 0.5 * f - 3 * t + 2;
    const fs = range(4, 148, 8);
    const ts = range(0, 11).map((i) => -0.5 + i * 0.125);
    const map = { values: fs.flatMap((f) => ts.map((t) => linear(f, t))), freqs: fs, times: ts };
    const fine = { freqs: range(4, 148, 1.5), times: range(0, 44).map((i) => -0.5 + i * 0.03125) };
    const out = resampleMap(map, fine.freqs, fine.times);
    fine.freqs.forEach((f, i) => fine.times.forEach((t, j) => expect(out[i * fine.times.length + j]).toBeCloseTo(linear(f, t), 10)));
  });

  it('refuses points outside the map instead of extrapolating', () => {
    const map = box(range(4, 30), times, houseAlpha);
    expect(() => resampleMap(map, [2], times)).toThrow(/frequency 2 is outside/);
  });

  it('handles a single frequency row', () => {
    const row = { values: [0, 10, 20], freqs: [40], times: [0, 1, 2] };
    expect(Array.from(resampleMap(row, [40], [0.5, 1.5]))).toEqual([5, 15]);
  });
});

describe('commonGrid', () => {
  it('takes both grids’ points inside the overlap, and is the grid itself for equal grids', () => {
    expect(commonGrid({ freqs: [4, 6, 8, 10], times: [0, 1] }, { freqs: [5, 7, 9, 11, 13], times: [0, 1] })).toEqual({ freqs: [5, 6, 7, 8, 9, 10], times: [0, 1] });
    expect(commonGrid({ freqs, times }, { freqs, times })).toEqual({ freqs, times });
    expect(commonGrid({ freqs: [4, 8], times: [0, 1] }, { freqs: [9, 12], times: [0, 1] })).toBeNull();
  });
});
