import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readElc } from '../atlas/montage';
import { asset } from '../atlas/test-assets';
import { PointGrid } from './grid';
import { readMz3 } from './mz3';
import { Topomap } from './topomap';

/** Points spread evenly over the upper part of a sphere (Fibonacci spiral), radius 90 mm around (0, -10, 20). */
function cap(n: number, zMin = -0.3): Float32Array {
  const out = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    const z = 1 - ((1 - zMin) * (i + 0.5)) / n;
    const r = Math.sqrt(1 - z * z);
    const phi = i * Math.PI * (3 - Math.sqrt(5));
    out.set([90 * r * Math.cos(phi), -10 + 90 * r * Math.sin(phi), 20 + 90 * z], 3 * i);
  }
  return out;
}

describe('Topomap (spherical splines)', () => {
  const vertices = cap(3000, -1);
  // channels on every 50th vertex of the upper cap
  const channelVertices = Array.from({ length: 40 }, (_, i) => i * 50);
  const channels = new Float32Array(channelVertices.flatMap((v) => [...vertices.subarray(3 * v, 3 * v + 3)]));

  it('finds the head sphere and passes through every channel value', () => {
    const map = new Topomap(vertices, channels);
    expect(map.centre[0]).toBeCloseTo(0, 2);
    expect(map.centre[1]).toBeCloseTo(-10, 2);
    expect(map.centre[2]).toBeCloseTo(20, 2);
    const values = channelVertices.map((_, i) => Math.sin(i) * 5);
    const out = map.interpolate(values);
    channelVertices.forEach((v, i) => expect(out[v]).toBeCloseTo(values[i], 4));
  });

  it('a constant stays constant; a smooth field is smooth between channels; far vertices are NaN', () => {
    const map = new Topomap(vertices, channels);
    const flat = map.interpolate(new Array(40).fill(3));
    for (const x of flat) if (!Number.isNaN(x)) expect(x).toBeCloseTo(3, 6);
    // a field linear in height: between channels the map stays within the channels' range (no overshoot)
    const z = channelVertices.map((v) => vertices[3 * v + 2]);
    const out = map.interpolate(z);
    let covered = 0;
    for (let v = 0; v < 3000; v++) {
      if (Number.isNaN(out[v])) {
        expect(vertices[3 * v + 2]).toBeLessThan(Math.min(...z));
        continue;
      }
      covered++;
      expect(Math.abs(out[v] - vertices[3 * v + 2])).toBeLessThan(8);
    }
    expect(covered).toBeGreaterThan(500);
  });

  it('channels sharing a position (T3 and T7) get the mean of their values', () => {
    const twice = new Float32Array([...channels, ...channels.subarray(0, 3)]);
    const values = [...channelVertices.map(() => 1), 3];
    expect(new Topomap(vertices, twice).interpolate(values)[channelVertices[0]]).toBeCloseTo(2, 3);
  });

  it('refuses missing values and a wrong count', () => {
    const map = new Topomap(vertices, channels);
    expect(() => map.interpolate(new Array(39).fill(0))).toThrow(/39 values for 40/);
    expect(() => map.interpolate([NaN, ...new Array(39).fill(0)])).toThrow(/channel 0/);
  });
});

const scalpFile = asset('mesh', 'scalp.mz3');
describe.skipIf(!existsSync(scalpFile))('Topomap on the shared scalp with the 10-20 montage', () => {
  it('reproduces channel values at the scalp vertices nearest the montage positions', () => {
    const scalp = readMz3(readFileSync(scalpFile)).positions;
    const montage = readElc(readFileSync(asset('montage', 'standard_1020.elc'), 'utf8'));
    const grid = new PointGrid(scalp, 10);
    const vertices = [...new Set(montage.positions.map(([x, y, z]) => grid.nearest(x, y, z)))];
    expect(vertices.length).toBeGreaterThan(85);
    const channels = new Float32Array(vertices.flatMap((v) => [...scalp.subarray(3 * v, 3 * v + 3)]));
    const map = new Topomap(scalp, channels);
    const values = vertices.map((_, i) => Math.cos(i * 0.7) * 10);
    const out = map.interpolate(values);
    vertices.forEach((v, i) => expect(out[v]).toBeCloseTo(values[i], 3));
    // the face and neck, far from every electrode, are left blank
    const blank = out.filter(Number.isNaN).length;
    expect(blank).toBeGreaterThan(0);
    expect(blank).toBeLessThan(scalp.length / 3 / 2);
  });
});
