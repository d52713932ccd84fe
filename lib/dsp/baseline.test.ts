import { describe, expect, it } from 'vitest';
import { baselineLogratio, baselineRatio, binPower } from './baseline';

describe('binPower', () => {
  it('averages consecutive blocks per row', () => {
    const x = new Float64Array([1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 50, 60]);
    expect([...binPower(x, 6, 2)]).toEqual([1.5, 3.5, 5.5, 15, 35, 55]);
    expect([...binPower(x, 6, 3)]).toEqual([2, 5, 20, 50]);
    // a remainder that does not fill a bin is dropped
    expect([...binPower(x, 6, 4)]).toEqual([2.5, 25]);
  });

  it('turns the paper epoch (768 samples) into 48 bins of 16, stimulus onset at bin 16', () => {
    const nTimes = 768;
    const x = new Float32Array(2 * nTimes);
    for (let i = 0; i < x.length; i++) x[i] = i % nTimes;
    const b = binPower(x, nTimes);
    expect(b.length).toBe(96);
    expect(b[0]).toBe(7.5);
    expect(b[16]).toBe(256 + 7.5); // sample 256 = 0 ms at 512 Hz with a -500 ms start
    expect(b[48 + 47]).toBe(752 + 7.5);
  });

  it('rejects lengths that are not whole rows', () => {
    expect(() => binPower(new Float32Array(10), 3)).toThrow(RangeError);
    expect(() => binPower(new Float32Array(12), 3, 0)).toThrow(RangeError);
  });
});

describe('baseline normalisation', () => {
  const nBins = 48;
  const rows = 3;
  const x = new Float64Array(rows * nBins);
  for (let r = 0; r < rows; r++) {
    for (let b = 0; b < nBins; b++) x[r * nBins + b] = (r + 1) * (b < 16 ? 2 + (b % 2) : 10);
  }

  it('ratio divides each row by the mean of bins 0..12 inclusive', () => {
    const y = baselineRatio(x, nBins);
    for (let r = 0; r < rows; r++) {
      // bins 0..12: seven 2s and six 3s
      const mean = ((r + 1) * (7 * 2 + 6 * 3)) / 13;
      expect(y[r * nBins + 0]).toBeCloseTo(((r + 1) * 2) / mean, 6);
      expect(y[r * nBins + 30]).toBeCloseTo(((r + 1) * 10) / mean, 6);
    }
  });

  it('logratio takes log(power / mean of bins 0..13), natural log by default, log10 on request', () => {
    const y = baselineLogratio(x, nBins);
    const y10 = baselineLogratio(x, nBins, [0, 13], { base: 10 });
    const mean = 2.5; // bins 0..13: seven 2s and seven 3s (row scale cancels)
    for (let r = 0; r < rows; r++) {
      expect(y[r * nBins + 1]).toBeCloseTo(Math.log(3 / mean), 6);
      expect(y[r * nBins + 40]).toBeCloseTo(Math.log(10 / mean), 6);
      expect(y10[r * nBins + 40]).toBeCloseTo(Math.log10(10 / mean), 6);
    }
  });

  it('takes other baseline ranges and rejects invalid ones', () => {
    const y = baselineRatio(x, nBins, [20, 29]);
    expect(y[25]).toBeCloseTo(1, 6);
    expect(() => baselineRatio(x, nBins, [5, 4])).toThrow(RangeError);
    expect(() => baselineRatio(x, nBins, [0, 48])).toThrow(RangeError);
    expect(() => baselineLogratio(x, nBins, [-1, 3])).toThrow(RangeError);
  });

  it('maps 0/0 (an emptied, rejected trial) to 0 like the authors code, unless asked not to', () => {
    const z = new Float32Array(2 * nBins);
    z.fill(1, nBins);
    const y = baselineLogratio(z, nBins);
    expect(y[0]).toBe(0);
    expect(y[nBins + 5]).toBe(0);
    expect(Number.isNaN(baselineLogratio(z, nBins, [0, 13], { nanToZero: false })[0])).toBe(true);
  });
});
