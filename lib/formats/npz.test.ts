import path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { memorySource } from './bytes';
import { writeNpy, type NpyData } from './npy';
import { readEpochsNpz, readNpz } from './npz';
import { FIXTURES, fileSource, formatError, readBytes } from './test-utils';
import { crc32 } from './zip';

interface Member {
  name: string;
  data: Uint8Array;
  deflate?: boolean;
}

/** Builds a zip archive (stored or deflate members) the way np.savez lays one out. */
function zip(members: Member[]): Uint8Array {
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const m of members) {
    const name = new TextEncoder().encode(m.name);
    const body = m.deflate ? new Uint8Array(deflateRawSync(m.data)) : m.data;
    const crc = crc32(m.data);
    const local = new Uint8Array(30 + name.length + body.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true);
    lv.setUint16(8, m.deflate ? 8 : 0, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, body.length, true);
    lv.setUint32(22, m.data.length, true);
    lv.setUint16(26, name.length, true);
    local.set(name, 30);
    local.set(body, 30 + name.length);
    const central = new Uint8Array(46 + name.length);
    const cv = new DataView(central.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(10, m.deflate ? 8 : 0, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, body.length, true);
    cv.setUint32(24, m.data.length, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, offset, true);
    central.set(name, 46);
    locals.push(local);
    centrals.push(central);
    offset += local.length;
  }
  const cdSize = centrals.reduce((a, c) => a + c.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, members.length, true);
  ev.setUint16(10, members.length, true);
  ev.setUint32(12, cdSize, true);
  ev.setUint32(16, offset, true);
  const out = new Uint8Array(offset + cdSize + 22);
  let p = 0;
  for (const part of [...locals, ...centrals, end]) {
    out.set(part, p);
    p += part.length;
  }
  return out;
}

const E = 2;
const C = 3;
const T = 4;
/** value(e, c, t) = e + c/10 + t/100 (in volts; big enough to see float32 rounding). */
const value = (e: number, c: number, t: number) => e + c / 10 + t / 100;
function epochsValues<A extends Float32Array | Float64Array>(make: new (n: number) => A): A {
  const a = new make(E * C * T);
  for (let e = 0; e < E; e++) for (let c = 0; c < C; c++) for (let t = 0; t < T; t++) a[(e * C + c) * T + t] = value(e, c, t);
  return a;
}

type Arrays = Record<string, { data: NpyData; shape?: number[] } | Uint8Array>;
const base = (): Arrays => ({
  data: { data: epochsValues(Float64Array), shape: [E, C, T] },
  sfreq: { data: new Float64Array([512]), shape: [] },
  tmin: { data: new Float64Array([-0.2]), shape: [] },
  ch_names: { data: ['Fz', 'Cz', 'Pz'] },
  labels: { data: ['left', 'right'] },
  pos: { data: new Float64Array([0, 60, 70, 0, 0, 100, 0, -60, 70]), shape: [3, 3] },
});

function npz(arrays: Arrays, deflate = false): Uint8Array {
  return zip(
    Object.entries(arrays).map(([name, a]) => ({
      name: `${name}.npy`,
      data: a instanceof Uint8Array ? a : writeNpy(a.data, a.shape),
      deflate,
    })),
  );
}

const read = (bytes: Uint8Array, name = 'epochs.npz') => readEpochsNpz(memorySource(name, bytes));

describe('npz epochs built in the test', () => {
  it('float64 data, string labels and positions (stored members)', async () => {
    const ep = await read(npz(base()));
    expect(ep).toMatchObject({ sfreq: 512, tmin: -0.2, chNames: ['Fz', 'Cz', 'Pz'], nEpochs: E, nTimes: T, labels: ['left', 'right'] });
    expect(ep.data).toEqual(Float32Array.from(epochsValues(Float64Array)));
    expect(ep.data[(1 * C + 2) * T + 3]).toBeCloseTo(value(1, 2, 3), 6);
    expect(ep.positions).toEqual(new Float32Array([0, 60, 70, 0, 0, 100, 0, -60, 70]));
  });

  it('float32 data, integer labels, int sfreq (deflate members)', async () => {
    const arrays = base();
    arrays.data = { data: epochsValues(Float32Array), shape: [E, C, T] };
    arrays.labels = { data: new BigInt64Array([3n, 7n]) };
    arrays.sfreq = { data: new Int32Array([250]), shape: [] };
    delete arrays.pos;
    const ep = await read(npz(arrays, true));
    expect(ep.data).toEqual(epochsValues(Float32Array));
    expect(ep.labels).toEqual(['3', '7']);
    expect(ep.sfreq).toBe(250);
    expect(ep.positions).toBeUndefined();
  });

  it('labels and positions are optional', async () => {
    const arrays = base();
    delete arrays.labels;
    delete arrays.pos;
    const ep = await read(npz(arrays));
    expect(ep.labels).toBeUndefined();
    expect(ep.positions).toBeUndefined();
  });

  it('readNpz returns every member', async () => {
    const all = await readNpz(memorySource('x.npz', npz(base(), true)));
    expect([...all.keys()]).toEqual(['data', 'sfreq', 'tmin', 'ch_names', 'labels', 'pos']);
    expect(all.get('pos')?.shape).toEqual([3, 3]);
  });
});

