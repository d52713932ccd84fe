/**
 * NIfTI-1 reader (single-file .nii, raw or gzipped): header, voxel data and the voxel <-> world (MNI mm) affine,
 * chosen as nibabel does (sform when sform_code > 0, else qform when qform_code > 0, else pixdim scaling).
 */
import { gunzipSync } from 'node:zlib';

export type NiftiData = Uint8Array | Int8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;

/** Row-major 4x4 matrix: world = A * [i, j, k, 1]. */
export type Affine = number[][];
export type Vec3 = [number, number, number];

export interface NiftiHeader {
  /** Spatial dimensions (dim[1..3]); a 4th dimension > 1 is refused. */
  dims: [number, number, number];
  datatype: number;
  bitpix: number;
  /** Voxel sizes (pixdim[1..3]), mm. */
  pixdim: [number, number, number];
  voxOffset: number;
  sclSlope: number;
  sclInter: number;
  qformCode: number;
  sformCode: number;
  qform: Affine;
  sform: Affine;
  description: string;
  littleEndian: boolean;
}

export interface NiftiVolume {
  header: NiftiHeader;
  /** Stored values, i fastest (x, then y, then z), as on disk. */
  data: NiftiData;
  /** Voxel -> world (mm) affine used for lookups. */
  affine: Affine;
  /** World (mm) -> voxel. */
  inverse: Affine;
}

const DATATYPES: Record<number, { name: string; bytes: number }> = {
  2: { name: 'uint8', bytes: 1 },
  4: { name: 'int16', bytes: 2 },
  8: { name: 'int32', bytes: 4 },
  16: { name: 'float32', bytes: 4 },
  64: { name: 'float64', bytes: 8 },
  256: { name: 'int8', bytes: 1 },
  512: { name: 'uint16', bytes: 2 },
  768: { name: 'uint32', bytes: 4 },
};

export class NiftiError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NiftiError';
  }
}

/** Inflates gzip input (magic 1f 8b); other bytes are returned as they are. */
export function maybeGunzip(bytes: Uint8Array): Uint8Array {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b ? new Uint8Array(gunzipSync(bytes)) : bytes;
}

function qformAffine(view: DataView, le: boolean, pixdim: number[]): Affine {
  const b = view.getFloat32(256, le);
  const c = view.getFloat32(260, le);
  const d = view.getFloat32(264, le);
  const off = [view.getFloat32(268, le), view.getFloat32(272, le), view.getFloat32(276, le)];
  // a is implied by unit norm; clamp float rounding that makes 1 - b² - c² - d² slightly negative.
  const a = Math.sqrt(Math.max(0, 1 - (b * b + c * c + d * d)));
  const r = [
    [a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)],
    [2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)],
    [2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b],
  ];
  // pixdim[0] is qfac: -1 flips the third axis (left-handed voxel grids).
  const qfac = pixdim[0] < 0 ? -1 : 1;
  const s = [pixdim[1], pixdim[2], qfac * pixdim[3]];
  return [
    [r[0][0] * s[0], r[0][1] * s[1], r[0][2] * s[2], off[0]],
    [r[1][0] * s[0], r[1][1] * s[1], r[1][2] * s[2], off[1]],
    [r[2][0] * s[0], r[2][1] * s[1], r[2][2] * s[2], off[2]],
    [0, 0, 0, 1],
  ];
}

