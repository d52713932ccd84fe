import { describe, expect, it } from 'vitest';
import { PYRAMID_BASE, PyramidBuilder, chooseLevel, chunkSamplesFor, envelope } from './pyramid';

/** Two channels: a ramp 0..n-1 and its negative; the extremes of any span are known in closed form. */
function ramp(n: number) {
  const chunk = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    chunk[i] = i;
    chunk[n + i] = -i;
  }
  return chunk;
}

describe('min/max pyramid', () => {
  it('built in uneven chunks gives the exact extremes of every bin at every level', () => {
    const n = 100_000;
    const all = ramp(n);
    const builder = new PyramidBuilder(2, n);
    for (let start = 0; start < n; start += 7_777) {
      const len = Math.min(7_777, n - start);
      const chunk = new Float32Array(2 * len);
      chunk.set(all.subarray(start, start + len), 0);
      chunk.set(all.subarray(n + start, n + start + len), len);
      builder.add(chunk, start, len);
    }
    const levels = builder.levels();
    expect(levels.map((l) => l.factor)).toEqual([64, 512]);
    for (const level of levels) {
      for (const b of [0, 1, level.nBins - 1]) {
        const lo = b * level.factor;
        const hi = Math.min(n, (b + 1) * level.factor) - 1;
        expect([level.data[b * 2], level.data[b * 2 + 1]]).toEqual([lo, hi]);
        const neg = (level.nBins + b) * 2;
        expect([level.data[neg], level.data[neg + 1]]).toEqual([-hi, -lo]);
      }
    }
  });

  it('picks the coarsest level that still gives a point per requested span', () => {
    const levels = [{ factor: 64 }, { factor: 512 }, { factor: 4096 }];
    expect(chooseLevel(levels, 10)).toBeNull();
    expect(chooseLevel(levels, 100)?.factor).toBe(64);
    expect(chooseLevel(levels, 5000)?.factor).toBe(4096);
  });

  it('an envelope from bins equals the envelope from raw samples', () => {
    const n = 64 * 50;
    const raw = ramp(n).subarray(0, n);
    const builder = new PyramidBuilder(1, n);
    builder.add(raw, 0, n);
    const [base] = builder.levels();
    const fromBins = envelope(640, 2560, 10, PYRAMID_BASE, (b) => [base!.data[b * 2]!, base!.data[b * 2 + 1]!]);
    const fromRaw = envelope(640, 2560, 10, 1, (i) => [raw[i]!, raw[i]!]);
    expect(Array.from(fromBins.min)).toEqual(Array.from(fromRaw.min));
    expect(Array.from(fromBins.max)).toEqual(Array.from(fromRaw.max));
    expect(fromRaw.min[0]).toBe(640);
    expect(fromRaw.max[9]).toBe(2559);
  });

  it('chooses chunks of about 4 MB, in bounds', () => {
    expect(chunkSamplesFor(64)).toBe(16384);
    expect(chunkSamplesFor(1)).toBe(262144);
    expect(chunkSamplesFor(10_000)).toBe(4096);
  });
});