describe('npz epochs written by numpy (np.savez, np.savez_compressed; zip64 local headers)', () => {
  const expected = (e: number, c: number, t: number) => e * 1e-3 + c * 1e-4 + t * 1e-6;

  it('epochs_f8.npz', async () => {
    const ep = await readEpochsNpz(fileSource(path.join(FIXTURES, 'epochs_f8.npz')));
    expect(ep).toMatchObject({ sfreq: 200, tmin: -0.1, chNames: ['Fz', 'Cz', 'Pz'], nEpochs: 4, nTimes: 20 });
    expect(ep.labels).toEqual(['left', 'right', 'left', 'rest']);
    expect(ep.data[(3 * 3 + 2) * 20 + 19]).toBeCloseTo(expected(3, 2, 19), 9);
    expect(ep.positions).toEqual(new Float32Array([0, 60.5, 70, 0, -10, 95, 0, -60, 75]));
  });

  it('epochs_f4_compressed.npz', async () => {
    const ep = await readEpochsNpz(fileSource(path.join(FIXTURES, 'epochs_f4_compressed.npz')));
    expect(ep).toMatchObject({ sfreq: 250, tmin: 0, nEpochs: 4, nTimes: 20, labels: ['1', '2', '2', '1'] });
    for (let e = 0; e < 4; e++) for (let c = 0; c < 3; c++) for (let t = 0; t < 20; t++) {
      expect(ep.data[(e * 3 + c) * 20 + t]).toBe(Math.fround(expected(e, c, t)));
    }
  });
});

