import { describe, expect, it } from 'vitest';
import { Rng, createRng, deriveSeed } from './index';

describe('Rng (xoshiro128**)', () => {
  it('matches the reference implementation from state [1, 2, 3, 4]', () => {
    const rng = Rng.fromState(1, 2, 3, 4);
    const out = Array.from({ length: 8 }, () => rng.nextUint32());
    // Output of Blackman & Vigna's xoshiro128starstar.c with s = {1, 2, 3, 4}.
    expect(out).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849]);
  });

  it('is deterministic per seed and stream, and streams differ', () => {
    const draw = (rng: Rng) => Array.from({ length: 16 }, () => rng.nextUint32());
    expect(draw(createRng(42))).toEqual(draw(createRng(42)));
    expect(draw(createRng(42))).not.toEqual(draw(createRng(43)));
    expect(draw(createRng(42, 1))).not.toEqual(draw(createRng(42, 2)));
    expect(draw(createRng(42, 1, 2))).not.toEqual(draw(createRng(42, 2, 1)));
    expect(deriveSeed(2 ** 40)).not.toBe(deriveSeed(0));
    expect(deriveSeed(-1)).not.toBe(deriveSeed(1));
    expect(() => createRng(0.5)).toThrow(/safe integer/);
  });

  it('draws uniforms in [0, 1) with mean 1/2 and variance 1/12', () => {
    const rng = createRng(7);
    const n = 200_000;
    let s = 0;
    let s2 = 0;
    let min = 1;
    let max = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.uniform();
      s += u;
      s2 += u * u;
      min = Math.min(min, u);
      max = Math.max(max, u);
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(s / n).toBeCloseTo(0.5, 2);
    expect(s2 / n - (s / n) ** 2).toBeCloseTo(1 / 12, 3);
    for (let i = 0; i < 1000; i++) {
      const u = rng.uniformOpen();
      expect(u).toBeGreaterThan(0);
      expect(u).toBeLessThan(1);
    }
  });

  it('draws standard normals (mean 0, SD 1, 95% within 1.96)', () => {
    const rng = createRng(11);
    const n = 200_000;
    let s = 0;
    let s2 = 0;
    let inside = 0;
    for (let i = 0; i < n; i++) {
      const g = rng.gaussian();
      s += g;
      s2 += g * g;
      if (Math.abs(g) < 1.96) inside++;
    }
    expect(s / n).toBeCloseTo(0, 2);
    expect(Math.sqrt(s2 / n)).toBeCloseTo(1, 2);
    expect(inside / n).toBeCloseTo(0.95, 2);
    const scaled = createRng(11).gaussian(10, 2);
    expect(scaled).toBeCloseTo(10 + 2 * createRng(11).gaussian(), 12);
  });

  it('draws integers, shuffles and samples without replacement', () => {
    const rng = createRng(5);
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[rng.int(6)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400);
    const items = Array.from({ length: 20 }, (_, i) => i);
    const shuffled = rng.shuffle([...items]);
    expect([...shuffled].sort((a, b) => a - b)).toEqual(items);
    expect(shuffled).not.toEqual(items);
    const picked = rng.sample(items, 5);
    expect(new Set(picked).size).toBe(5);
    expect(() => rng.sample(items, 21)).toThrow();
    expect(() => rng.int(0)).toThrow();
    const r = rng.range(-3, 2);
    expect(r).toBeGreaterThanOrEqual(-3);
    expect(r).toBeLessThan(2);
    expect(rng.logNormal(0, 0.5)).toBeGreaterThan(0);
  });
});
