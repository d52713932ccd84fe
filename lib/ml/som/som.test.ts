import { describe, expect, it } from 'vitest';
import { plantedDataset } from '../forest/planted';
import { Rng } from '../../synthetic/random';
import { areNeighbours, makeGrid, type GridTopology } from './grid';
import { SelfOrganizingMap, type SomJson } from './som';

/** Three well-separated classes in 10 features (class c shifts features 2c, 2c + 1 by 3 SD). */
function planted(nSamples = 300, seed = 3) {
  const nFeatures = 10;
  const { X, y } = plantedDataset({ nSamples, nFeatures, nClasses: 3, nInformative: 2, shift: 3, seed });
  return { X, y, nFeatures };
}

const CLASSES = ['left', 'right', 'rest'];

/**
 * A map whose weights are an isometric image of its grid: node j's weights (z-scored) are Q g_j for a matrix Q
 * with orthonormal columns, features then scaled and shifted by std and mean.
 */
function linearMap(topology: GridTopology, nFeatures: number, seed: number): { map: SelfOrganizingMap; toFeatures: (x: number, y: number) => Float64Array } {
  const rng = new Rng(seed);
  const grid = makeGrid(6, 7, topology);
  const a = Float64Array.from({ length: nFeatures }, () => rng.gaussian());
  const b = Float64Array.from({ length: nFeatures }, () => rng.gaussian());
  const dot = (u: Float64Array, v: Float64Array) => u.reduce((s, ui, i) => s + ui * v[i], 0);
  const na = Math.sqrt(dot(a, a));
  a.forEach((_, i) => (a[i] /= na));
  const ab = dot(a, b);
  b.forEach((_, i) => (b[i] -= ab * a[i]));
  const nb = Math.sqrt(dot(b, b));
  b.forEach((_, i) => (b[i] /= nb));
  const mean = Array.from({ length: nFeatures }, () => rng.gaussian(-12, 1));
  const std = Array.from({ length: nFeatures }, () => rng.range(0.5, 2));
  const weights: number[] = [];
  for (let j = 0; j < grid.nNodes; j++) for (let d = 0; d < nFeatures; d++) weights.push(grid.coords[2 * j] * a[d] + grid.coords[2 * j + 1] * b[d]);
  const json: SomJson = {
    format: 'brainglass.som',
    version: 1,
    options: { rows: 6, cols: 7, topology, epochs: 1, learningRate: [0.5, 0.01], radius: [3, 0.75], labelRadius: 1, laplace: 1, relevance: 0, seed: 0 },
    nFeatures,
    classes: ['a'],
    mean,
    std,
    relevance: new Array(nFeatures).fill(1),
    weights,
    classCounts: new Array(grid.nNodes).fill(0),
    nTrained: 0,
  };
  const toFeatures = (x: number, y: number) => Float64Array.from({ length: nFeatures }, (_, d) => (x * a[d] + y * b[d]) * std[d] + mean[d]);
  return { map: SelfOrganizingMap.fromJSON(json), toFeatures };
}

describe('makeGrid', () => {
  it('gives hexagonal nodes six neighbours 1 apart and rectangular ones four', () => {
    const hex = makeGrid(10, 10, 'hexagonal');
    const count = (g: typeof hex, j: number) => Array.from(g.neighbours.subarray(j * g.maxNeighbours, (j + 1) * g.maxNeighbours)).filter((n) => n >= 0).length;
    expect(count(hex, 5 * 10 + 5)).toBe(6);
    expect(count(hex, 0)).toBe(2);
    expect(count(hex, 9)).toBe(3);
    expect(areNeighbours(hex, 11, 2)).toBe(true); // odd row 1 leans right: (1,1) touches (0,1) and (0,2)
    expect(areNeighbours(hex, 11, 0)).toBe(false);
    const rect = makeGrid(4, 5, 'rectangular');
    expect(count(rect, 6)).toBe(4);
    expect(count(rect, 0)).toBe(2);
    expect(Array.from(rect.coords.subarray(12, 14))).toEqual([1, 1]);
    expect(() => makeGrid(1, 10, 'hexagonal')).toThrow(/2 x 2/);
  });
});

