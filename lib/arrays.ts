/**
 * Our on-disk layout for large arrays: a JSON header (dtype, shape, axis names) then little-endian raw data,
 * aligned to 8 bytes so the data can be viewed without copying. Converts to NumPy's .npy for download.
 */

export type DType = 'float32' | 'float64' | 'int32' | 'uint8';
type TypedArrayOf<D extends DType> = D extends 'float32'
  ? Float32Array
  : D extends 'float64'
    ? Float64Array
    : D extends 'int32'
      ? Int32Array
      : Uint8Array;

export interface NdArray<D extends DType = DType> {
  dtype: D;
  shape: number[];
  /** What each axis is, in MNE's words ('epochs', 'channels', 'freqs', 'times'). */
  axes: string[];
  data: TypedArrayOf<D>;
}

const MAGIC = 'BGARRAY1';
const ctor = { float32: Float32Array, float64: Float64Array, int32: Int32Array, uint8: Uint8Array } as const;

export function ndarray<D extends DType>(dtype: D, data: TypedArrayOf<D>, shape: number[], axes: string[]): NdArray<D> {
  const n = shape.reduce((a, b) => a * b, 1);
  if (n !== data.length) throw new Error(`shape [${shape.join(', ')}] holds ${n} values but the data has ${data.length}`);
  if (axes.length !== shape.length) throw new Error(`${axes.length} axis names for ${shape.length} dimensions`);
  return { dtype, shape, axes, data };
}

export function encodeArray(array: NdArray): Uint8Array {
  const header = new TextEncoder().encode(JSON.stringify({ dtype: array.dtype, shape: array.shape, axes: array.axes }));
  const dataOffset = Math.ceil((MAGIC.length + 4 + header.length) / 8) * 8;
  const out = new Uint8Array(dataOffset + array.data.byteLength);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(MAGIC.length, header.length, true);
  out.set(header, MAGIC.length + 4);
  out.set(new Uint8Array(array.data.buffer, array.data.byteOffset, array.data.byteLength), dataOffset);
  return out;
}

export function decodeArray(bytes: Uint8Array): NdArray {
  const magic = new TextDecoder().decode(bytes.subarray(0, MAGIC.length));
  if (magic !== MAGIC) throw new Error(`not a Brainglass array (starts with "${magic}", expected "${MAGIC}")`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(MAGIC.length, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(MAGIC.length + 4, MAGIC.length + 4 + headerLength))) as {
    dtype: DType;
    shape: number[];
    axes: string[];
  };
  const dataOffset = Math.ceil((MAGIC.length + 4 + headerLength) / 8) * 8;
  const Ctor = ctor[header.dtype];
  const n = header.shape.reduce((a, b) => a * b, 1);
  // Copy when the buffer is not aligned for the element type.
  const aligned = (bytes.byteOffset + dataOffset) % Ctor.BYTES_PER_ELEMENT === 0;
  const data = aligned
    ? new Ctor(bytes.buffer as ArrayBuffer, bytes.byteOffset + dataOffset, n)
    : new Ctor(new Uint8Array(bytes.subarray(dataOffset, dataOffset + n * Ctor.BYTES_PER_ELEMENT)).buffer);
  return ndarray(header.dtype, data as TypedArrayOf<typeof header.dtype>, header.shape, header.axes);
}

const npyDescr = { float32: '<f4', float64: '<f8', int32: '<i4', uint8: '|u1' } as const;

/** NumPy .npy (format 1.0) bytes of an array, for users who continue in Python. */
export function toNpy(array: NdArray): Uint8Array {
  const shape = array.shape.length === 1 ? `(${array.shape[0]},)` : `(${array.shape.join(', ')})`;
  let header = `{'descr': '${npyDescr[array.dtype]}', 'fortran_order': False, 'shape': ${shape}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + array.data.byteLength);
  out.set([0x93, ...new TextEncoder().encode('NUMPY'), 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(array.data.buffer, array.data.byteOffset, array.data.byteLength), 10 + header.length);
  return out;
}
