import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { memorySource } from './bytes';
import { parseNpy, readNpy, writeNpy, type NpyData } from './npy';
import { FIXTURES, fileSource, formatError, readBytes } from './test-utils';

const fixture = (name: string) => readBytes(path.join(FIXTURES, name));

/** An .npy file with a hand-written header dict, for inputs our writer would never produce. */
function rawNpy(dict: string, body: Uint8Array = new Uint8Array(0)): Uint8Array {
  const header = dict.padEnd(Math.ceil((10 + dict.length + 1) / 64) * 64 - 11, ' ') + '\n';
  const out = new Uint8Array(10 + header.length + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(body, 10 + header.length);
  return out;
}

describe('npy reading (files written by numpy)', () => {
  it('float32 2x3', async () => {
    const a = await readNpy(fileSource(path.join(FIXTURES, 'np_f4_2x3.npy')));
    expect(a.dtype).toBe('<f4');
    expect(a.shape).toEqual([2, 3]);
    expect(a.data).toEqual(new Float32Array([0, 1, 2, 3, 4, 5]));
  });

  it('unicode strings, including a non-BMP character', () => {
    const a = parseNpy(fixture('np_strings.npy'), 'np_strings.npy');
    expect(a.dtype).toBe('<U8');
    expect(a.data).toEqual(['Fp1', 'Cz', 'µ-rhythm', '\u{1F9E0}']);
  });

  it('Fortran-ordered big-endian int32 comes back in C order', () => {
    const a = parseNpy(fixture('np_fortran_be.npy'), 'np_fortran_be.npy');
    expect(a.dtype).toBe('>i4');
    expect(a.shape).toEqual([2, 3, 4]);
    expect(Array.from(a.data as Int32Array)).toEqual(Array.from({ length: 24 }, (_, i) => i));
  });

  it('0-d scalar and bool', () => {
    const s = parseNpy(fixture('np_scalar.npy'), 'np_scalar.npy');
    expect(s.shape).toEqual([]);
    expect(s.data).toEqual(new Float64Array([250]));
    const b = parseNpy(fixture('np_bool.npy'), 'np_bool.npy');
    expect(b.dtype).toBe('|b1');
    expect(Array.from(b.data as Uint8Array)).toEqual([1, 0, 1]);
  });
});

describe('npy writing', () => {
  it('writes the same bytes as np.save', () => {
    expect(writeNpy(new Float32Array([0, 1, 2, 3, 4, 5]), [2, 3])).toEqual(fixture('np_f4_2x3.npy'));
    expect(writeNpy(['Fp1', 'Cz', 'µ-rhythm', '\u{1F9E0}'])).toEqual(fixture('np_strings.npy'));
    expect(writeNpy(new Float64Array([250]), [])).toEqual(fixture('np_scalar.npy'));
    expect(writeNpy(new Uint8Array([1, 0, 1]), [3], { bool: true })).toEqual(fixture('np_bool.npy'));
  });

  it.each<[string, NpyData]>([
    ['<f8', new Float64Array([1.5, -2, Number.MAX_VALUE])],
    ['|i1', new Int8Array([-128, 0, 127])],
    ['|u1', new Uint8Array([0, 255])],
    ['<i2', new Int16Array([-32768, 32767])],
    ['<u2', new Uint16Array([65535])],
    ['<i4', new Int32Array([-5, 7])],
    ['<u4', new Uint32Array([4294967295])],
    ['<i8', new BigInt64Array([-(2n ** 63n), 42n])],
    ['<u8', new BigUint64Array([2n ** 64n - 1n])],
    ['<U1', ['', '']],
  ])('round-trips %s', (dtype, data) => {
    const back = parseNpy(writeNpy(data), 'x.npy');
    expect(back.dtype).toBe(dtype);
    expect(back.data).toEqual(data);
  });

  it('pads the header so the data is 64-byte aligned', () => {
    for (const n of [0, 1, 10, 100000]) {
      const bytes = writeNpy(new Float32Array(n), [n]);
      const headerLen = new DataView(bytes.buffer).getUint16(8, true);
      expect((10 + headerLen) % 64).toBe(0);
    }
  });

  it('rejects a shape that does not hold the data', () => {
    expect(() => writeNpy(new Float32Array(6), [4, 2])).toThrow(RangeError);
  });
});

describe('npy validation', () => {
  it('not an npy file', async () => {
    const err = await formatError(async () => parseNpy(new TextEncoder().encode('hello world!'), 'x.npy'));
    expect(err.where).toBe('byte 0');
    expect(err.problem).toMatch(/expected the .npy magic/);
  });

  it('truncated data', async () => {
    const bytes = fixture('np_f4_2x3.npy');
    const err = await formatError(() => readNpy(memorySource('cut.npy', bytes.slice(0, bytes.length - 4))));
    expect(err.file).toBe('cut.npy');
    expect(err.where).toBe('data (byte 128)');
    expect(err.problem).toBe('expected shape (2, 3) × 4 bytes = 24 bytes, found 20 (truncated)');
  });

  it('header longer than the file', async () => {
    const err = await formatError(async () => parseNpy(fixture('np_f4_2x3.npy').slice(0, 40), 'x.npy'));
    expect(err.where).toBe('byte 8 (header length)');
  });

  it('pickled object arrays are refused', async () => {
    const err = await formatError(async () => parseNpy(fixture('np_object.npy'), 'np_object.npy'));
    expect(err.where).toBe("header 'descr'");
    expect(err.problem).toMatch(/found "\|O".*object arrays need pickle/);
  });

  it('structured dtype and float16 are refused', async () => {
    const e1 = await formatError(async () => parseNpy(rawNpy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }"), 'x.npy'));
    expect(e1.where).toBe('header');
    const e2 = await formatError(async () => parseNpy(rawNpy("{'descr': '<f2', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(2)), 'x.npy'));
    expect(e2.problem).toBe('expected item size 4, 8 for dtype kind \'f\', found "<f2"');
  });

  it('bad shape', async () => {
    const err = await formatError(async () => parseNpy(rawNpy("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }"), 'x.npy'));
    expect(err.where).toBe("header 'shape'");
  });
});
