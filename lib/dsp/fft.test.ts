import { describe, expect, it } from 'vitest';
import {
  complexArray,
  complexMultiply,
  complexMultiplyConj,
  fftComplex,
  ifftComplex,
  nextPow2,
  realToComplex,
  rfftFull,
} from './fft';

/** Textbook O(N^2) DFT of an interleaved complex array. */
function naiveDft(x: Float64Array, inverse = false): Float64Array {
  const n = x.length / 2;
  const out = new Float64Array(2 * n);
  const sign = inverse ? 1 : -1;
  for (let k = 0; k < n; k++) {
    let re = 0;
    let im = 0;
    for (let j = 0; j < n; j++) {
      const a = (sign * 2 * Math.PI * ((j * k) % n)) / n;
      re += x[2 * j] * Math.cos(a) - x[2 * j + 1] * Math.sin(a);
      im += x[2 * j] * Math.sin(a) + x[2 * j + 1] * Math.cos(a);
    }
    out[2 * k] = inverse ? re / n : re;
    out[2 * k + 1] = inverse ? im / n : im;
  }
  return out;
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

function expectClose(a: Float64Array, b: Float64Array, tol: number): void {
  expect(a.length).toBe(b.length);
  let scale = 0;
  for (const v of b) scale = Math.max(scale, Math.abs(v));
  let err = 0;
  for (let i = 0; i < a.length; i++) err = Math.max(err, Math.abs(a[i] - b[i]));
  expect(err).toBeLessThanOrEqual(tol * Math.max(scale, 1));
}

describe('nextPow2', () => {
  it('rounds up to a power of two, at least 2', () => {
    expect([0, 1, 2, 3, 4, 5, 768, 1024, 1025, 1378].map(nextPow2)).toEqual([2, 2, 2, 4, 4, 8, 1024, 1024, 2048, 2048]);
    expect(() => nextPow2(-1)).toThrow(RangeError);
  });
});

describe('fft helpers against a naive DFT', () => {
  const rand = lcg(7);
  for (const size of [2, 4, 8, 16, 64, 256, 1024]) {
    it(`complex forward and inverse, size ${size}`, () => {
      const x = complexArray(size);
      for (let i = 0; i < x.length; i++) x[i] = rand();
      const X = fftComplex(x, complexArray(size));
      expectClose(X, naiveDft(x), 1e-12);
      const back = ifftComplex(X, complexArray(size));
      expectClose(back, x, 1e-13);
    });

    it(`real input zero-padded to ${size} gives the full (mirrored) spectrum`, () => {
      const len = Math.max(1, size - 3);
      const x = new Float64Array(len + 5);
      for (let i = 0; i < x.length; i++) x[i] = rand();
      const offset = 5;
      const spec = rfftFull(x, size, complexArray(size), new Float64Array(size), offset, len);
      const ref = naiveDft(realToComplex(x.subarray(offset, offset + len), complexArray(size)));
      expectClose(spec, ref, 1e-12);
    });
  }

  it('rejects signals longer than the FFT and mismatched buffers', () => {
    expect(() => rfftFull(new Float64Array(9), 8, complexArray(8), new Float64Array(8))).toThrow(RangeError);
    expect(() => rfftFull(new Float64Array(4), 8, complexArray(4), new Float64Array(8))).toThrow(RangeError);
  });
});

describe('complex products', () => {
  it('multiplies and conjugates elementwise', () => {
    const a = new Float64Array([1, 2, -3, 0.5]);
    const b = new Float64Array([3, -1, 2, 4]);
    expect([...complexMultiply(a, b, new Float64Array(4))]).toEqual([5, 5, -8, -11]);
    expect([...complexMultiplyConj(a, b, new Float64Array(4))]).toEqual([5, -5, -8, 11]);
    // aliasing the output onto an input is allowed
    const c = a.slice();
    complexMultiply(c, b, c);
    expect([...c]).toEqual([5, 5, -8, -11]);
  });
});
