import { describe, expect, it } from 'vitest';
import { normIsf, normSf } from './normal';

describe('normIsf', () => {
  it('matches scipy.stats.norm.isf', () => {
    // /usr/bin/python3 -c "from scipy.stats import norm; print(norm.isf(p))"
    const scipy: [number, number][] = [
      [1e-5, 4.264890793922825],
      [0.5, 0],
      [0.975, -1.959963984540054],
      [1e-12, 7.034483825301131],
      [0.3, 0.5244005127080409],
      [0.01, 2.3263478740408408],
    ];
    for (const [p, z] of scipy) expect(normIsf(p)).toBeCloseTo(z, 12);
  });

  it('inverts normSf; edges', () => {
    for (const p of [1e-300, 1e-9, 0.02, 0.4, 0.9, 0.999]) expect(normSf(normIsf(p)) / p).toBeCloseTo(1, 10);
    expect(normIsf(0)).toBe(Infinity);
    expect(normIsf(1)).toBe(-Infinity);
    expect(normIsf(2)).toBeNaN();
  });
});