describe('SelfOrganizingMap positions', () => {
  it.each(['hexagonal', 'rectangular'] as const)('give back the exact point on a linear %s map', (topology) => {
    const { map, toFeatures } = linearMap(topology, 5, 1);
    const rng = new Rng(2);
    for (let i = 0; i < 200; i++) {
      // Anywhere within the grid's hull, the borders' half-node margin included.
      const x = rng.range(0.6, 5.4);
      const y = rng.range(0, topology === 'hexagonal' ? (5 * Math.sqrt(3)) / 2 : 5);
      const p = map.locate(toFeatures(x, y));
      expect(p.x).toBeCloseTo(x, 10);
      expect(p.y).toBeCloseTo(y, 10);
    }
    // Exactly on a node: its coordinate and BMU.
    const node = 17;
    const at = map.locate(toFeatures(map.grid.coords[2 * node], map.grid.coords[2 * node + 1]));
    expect(at.bmu).toBe(node);
  });

  it('stay within half a node of the BMU for windows far off the map', () => {
    const { map, toFeatures } = linearMap('hexagonal', 5, 4);
    const far = toFeatures(-30, 40);
    const p = map.locate(far);
    const gx = map.grid.coords[2 * p.bmu];
    const gy = map.grid.coords[2 * p.bmu + 1];
    expect(Math.hypot(p.x - gx, p.y - gy)).toBeLessThanOrEqual(1);
    const { positions, bmus } = map.project(Float64Array.from([...far, ...toFeatures(2, 2)]));
    expect([positions[0], positions[1], bmus[0]]).toEqual([p.x, p.y, p.bmu]);
  });
});