describe('npz validation', () => {
  const withArrays = (edit: (a: Arrays) => void) => {
    const arrays = base();
    edit(arrays);
    return () => read(npz(arrays), 'bad.npz');
  };

  it('missing data', async () => {
    const err = await formatError(withArrays((a) => delete a.data));
    expect(err.file).toBe('bad.npz');
    expect(err.where).toBe('data.npy');
    expect(err.problem).toBe('expected an array \'data\' in the archive, found only "sfreq, tmin, ch_names, labels, pos"');
  });

  it('2-D data', async () => {
    const err = await formatError(withArrays((a) => (a.data = { data: new Float32Array(6), shape: [2, 3] })));
    expect(err.where).toBe('data.npy shape');
    expect(err.problem).toBe('expected 3 dimensions (epochs, channels, times), found (2, 3)');
  });

  it('integer data', async () => {
    const err = await formatError(withArrays((a) => (a.data = { data: new Int16Array(E * C * T), shape: [E, C, T] })));
    expect(err.where).toBe('data.npy dtype');
  });

  it('NaN in data names the element', async () => {
    const data = epochsValues(Float64Array);
    data[(1 * C + 2) * T + 1] = NaN;
    const err = await formatError(withArrays((a) => (a.data = { data, shape: [E, C, T] })));
    expect(err.where).toBe('data.npy element [1, 2, 1]');
    expect(err.problem).toBe('expected a finite value, found NaN');
  });

  it('float64 too large for float32', async () => {
    const data = epochsValues(Float64Array);
    data[0] = 1e300;
    const err = await formatError(withArrays((a) => (a.data = { data, shape: [E, C, T] })));
    expect(err.problem).toBe('expected a finite value, found 1e+300 (too large for float32)');
  });

  it.each([0, -250, NaN])('sfreq %s', async (sfreq) => {
    const err = await formatError(withArrays((a) => (a.sfreq = { data: new Float64Array([sfreq]), shape: [] })));
    expect(err.where).toBe('sfreq.npy');
    expect(err.problem).toBe(`expected a sampling frequency > 0 Hz, found ${sfreq}`);
  });

  it('sfreq that is not a scalar', async () => {
    const err = await formatError(withArrays((a) => (a.sfreq = { data: new Float64Array([250, 500]) })));
    expect(err.problem).toBe('expected a numeric scalar, found dtype "<f8" with shape (2,)');
  });

  it('tmin NaN', async () => {
    const err = await formatError(withArrays((a) => (a.tmin = { data: new Float64Array([NaN]), shape: [] })));
    expect(err.where).toBe('tmin.npy');
  });

  it('wrong number of channel names', async () => {
    const err = await formatError(withArrays((a) => (a.ch_names = { data: ['Fz', 'Cz'] })));
    expect(err.where).toBe('ch_names.npy shape');
    expect(err.problem).toBe('expected 3 names (data.npy has 3 channels), found 2');
  });

  it('channel names saved as a pickled object array', async () => {
    const err = await formatError(withArrays((a) => (a.ch_names = readBytes(path.join(FIXTURES, 'np_object.npy')))));
    expect(err.where).toBe("ch_names.npy: header 'descr'");
    expect(err.problem).toMatch(/object arrays need pickle/);
  });

  it('numeric channel names', async () => {
    const err = await formatError(withArrays((a) => (a.ch_names = { data: new Float32Array(3) })));
    expect(err.where).toBe('ch_names.npy');
  });

  it('one label too many', async () => {
    const err = await formatError(withArrays((a) => (a.labels = { data: ['a', 'b', 'c'] })));
    expect(err.where).toBe('labels.npy shape');
    expect(err.problem).toBe('expected (2,), one label per epoch, found (3,)');
  });

  it('positions of the wrong shape', async () => {
    const err = await formatError(withArrays((a) => (a.pos = { data: new Float64Array(6), shape: [3, 2] })));
    expect(err.where).toBe('pos.npy shape');
    expect(err.problem).toBe('expected numeric (3, 3) for 3 channels, found dtype "<f8" with shape (3, 2)');
  });

  it('NaN position', async () => {
    const pos = new Float64Array(9);
    pos[4] = NaN;
    const err = await formatError(withArrays((a) => (a.pos = { data: pos, shape: [3, 3] })));
    expect(err.where).toBe('pos.npy element [1, 1]');
  });

  it('corrupt member (CRC mismatch)', async () => {
    const bytes = npz(base());
    // Flip a byte inside data.npy's payload (after its 30 + 8 byte local header and 128-byte npy header).
    bytes[30 + 8 + 128 + 5] ^= 0xff;
    const err = await formatError(() => read(bytes, 'bad.npz'));
    expect(err.where).toBe("zip member 'data.npy' (byte 0)");
    expect(err.problem).toMatch(/^expected CRC-32 [0-9a-f]{8}, found [0-9a-f]{8} \(corrupt\)$/);
  });

  it('corrupt deflate stream', async () => {
    const bytes = npz(base(), true);
    bytes.fill(0xff, 30 + 8, 30 + 8 + 16);
    const err = await formatError(() => read(bytes, 'bad.npz'));
    expect(err.where).toBe("zip member 'data.npy' (byte 0)");
  });

  it('truncated archive (no end of central directory)', async () => {
    const bytes = npz(base());
    const err = await formatError(() => read(bytes.slice(0, bytes.length - 30), 'bad.npz'));
    expect(err.where).toBe('end of central directory');
  });

  it('not a zip at all', async () => {
    const err = await formatError(() => read(new TextEncoder().encode('x'.repeat(100)), 'bad.npz'));
    expect(err.problem).toMatch(/expected the zip signature/);
  });

  it('unsupported compression method', async () => {
    const bytes = npz(base());
    // Method field of the first central directory entry (bzip2 = 12).
    const cd = new DataView(bytes.buffer).getUint32(bytes.length - 22 + 16, true);
    new DataView(bytes.buffer).setUint16(cd + 10, 12, true);
    const err = await formatError(() => read(bytes, 'bad.npz'));
    expect(err.problem).toBe('expected compression method 0 (stored) or 8 (deflate), found 12');
  });

  it('member whose npy header promises more data than stored', async () => {
    const member = writeNpy(new Float64Array(E * C * T), [E, C, T]);
    const err = await formatError(withArrays((a) => (a.data = member.slice(0, member.length - 8))));
    expect(err.where).toBe('data.npy: data (byte 128)');
    expect(err.problem).toMatch(/found 184 \(truncated\)/);
  });
});
