/**
 * GIfTI surfaces and surface data (.gii, or the whole file gzipped as .gii.gz): DataArrays in ASCII, Base64Binary
 * or GZipBase64Binary (zlib) encoding, either byte order, row- or column-major.
 */
import { decodeBase64, inflateIfCompressed } from './bytes';
import { MeshFormatError, type Mesh } from './types';

export type GiftiData = Float32Array | Float64Array | Int32Array | Uint32Array | Uint8Array | Int8Array | Int16Array | Uint16Array;

export interface GiftiDataArray {
  /** e.g. 'NIFTI_INTENT_POINTSET', 'NIFTI_INTENT_TRIANGLE', 'NIFTI_INTENT_SHAPE'. */
  intent: string;
  dataType: string;
  dims: number[];
  /** Row-major, whatever the file's order. */
  data: GiftiData;
  meta: Record<string, string>;
  /** Each CoordinateSystemTransformMatrix: spaces and the 4x4 row-major matrix. */
  transforms: { dataSpace: string; transformedSpace: string; matrix: number[] }[];
}

export interface Gifti {
  meta: Record<string, string>;
  dataArrays: GiftiDataArray[];
  /** LabelTable: key -> { label, rgba 0-1 } (label.gii files). */
  labels: Map<number, { label: string; rgba: [number, number, number, number] }>;
}

const TYPES: Record<string, { bytes: number; read: (v: DataView, o: number, le: boolean) => number; make: (n: number) => GiftiData }> = {
  NIFTI_TYPE_UINT8: { bytes: 1, read: (v, o) => v.getUint8(o), make: (n) => new Uint8Array(n) },
  NIFTI_TYPE_INT8: { bytes: 1, read: (v, o) => v.getInt8(o), make: (n) => new Int8Array(n) },
  NIFTI_TYPE_INT16: { bytes: 2, read: (v, o, le) => v.getInt16(o, le), make: (n) => new Int16Array(n) },
  NIFTI_TYPE_UINT16: { bytes: 2, read: (v, o, le) => v.getUint16(o, le), make: (n) => new Uint16Array(n) },
  NIFTI_TYPE_INT32: { bytes: 4, read: (v, o, le) => v.getInt32(o, le), make: (n) => new Int32Array(n) },
  NIFTI_TYPE_UINT32: { bytes: 4, read: (v, o, le) => v.getUint32(o, le), make: (n) => new Uint32Array(n) },
  NIFTI_TYPE_FLOAT32: { bytes: 4, read: (v, o, le) => v.getFloat32(o, le), make: (n) => new Float32Array(n) },
  NIFTI_TYPE_FLOAT64: { bytes: 8, read: (v, o, le) => v.getFloat64(o, le), make: (n) => new Float64Array(n) },
};

const unCdata = (s: string) => s.replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1').trim();
const XML_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const unescapeXml = (s: string) => s.replace(/&(lt|gt|amp|quot|apos);/g, (_, e: string) => XML_ENTITIES[e]);

function attributes(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([\w:.-]+)\s*=\s*"([^"]*)"/g)) out[m[1]] = unescapeXml(m[2]);
  return out;
}

function metaData(xml: string): Record<string, string> {
  const meta: Record<string, string> = {};
  for (const m of xml.matchAll(/<MD>\s*<Name>([\s\S]*?)<\/Name>\s*<Value>([\s\S]*?)<\/Value>\s*<\/MD>/g)) {
    meta[unCdata(m[1])] = unCdata(m[2]);
  }
  return meta;
}

function decodeArray(attrs: Record<string, string>, payload: string): { dims: number[]; data: GiftiData } {
  const type = TYPES[attrs.DataType];
  if (!type) throw new MeshFormatError(`DataType ${attrs.DataType} is not supported`);
  const nd = Number(attrs.Dimensionality ?? 1);
  const dims = Array.from({ length: nd }, (_, i) => Number(attrs[`Dim${i}`]));
  if (dims.some((d) => !Number.isInteger(d) || d < 0)) throw new MeshFormatError(`bad dimensions ${dims.join(' x ')}`);
  const n = dims.reduce((a, b) => a * b, 1);
  let data = type.make(n);
  const encoding = attrs.Encoding ?? 'ASCII';
  if (encoding === 'ASCII') {
    const values = payload.trim() === '' ? [] : payload.trim().split(/\s+/).map(Number);
    if (values.length !== n) throw new MeshFormatError(`ASCII data holds ${values.length} values, dimensions say ${n}`);
    data.set(values);
  } else if (encoding === 'Base64Binary' || encoding === 'GZipBase64Binary') {
    let bytes = decodeBase64(payload);
    if (encoding === 'GZipBase64Binary') bytes = inflateIfCompressed(bytes);
    if (bytes.length < n * type.bytes) throw new MeshFormatError(`data holds ${bytes.length} bytes, dimensions need ${n * type.bytes}`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const le = (attrs.Endian ?? 'LittleEndian') !== 'BigEndian';
    for (let i = 0; i < n; i++) data[i] = type.read(view, i * type.bytes, le);
  } else {
    throw new MeshFormatError(`encoding ${encoding} is not supported (external files cannot be read from bytes alone)`);
  }
  if (attrs.ArrayIndexingOrder === 'ColumnMajorOrder' && dims.length === 2) {
    // Transpose to row-major so a pointset is always x, y, z per vertex.
    const [r, c] = dims;
    const t = type.make(n);
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) t[i * c + j] = data[j * r + i];
    data = t;
  }
  return { dims, data };
}