describe('SelfOrganizingMap.fit', () => {
  const { X, y, nFeatures } = planted();
  const map = SelfOrganizingMap.fit({ X, nFeatures, y }, CLASSES, { rows: 8, cols: 8 });

  it('orders the map: low topographic error, quantisation error well below the spread of the data', () => {
    expect(map.topographicError(X)).toBeLessThan(0.1);
    // Against the mean distance to the centre of the z-scored data (what a single node would give, about 3).
    let spread = 0;
    for (let i = 0; i < y.length; i++) {
      let d = 0;
      for (let f = 0; f < nFeatures; f++) d += ((X[i * nFeatures + f] - map.mean[f]) / map.std[f]) ** 2;
      spread += Math.sqrt(d) / y.length;
    }
    expect(map.quantisationError(X)).toBeLessThan(0.7 * spread);
    expect(map.nTrained).toBe(300);
  });

  it('gives every class its own territory and classifies by the BMU posterior', () => {
    const overlap = map.territoryOverlap();
    for (let a = 0; a < 3; a++) {
      expect(overlap[a * 3 + a]).toBeCloseTo(1, 12);
      for (let b = 0; b < 3; b++) if (a !== b) expect(overlap[a * 3 + b]).toBeLessThan(0.15);
    }
    const pred = map.predict(X);
    let ok = 0;
    for (let i = 0; i < y.length; i++) if (pred[i] === y[i]) ok++;
    expect(ok / y.length).toBeGreaterThan(0.95);
    const post = map.posteriors();
    for (let j = 0; j < map.grid.nNodes; j++) expect(post[3 * j] + post[3 * j + 1] + post[3 * j + 2]).toBeCloseTo(1, 12);
    const proba = map.predictProba(X.subarray(0, nFeatures));
    expect(Array.from(proba)).toEqual(Array.from(post.subarray(3 * map.locate(X.subarray(0, nFeatures)).bmu, 3 * map.locate(X.subarray(0, nFeatures)).bmu + 3)));
  });

  it('weights features by how well they separate the classes', () => {
    const r = map.relevance;
    expect(r.reduce((a, v) => a + v * v, 0)).toBeCloseTo(nFeatures, 10);
    // Features 0-5 carry the classes, 6-9 are noise: noise keeps only the 1 - rho = 0.1 floor and a little more.
    for (let d = 0; d < 6; d++) expect(r[d]).toBeGreaterThan(1);
    for (let d = 6; d < 10; d++) expect(r[d]).toBeLessThan(0.4);
    const plain = SelfOrganizingMap.fit({ X, nFeatures, y }, CLASSES, { rows: 4, cols: 4, relevance: 0 });
    expect(Array.from(plain.relevance)).toEqual(new Array(nFeatures).fill(1));
  });

  it('is deterministic for a seed, and the seed matters', () => {
    const again = SelfOrganizingMap.fit({ X, nFeatures, y }, CLASSES, { rows: 8, cols: 8 });
    expect(again.weights).toEqual(map.weights);
    expect(again.classCounts).toEqual(map.classCounts);
    const other = SelfOrganizingMap.fit({ X, nFeatures, y }, CLASSES, { rows: 8, cols: 8, seed: 1 });
    expect(other.weights).not.toEqual(map.weights);
  });

  it('trains on a subset of rows only', () => {
    const rows = Int32Array.from({ length: 150 }, (_, i) => 2 * i);
    const half = SelfOrganizingMap.fit({ X, nFeatures, y, rows }, CLASSES, { rows: 5, cols: 5 });
    const Xeven = new Float32Array(150 * nFeatures);
    const yeven = new Int32Array(150);
    rows.forEach((r, i) => {
      Xeven.set(X.subarray(r * nFeatures, (r + 1) * nFeatures), i * nFeatures);
      yeven[i] = y[r];
    });
    const same = SelfOrganizingMap.fit({ X: Xeven, nFeatures, y: yeven }, CLASSES, { rows: 5, cols: 5 });
    expect(half.weights).toEqual(same.weights);
    expect(half.mean).toEqual(same.mean);
  });

  it('learns online: a new mental action gets its own corner, old territories stay put', () => {
    const online = SelfOrganizingMap.fromJSON(map.toJSON());
    const k = online.addClass('tongue');
    expect(k).toBe(3);
    // A fourth cluster: features 6 and 7 shifted, as the planted classes shift their own pair.
    const rng = new Rng(8);
    const n = 60;
    const Xnew = new Float64Array(n * nFeatures);
    for (let i = 0; i < n; i++) {
      for (let d = 0; d < nFeatures; d++) Xnew[i * nFeatures + d] = rng.gaussian() + (d === 6 || d === 7 ? 3 : 0);
    }
    const before = online.project(X).bmus;
    for (let pass = 0; pass < 5; pass++) online.partialFit({ X: Xnew, nFeatures, y: new Int32Array(n).fill(k) });
    expect(online.nTrained).toBe(300 + 5 * n);
    const after = online.project(X).bmus;
    let moved = 0;
    for (let i = 0; i < before.length; i++) if (before[i] !== after[i]) moved++;
    expect(moved / before.length).toBeLessThan(0.2);
    const pred = online.predict(Xnew);
    expect(pred.filter((c) => c === k).length / n).toBeGreaterThan(0.8);
    expect(online.territoryOverlap()[0 * 4 + 3]).toBeLessThan(0.3);
  });

  it('survives a JSON round trip', () => {
    const restored = SelfOrganizingMap.fromJSON(JSON.parse(JSON.stringify(map.toJSON())) as SomJson);
    expect(restored.toJSON()).toEqual(map.toJSON());
    expect(restored.project(X)).toEqual(map.project(X));
    expect(restored.posteriors()).toEqual(map.posteriors());
    expect(() => SelfOrganizingMap.fromJSON({ ...map.toJSON(), weights: [1, 2] })).toThrow(/lengths/);
  });

  it('rejects what it cannot learn from', () => {
    expect(() => SelfOrganizingMap.fit({ X, nFeatures, y: y.map((c) => c + 1) }, CLASSES)).toThrow(/class index/);
    expect(() => SelfOrganizingMap.fit({ X, nFeatures: 7, y }, CLASSES)).toThrow(/windows/);
    expect(() => SelfOrganizingMap.fit({ X, nFeatures, y }, CLASSES, { learningRate: [2, 0.1] })).toThrow(/learningRate/);
    expect(() => map.locate(new Float64Array(3))).toThrow(/features/);
    expect(() => SelfOrganizingMap.fromJSON(map.toJSON()).addClass('left')).toThrow(/exists/);
  });
});
