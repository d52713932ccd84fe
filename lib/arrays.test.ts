import { describe, expect, it } from 'vitest';
import { decodeArray, encodeArray, ndarray, toNpy } from './arrays';

describe('arrays', () => {
  it('round-trips shape, axes and values', () => {
    const a = ndarray('float32', Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3], ['channels', 'times']);
    const b = decodeArray(encodeArray(a));
    expect(b.shape).toEqual([2, 3]);
    expect(b.axes).toEqual(['channels', 'times']);
    expect(Array.from(b.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('rejects a shape that does not match the data', () => {
    expect(() => ndarray('int32', new Int32Array(5), [2, 3], ['a', 'b'])).toThrow(/holds 6 values but the data has 5/);
  });

  it('writes a .npy header numpy can parse (64-byte aligned, shape tuple)', () => {
    const npy = toNpy(ndarray('float64', Float64Array.from([0.5]), [1], ['x']));
    const headerLength = new DataView(npy.buffer).getUint16(8, true);
    expect((10 + headerLength) % 64).toBe(0);
    const header = new TextDecoder().decode(npy.subarray(10, 10 + headerLength));
    expect(header).toContain("'descr': '<f8'");
    expect(header).toContain("'shape': (1,)");
    expect(new Float64Array(npy.slice(10 + headerLength).buffer)[0]).toBe(0.5);
  });
});
