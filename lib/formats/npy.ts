/**
 * NumPy .npy arrays (format versions 1.0-3.0): reader for numeric, bool and string dtypes, and a writer so users
 * can download arrays that np.load reads. Object (pickled) arrays are refused: they would run code on load.
 */
import { readRange, shown } from './bytes';
import { FormatError, type ByteSource } from './types';

export type NpyData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array
  | string[];

export interface NpyArray {
  /** numpy dtype string as in the header, e.g. '<f4', '<U12', '|b1'. */
  dtype: string;
  /** Array shape; [] for a 0-d (scalar) array. */
  shape: number[];
  /** Elements in C order (Fortran-ordered files are transposed on read). bool is a Uint8Array of 0/1. */
  data: NpyData;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

interface Dtype {
  kind: 'f' | 'i' | 'u' | 'b' | 'U' | 'S';
  size: number;
  little: boolean;
}

function parseDtype(file: string, where: string, descr: string): Dtype {
  const m = /^([<>|=]?)([fiubUS])(\d+)$/.exec(descr);
  if (!m) {
    const hint = descr.includes('O')
      ? ' (object arrays need pickle; save strings as a unicode array, e.g. np.array(names, dtype=str))'
      : '';
    throw new FormatError(file, where, `expected a numeric, bool or string dtype like '<f4' or '<U8', found ${shown(descr)}${hint}`);
  }
  const kind = m[2] as Dtype['kind'];
  const size = Number(m[3]);
  const numeric: Record<string, number[]> = { f: [4, 8], i: [1, 2, 4, 8], u: [1, 2, 4, 8], b: [1] };
  if (kind in numeric && !numeric[kind].includes(size)) {
    throw new FormatError(file, where, `expected item size ${numeric[kind].join(', ')} for dtype kind '${kind}', found ${shown(descr)}`);
  }
  return { kind, size, little: m[1] !== '>' };
}

/** Parses the header dict, e.g. {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }. */
function parseHeader(file: string, where: string, header: string): { dtype: Dtype; descr: string; fortran: boolean; shape: number[] } {
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(header);
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header);
  const shape = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header);
  if (!descr || !fortran || !shape) {
    throw new FormatError(file, `${where}header`, `expected {'descr': ..., 'fortran_order': ..., 'shape': (...)}, found ${shown(header.trim())}`);
  }
  const dims = shape[1]
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (!dims.every((d) => /^\d+L?$/.test(d))) throw new FormatError(file, `${where}header 'shape'`, `expected non-negative integers, found (${shape[1]})`);
  return {
    dtype: parseDtype(file, `${where}header 'descr'`, descr[1]),
    descr: descr[1],
    fortran: fortran[1] === 'True',
    shape: dims.map((d) => parseInt(d, 10)),
  };
}

function decodeElements(dtype: Dtype, bytes: Uint8Array, count: number): NpyData {
  const { kind, size, little } = dtype;
  if (kind === 'U' || kind === 'S') {
    const out: string[] = new Array<string>(count);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const width = kind === 'U' ? size * 4 : size;
    for (let i = 0; i < count; i++) {
      let s = '';
      if (kind === 'U') {
        // UTF-32 code points, NUL-padded.
        for (let k = 0; k < size; k++) {
          const cp = view.getUint32(i * width + k * 4, little);
          if (cp === 0) break;
          s += String.fromCodePoint(cp);
        }
      } else {
        for (let k = 0; k < size; k++) {
          const b = bytes[i * width + k];
          if (b === 0) break;
          s += String.fromCharCode(b);
        }
      }
      out[i] = s;
    }
    return out;
  }
  const copy = new Uint8Array(bytes.subarray(0, count * size)); // a copy even when bytes is a Node Buffer
  const make = (): NpyData => {
    const buf = copy.buffer;
    if (kind === 'f') return size === 4 ? new Float32Array(buf) : new Float64Array(buf);
    if (kind === 'b') return new Uint8Array(buf);
    if (kind === 'i') return size === 1 ? new Int8Array(buf) : size === 2 ? new Int16Array(buf) : size === 4 ? new Int32Array(buf) : new BigInt64Array(buf);
    return size === 1 ? new Uint8Array(buf) : size === 2 ? new Uint16Array(buf) : size === 4 ? new Uint32Array(buf) : new BigUint64Array(buf);
  };
  if (little === LITTLE_ENDIAN_HOST || size === 1) return make();
  // Foreign byte order: reverse each element in place, then view it.
  for (let i = 0; i < copy.length; i += size) copy.subarray(i, i + size).reverse();
  return make();
}

