import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { asset } from '../atlas/test-assets';
import { PointGrid } from './grid';
import { readMz3 } from './mz3';
import { SurfaceProjector } from './projection';

/** A flat 101 x 101 sheet of vertices 1 mm apart in z = 0, centred on the origin. */
function sheet(): Float32Array {
  const v = new Float32Array(101 * 101 * 3);
  for (let j = 0; j <= 100; j++) for (let i = 0; i <= 100; i++) v.set([i - 50, j - 50, 0], 3 * (j * 101 + i));
  return v;
}
const vertexAt = (x: number, y: number) => (y + 50) * 101 + (x + 50);

/** Deterministic pseudo-random numbers (a tiny LCG), so failures reproduce. */
function random(seed: number) {
  let s = seed;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

describe('PointGrid', () => {
  const rand = random(7);
  const points = Float32Array.from({ length: 3000 }, () => rand() * 100 - 50);
  const grid = new PointGrid(points, 6);
  const brute = (x: number, y: number, z: number) => {
    let best = -1;
    let bestD = Infinity;
    for (let i = 0; i < 1000; i++) {
      const d = Math.hypot(points[3 * i] - x, points[3 * i + 1] - y, points[3 * i + 2] - z);
      if (d < bestD) [best, bestD] = [i, d];
    }
    return { best, bestD };
  };

  it('finds the nearest point, inside the grid and far outside it', () => {
    for (let q = 0; q < 200; q++) {
      const spread = q < 100 ? 100 : 600;
      const [x, y, z] = [rand() * spread - spread / 2, rand() * spread - spread / 2, rand() * spread - spread / 2];
      expect(grid.nearest(x, y, z)).toBe(brute(x, y, z).best);
    }
  });

  it('honours maxDistance and visits exactly the points within a radius', () => {
    const { best, bestD } = brute(3, -4, 60);
    expect(grid.nearest(3, -4, 60, bestD - 0.01)).toBe(-1);
    expect(grid.nearest(3, -4, 60, bestD + 0.01)).toBe(best);
    const seen: number[] = [];
    grid.forEachWithin(1, 2, 3, 14, (i, d2) => {
      expect(d2).toBeCloseTo((points[3 * i] - 1) ** 2 + (points[3 * i + 1] - 2) ** 2 + (points[3 * i + 2] - 3) ** 2, 3);
      seen.push(i);
    });
    const expected = [];
    for (let i = 0; i < 1000; i++) if (Math.hypot(points[3 * i] - 1, points[3 * i + 1] - 2, points[3 * i + 2] - 3) <= 14) expected.push(i);
    expect(seen.sort((a, b) => a - b)).toEqual(expected);
    expect(new PointGrid(new Float32Array(0), 5).nearest(0, 0, 0)).toBe(-1);
  });
});

describe('SurfaceProjector', () => {
  const vertices = sheet();

  it('a lone electrode of value 1 on the surface is a Gaussian bump peaking at 1 on its vertex, 0 far away', () => {
    const sigma = 5;
    const { values, weight } = new SurfaceProjector(vertices, new Float32Array([10, -20, 0]), { sigma }).project([1]);
    expect(values[vertexAt(10, -20)]).toBeCloseTo(1, 6);
    for (const [x, y] of [[11, -20], [13, -16], [10, -10], [20, -20]]) {
      const d2 = (x - 10) ** 2 + (y + 20) ** 2;
      expect(values[vertexAt(x, y)]).toBeCloseTo(Math.exp(-d2 / (2 * sigma * sigma)), 6);
    }
    // beyond the cutoff (3 sigma = 15 mm): exactly 0, and no weight
    expect(values[vertexAt(26, -20)]).toBe(0);
    expect(values[vertexAt(-50, 50)]).toBe(0);
    expect(weight[vertexAt(-50, 50)]).toBe(0);
    let peak = 0;
    for (let v = 0; v < values.length; v++) if (values[v] > values[peak]) peak = v;
    expect(peak).toBe(vertexAt(10, -20));
  });

  it('an electrode off the surface peaks on the nearest vertex, scaled by its distance', () => {
    const { values } = new SurfaceProjector(vertices, new Float32Array([0.2, 0.1, 3]), { sigma: 4, cutoff: 20 }).project([2]);
    let peak = 0;
    for (let v = 0; v < values.length; v++) if (values[v] > values[peak]) peak = v;
    expect(peak).toBe(vertexAt(0, 0));
    expect(values[peak]).toBeCloseTo(2 * Math.exp(-(0.04 + 0.01 + 9) / 32), 5);
  });

  it('where kernels overlap it is the weighted mean: crowded contacts never exceed the data', () => {
    const rand = random(3);
    const n = 400;
    const electrodes = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) electrodes.set([rand() * 20 - 10, rand() * 20 - 10, 0], 3 * i);
    const projector = new SurfaceProjector(vertices, electrodes, { sigma: 3 });
    const { values, weight } = projector.project(new Float64Array(n).fill(7));
    expect(values[vertexAt(0, 0)]).toBeCloseTo(7, 5);
    expect(weight[vertexAt(0, 0)]).toBeGreaterThan(10);
    for (const x of values) expect(x).toBeLessThanOrEqual(7 + 1e-5);
    // NaN contacts are left out; the buffers of a previous projection are reused
    const mixed = Float64Array.from({ length: n }, (_, i) => (i % 2 ? NaN : -1));
    const again = projector.project(mixed, { values, weight });
    expect(again.values).toBe(values);
    expect(values[vertexAt(0, 0)]).toBeCloseTo(-1, 5);
  });

  it('rejects a kernel without width', () => {
    expect(() => new SurfaceProjector(vertices, new Float32Array(3), { sigma: 0 })).toThrow(/positive/);
  });
});

const lhFile = asset('mesh', 'BrainMesh_ICBM152.lh.mz3');
describe.skipIf(!existsSync(lhFile))('SurfaceProjector on the ICBM152 hemisphere', () => {
  it('11,000 contacts over 40,962 vertices: bump at a contact placed on a vertex, zero across the hemisphere', () => {
    const lh = readMz3(readFileSync(lhFile)).positions;
    const nVert = lh.length / 3;
    const rand = random(11);
    const n = 11_000;
    const electrodes = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) {
      const k = Math.floor(rand() * nVert);
      electrodes.set(lh.subarray(3 * k, 3 * k + 3), 3 * i);
    }
    const started = performance.now();
    const projector = new SurfaceProjector(lh, electrodes, { sigma: 4 });
    projector.project(new Float32Array(n).fill(1));
    expect(performance.now() - started).toBeLessThan(20_000);

    const target = 1234;
    const lone = new SurfaceProjector(lh, lh.slice(3 * target, 3 * target + 3), { sigma: 4 }).project([1]);
    expect(lone.values[target]).toBeCloseTo(1, 6);
    let nonzero = 0;
    for (let v = 0; v < nVert; v++) {
      const d = Math.hypot(lh[3 * v] - lh[3 * target], lh[3 * v + 1] - lh[3 * target + 1], lh[3 * v + 2] - lh[3 * target + 2]);
      if (d >= 12) expect(lone.values[v]).toBe(0);
      else expect(lone.values[v]).toBeCloseTo(Math.exp(-(d * d) / 32), 5);
      if (lone.values[v] > 0) nonzero++;
    }
    expect(nonzero).toBeGreaterThan(20);
    expect(nonzero).toBeLessThan(2000);
  });
});