/** Parses a GIfTI file (bytes of .gii or .gii.gz). */
export function readGifti(input: Uint8Array): Gifti {
  const xml = new TextDecoder().decode(inflateIfCompressed(input));
  if (!/<GIFTI[\s>]/.test(xml)) throw new MeshFormatError('no <GIFTI> element: not a GIfTI file');
  const dataArrays: GiftiDataArray[] = [];
  for (const m of xml.matchAll(/<DataArray\b([^>]*)>([\s\S]*?)<\/DataArray>/g)) {
    const attrs = attributes(m[1]);
    const body = m[2];
    const payload = /<Data>([\s\S]*?)<\/Data>/.exec(body)?.[1] ?? '';
    const { dims, data } = decodeArray(attrs, unCdata(payload));
    const transforms = [...body.matchAll(/<CoordinateSystemTransformMatrix>([\s\S]*?)<\/CoordinateSystemTransformMatrix>/g)].map((t) => ({
      dataSpace: unCdata(/<DataSpace>([\s\S]*?)<\/DataSpace>/.exec(t[1])?.[1] ?? ''),
      transformedSpace: unCdata(/<TransformedSpace>([\s\S]*?)<\/TransformedSpace>/.exec(t[1])?.[1] ?? ''),
      matrix: unCdata(/<MatrixData>([\s\S]*?)<\/MatrixData>/.exec(t[1])?.[1] ?? '')
        .split(/\s+/)
        .filter((s) => s !== '')
        .map(Number),
    }));
    dataArrays.push({
      intent: attrs.Intent ?? 'NIFTI_INTENT_NONE',
      dataType: attrs.DataType,
      dims,
      data,
      meta: metaData(/<MetaData>([\s\S]*?)<\/MetaData>/.exec(body)?.[1] ?? ''),
      transforms,
    });
  }
  // File-level metadata: the MetaData before the first DataArray.
  const head = xml.slice(0, xml.search(/<DataArray\b/) >= 0 ? xml.search(/<DataArray\b/) : xml.length);
  const labels: Gifti['labels'] = new Map();
  for (const m of head.matchAll(/<Label\b([^>]*)>([\s\S]*?)<\/Label>/g)) {
    const a = attributes(m[1]);
    const rgba = ['Red', 'Green', 'Blue', 'Alpha'].map((k) => Number(a[k] ?? 1)) as [number, number, number, number];
    labels.set(Number(a.Key ?? a.Index), { label: unCdata(m[2]), rgba });
  }
  return { meta: metaData(/<MetaData>([\s\S]*?)<\/MetaData>/.exec(head)?.[1] ?? ''), dataArrays, labels };
}

const isIntent = (a: GiftiDataArray, name: string, code: number) => a.intent === name || a.intent === String(code);

/**
 * The mesh in a GIfTI surface: its POINTSET (vertices) and TRIANGLE arrays, plus the first other per-vertex array
 * as scalars. Surface-data files (e.g. sulc: SHAPE only) have no geometry: use readGifti's arrays for those.
 */
export function giftiMesh(input: Uint8Array | Gifti): Mesh {
  const g = input instanceof Uint8Array ? readGifti(input) : input;
  const points = g.dataArrays.find((a) => isIntent(a, 'NIFTI_INTENT_POINTSET', 1008));
  const tris = g.dataArrays.find((a) => isIntent(a, 'NIFTI_INTENT_TRIANGLE', 1009));
  if (!points || !tris) throw new MeshFormatError('a GIfTI surface needs a POINTSET and a TRIANGLE data array');
  if (points.dims[1] !== 3 || tris.dims[1] !== 3) throw new MeshFormatError('POINTSET and TRIANGLE arrays must be N x 3');
  const nVert = points.dims[0];
  const indices = Uint32Array.from(tris.data);
  for (const v of indices) if (v >= nVert) throw new MeshFormatError(`triangle index ${v} >= ${nVert} vertices`);
  const mesh: Mesh = { positions: Float32Array.from(points.data), indices };
  const other = g.dataArrays.find((a) => a !== points && a !== tris && a.dims[0] === nVert && (a.dims[1] ?? 1) === 1);
  if (other) mesh.scalars = other.data instanceof Float64Array ? other.data : Float32Array.from(other.data);
  return mesh;
}

/** Per-vertex values of a GIfTI surface-data file (the first data array, e.g. sulcal depth). */
export function giftiScalars(input: Uint8Array | Gifti, index = 0): Float32Array {
  const g = input instanceof Uint8Array ? readGifti(input) : input;
  const a = g.dataArrays[index];
  if (!a) throw new MeshFormatError(`no data array ${index} (the file has ${g.dataArrays.length})`);
  return Float32Array.from(a.data);
}