/** Reorders a Fortran-ordered array into C order. */
function fortranToC<T extends NpyData>(data: T, shape: number[]): T {
  const n = data.length;
  if (shape.length < 2) return data;
  const out = (Array.isArray(data) ? new Array<string>(n) : new (data.constructor as new (n: number) => T)(n)) as T;
  const fStrides: number[] = [];
  let acc = 1;
  for (const d of shape) {
    fStrides.push(acc);
    acc *= d;
  }
  const idx = new Array<number>(shape.length).fill(0);
  for (let c = 0; c < n; c++) {
    let f = 0;
    for (let d = 0; d < shape.length; d++) f += idx[d] * fStrides[d];
    (out as unknown as unknown[])[c] = (data as unknown as unknown[])[f];
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

/** Parses a whole .npy file held in memory. `where` prefixes error places (e.g. the npz member). */
export function parseNpy(bytes: Uint8Array, file: string, where = ''): NpyArray {
  if (bytes.length < 10 || !MAGIC.every((b, i) => bytes[i] === b)) {
    throw new FormatError(file, `${where}byte 0`, `expected the .npy magic '\\x93NUMPY', found ${shown(String.fromCharCode(...bytes.subarray(0, 6)))}`);
  }
  const major = bytes[6];
  if (major < 1 || major > 3) throw new FormatError(file, `${where}byte 6 (format version)`, `expected 1, 2 or 3, found ${major}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const prefix = major === 1 ? 10 : 12;
  if (bytes.length < prefix) throw new FormatError(file, `${where}byte 8 (header length)`, `file is truncated: found ${bytes.length} bytes`);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (prefix + headerLen > bytes.length) {
    throw new FormatError(file, `${where}byte 8 (header length)`, `header of ${headerLen} bytes runs past the end of ${bytes.length} bytes (truncated)`);
  }
  const headerBytes = bytes.subarray(prefix, prefix + headerLen);
  const header = major === 3 ? new TextDecoder().decode(headerBytes) : new TextDecoder('latin1').decode(headerBytes);
  const { dtype, descr, fortran, shape } = parseHeader(file, where, header);
  const count = shape.reduce((a, b) => a * b, 1);
  const itemBytes = dtype.kind === 'U' ? dtype.size * 4 : dtype.size;
  const need = count * itemBytes;
  const have = bytes.length - prefix - headerLen;
  if (have !== need) {
    throw new FormatError(
      file,
      `${where}data (byte ${prefix + headerLen})`,
      `expected shape (${shape.join(', ')}) × ${itemBytes} bytes = ${need} bytes, found ${have}${have < need ? ' (truncated)' : ''}`,
    );
  }
  let data = decodeElements(dtype, bytes.subarray(prefix + headerLen), count);
  if (fortran) data = fortranToC(data, shape);
  return { dtype: descr, shape, data };
}

/** Reads a standalone .npy file. */
export async function readNpy(source: ByteSource): Promise<NpyArray> {
  const bytes = await readRange(source, 0, source.size, 'whole file');
  return parseNpy(bytes, source.name);
}

function dtypeOf(data: NpyData): string {
  if (Array.isArray(data)) {
    const width = Math.max(1, ...data.map((s) => [...s].length));
    return `<U${width}`;
  }
  if (data instanceof Float32Array) return '<f4';
  if (data instanceof Float64Array) return '<f8';
  if (data instanceof Int8Array) return '|i1';
  if (data instanceof Uint8Array) return '|u1';
  if (data instanceof Int16Array) return '<i2';
  if (data instanceof Uint16Array) return '<u2';
  if (data instanceof Int32Array) return '<i4';
  if (data instanceof Uint32Array) return '<u4';
  if (data instanceof BigInt64Array) return '<i8';
  return '<u8';
}

/**
 * Encodes an array as a .npy file (version 1.0, or 2.0 for huge headers) that np.load reads.
 * `shape` defaults to 1-D; pass [] for a scalar. `bool: true` stores a Uint8Array as numpy bool.
 */
export function writeNpy(data: NpyData, shape: number[] = [data.length], options: { bool?: boolean } = {}): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (!shape.every((d) => Number.isInteger(d) && d >= 0) || count !== data.length) {
    throw new RangeError(`shape (${shape.join(', ')}) does not hold ${data.length} elements`);
  }
  if (options.bool && !(data instanceof Uint8Array)) throw new RangeError('bool arrays must be given as a Uint8Array of 0/1');
  const descr = options.bool ? '|b1' : dtypeOf(data);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // numpy pads the header with spaces and a newline so the data starts 64-byte aligned.
  const major = dict.length + 11 > 65535 ? 2 : 1;
  const prefix = major === 1 ? 10 : 12;
  const total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  dict = dict.padEnd(total - prefix - 1, ' ') + '\n';

  let body: Uint8Array;
  if (Array.isArray(data)) {
    const width = Number(descr.slice(2));
    body = new Uint8Array(count * width * 4);
    const view = new DataView(body.buffer);
    data.forEach((s, i) => {
      let k = 0;
      for (const ch of s) view.setUint32((i * width + k++) * 4, ch.codePointAt(0) ?? 0, true);
    });
  } else if (LITTLE_ENDIAN_HOST || data.BYTES_PER_ELEMENT === 1) {
    body = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  } else {
    body = new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
    for (let i = 0; i < body.length; i += data.BYTES_PER_ELEMENT) body.subarray(i, i + data.BYTES_PER_ELEMENT).reverse();
  }

  const out = new Uint8Array(total + body.length);
  out.set(MAGIC, 0);
  out[6] = major;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, dict.length, true);
  else view.setUint32(8, dict.length, true);
  for (let i = 0; i < dict.length; i++) out[prefix + i] = dict.charCodeAt(i);
  out.set(body, total);
  return out;
}