/** Inverse of an affine (3x3 linear part and translation). */
export function invertAffine(m: Affine): Affine {
  const [[a, b, c], [d, e, f], [g, h, i]] = m;
  const det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  if (det === 0) throw new NiftiError('singular affine');
  const inv = [
    [(e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det],
    [(f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det],
    [(d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det],
  ];
  const t = [m[0][3], m[1][3], m[2][3]];
  return [
    [...inv[0], -(inv[0][0] * t[0] + inv[0][1] * t[1] + inv[0][2] * t[2])],
    [...inv[1], -(inv[1][0] * t[0] + inv[1][1] * t[1] + inv[1][2] * t[2])],
    [...inv[2], -(inv[2][0] * t[0] + inv[2][1] * t[1] + inv[2][2] * t[2])],
    [0, 0, 0, 1],
  ];
}

export function applyAffine(m: Affine, p: readonly number[]): Vec3 {
  return [
    m[0][0] * p[0] + m[0][1] * p[1] + m[0][2] * p[2] + m[0][3],
    m[1][0] * p[0] + m[1][1] * p[1] + m[1][2] * p[2] + m[1][3],
    m[2][0] * p[0] + m[2][1] * p[1] + m[2][2] * p[2] + m[2][3],
  ];
}

/** Parses a NIfTI-1 file (.nii, or .nii.gz bytes). */
export function readNifti(input: Uint8Array): NiftiVolume {
  const bytes = maybeGunzip(input);
  if (bytes.length < 348) throw new NiftiError(`${bytes.length} bytes is shorter than a NIfTI-1 header (348)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let le = true;
  if (view.getInt32(0, true) !== 348) {
    if (view.getInt32(0, false) !== 348) throw new NiftiError('sizeof_hdr is not 348: not a NIfTI-1 file (NIfTI-2 is not supported)');
    le = false;
  }
  const magic = String.fromCharCode(...bytes.subarray(344, 347));
  if (magic !== 'n+1') {
    throw new NiftiError(magic === 'ni1' ? 'header/image pairs (.hdr/.img) are not supported; use a single .nii' : `bad magic '${magic}'`);
  }
  const dim = Array.from({ length: 8 }, (_, i) => view.getInt16(40 + 2 * i, le));
  const pixdim = Array.from({ length: 8 }, (_, i) => view.getFloat32(76 + 4 * i, le));
  if (dim[0] < 3 || dim[0] > 7) throw new NiftiError(`dim[0] = ${dim[0]}: expected a 3-D volume`);
  for (let i = 4; i <= dim[0]; i++) if (dim[i] > 1) throw new NiftiError(`dimension ${i} has ${dim[i]} entries: only 3-D volumes are supported`);
  const datatype = view.getInt16(70, le);
  const type = DATATYPES[datatype];
  if (!type) throw new NiftiError(`datatype ${datatype} is not supported (uint8, int8, int16, uint16, int32, uint32, float32, float64)`);
  const voxOffset = Math.floor(view.getFloat32(108, le));
  const dims: [number, number, number] = [dim[1], dim[2], dim[3]];
  const n = dims[0] * dims[1] * dims[2];
  if (voxOffset + n * type.bytes > bytes.length) throw new NiftiError(`data needs ${n * type.bytes} bytes from offset ${voxOffset}, file has ${bytes.length}`);

  const srow = (off: number) => [0, 1, 2, 3].map((k) => view.getFloat32(off + 4 * k, le));
  const sform: Affine = [srow(280), srow(296), srow(312), [0, 0, 0, 1]];
  const qform = qformAffine(view, le, pixdim);
  const qformCode = view.getInt16(252, le);
  const sformCode = view.getInt16(254, le);
  let affine: Affine;
  if (sformCode > 0) affine = sform;
  else if (qformCode > 0) affine = qform;
  else
    affine = [
      [pixdim[1], 0, 0, 0],
      [0, pixdim[2], 0, 0],
      [0, 0, pixdim[3], 0],
      [0, 0, 0, 1],
    ];

  const data = readData(bytes, voxOffset, n, datatype, le);
  const header: NiftiHeader = {
    dims,
    datatype,
    bitpix: view.getInt16(72, le),
    pixdim: [pixdim[1], pixdim[2], pixdim[3]],
    voxOffset,
    sclSlope: view.getFloat32(112, le),
    sclInter: view.getFloat32(116, le),
    qformCode,
    sformCode,
    qform,
    sform,
    description: new TextDecoder().decode(bytes.subarray(148, 228)).replace(/\0.*$/s, ''),
    littleEndian: le,
  };
  return { header, data, affine, inverse: invertAffine(affine) };
}

function readData(bytes: Uint8Array, offset: number, n: number, datatype: number, le: boolean): NiftiData {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, bytes.byteLength - offset);
  // DataView per element copes with any alignment and byte order.
  switch (datatype) {
    case 2:
      return bytes.slice(offset, offset + n);
    case 256:
      return new Int8Array(bytes.slice(offset, offset + n).buffer);
    case 4:
      return Int16Array.from({ length: n }, (_, i) => view.getInt16(2 * i, le));
    case 512:
      return Uint16Array.from({ length: n }, (_, i) => view.getUint16(2 * i, le));
    case 8:
      return Int32Array.from({ length: n }, (_, i) => view.getInt32(4 * i, le));
    case 768:
      return Uint32Array.from({ length: n }, (_, i) => view.getUint32(4 * i, le));
    case 16:
      return Float32Array.from({ length: n }, (_, i) => view.getFloat32(4 * i, le));
    default:
      return Float64Array.from({ length: n }, (_, i) => view.getFloat64(8 * i, le));
  }
}

/** Voxel indices (rounded to the nearest voxel centre) of a world point. */
export function worldToVoxel(volume: NiftiVolume, xyz: readonly number[]): Vec3 {
  const [i, j, k] = applyAffine(volume.inverse, xyz);
  return [Math.round(i), Math.round(j), Math.round(k)];
}

/** World (mm) coordinates of a voxel centre. */
export function voxelToWorld(volume: NiftiVolume, ijk: readonly number[]): Vec3 {
  return applyAffine(volume.affine, ijk);
}

export function inVolume(volume: NiftiVolume, [i, j, k]: readonly number[]): boolean {
  const [nx, ny, nz] = volume.header.dims;
  return i >= 0 && j >= 0 && k >= 0 && i < nx && j < ny && k < nz;
}

/** The stored value at a voxel (no scl_slope scaling: atlases store label numbers). */
export function voxelValue(volume: NiftiVolume, [i, j, k]: readonly number[]): number {
  const [nx, ny] = volume.header.dims;
  return volume.data[i + nx * (j + ny * k)];
}
