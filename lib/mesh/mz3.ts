/**
 * Surf Ice MZ3 meshes (raw or gzipped, little-endian): 16-byte header (magic 'MZ' = 0x5A4D read as uint16 LE,
 * 23117; ATTR bits isFACE 1, isVERT 2, isRGBA 4, isSCALAR 8, isDOUBLE 16; NFACE; NVERT; NSKIP), NSKIP private
 * bytes, then faces (int32 x 3), vertices (float32 x 3), RGBA (4 bytes) and NSCALAR layers of scalars.
 */
import { inflateIfCompressed } from './bytes';
import { MeshFormatError, type Mesh } from './types';

export const MZ3_MAGIC = 23117;

export interface Mz3 extends Mesh {
  attr: number;
  /** Every scalar layer, NVERT values each (the first is also `scalars`). */
  scalarLayers: (Float32Array | Float64Array)[];
}

export function readMz3(input: Uint8Array): Mz3 {
  const bytes = inflateIfCompressed(input);
  if (bytes.length < 16) throw new MeshFormatError(`${bytes.length} bytes is shorter than the MZ3 header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint16(0, true);
  if (magic !== MZ3_MAGIC) throw new MeshFormatError(`magic ${magic.toString(16)} is not MZ3 (4d5a)`);
  const attr = view.getUint16(2, true);
  if (attr > 63) throw new MeshFormatError(`ATTR ${attr} > 63: a newer MZ3 version`);
  const isFace = (attr & 1) !== 0;
  const isVert = (attr & 2) !== 0;
  const isRgba = (attr & 4) !== 0;
  const isScalar = (attr & 8) !== 0;
  const isDouble = (attr & 16) !== 0;
  const nFace = view.getUint32(4, true);
  const nVert = view.getUint32(8, true);
  const nSkip = view.getUint32(12, true);
  let off = 16 + nSkip;
  const need = (n: number, what: string) => {
    if (off + n > bytes.length) throw new MeshFormatError(`${what} needs ${n} bytes at ${off}, file has ${bytes.length}`);
  };

  let indices = new Uint32Array(0);
  if (isFace) {
    need(nFace * 12, 'faces');
    indices = Uint32Array.from({ length: nFace * 3 }, (_, i) => view.getInt32(off + 4 * i, true));
    off += nFace * 12;
    for (const v of indices) if (v >= nVert) throw new MeshFormatError(`face index ${v} >= ${nVert} vertices`);
  }
  let positions = new Float32Array(0);
  if (isVert) {
    need(nVert * 12, 'vertices');
    positions = Float32Array.from({ length: nVert * 3 }, (_, i) => view.getFloat32(off + 4 * i, true));
    off += nVert * 12;
  }
  let colors: Uint8Array | undefined;
  if (isRgba) {
    need(nVert * 4, 'colours');
    colors = bytes.slice(off, off + nVert * 4);
    off += nVert * 4;
  }
  const scalarLayers: (Float32Array | Float64Array)[] = [];
  if ((isScalar || isDouble) && nVert > 0) {
    const size = isDouble ? 8 : 4;
    // NSCALAR is not stored: it is what the remaining bytes hold.
    const nLayers = Math.floor((bytes.length - off) / (nVert * size));
    for (let l = 0; l < nLayers; l++) {
      scalarLayers.push(
        isDouble
          ? Float64Array.from({ length: nVert }, (_, i) => view.getFloat64(off + 8 * i, true))
          : Float32Array.from({ length: nVert }, (_, i) => view.getFloat32(off + 4 * i, true)),
      );
      off += nVert * size;
    }
  }
  const mesh: Mz3 = { attr, positions, indices, scalarLayers };
  if (colors) mesh.colors = colors;
  if (scalarLayers.length > 0) mesh.scalars = scalarLayers[0];
  return mesh;
}

/**
 * A mesh as uncompressed MZ3 (faces and vertices, plus float32 scalars when the mesh has them): the one binary
 * format the browser decodes without zlib, so the server re-encodes GIfTI surfaces (zlib inside XML) as this.
 */
export function writeMz3(mesh: Mesh): Uint8Array {
  const nFace = mesh.indices.length / 3;
  const nVert = mesh.positions.length / 3;
  const scalars = mesh.scalars && mesh.scalars.length === nVert ? mesh.scalars : null;
  const bytes = new Uint8Array(16 + nFace * 12 + nVert * 12 + (scalars ? nVert * 4 : 0));
  const view = new DataView(bytes.buffer);
  view.setUint16(0, MZ3_MAGIC, true);
  view.setUint16(2, 1 | 2 | (scalars ? 8 : 0), true);
  view.setUint32(4, nFace, true);
  view.setUint32(8, nVert, true);
  view.setUint32(12, 0, true);
  let off = 16;
  for (const v of mesh.indices) {
    view.setInt32(off, v, true);
    off += 4;
  }
  for (const x of mesh.positions) {
    view.setFloat32(off, x, true);
    off += 4;
  }
  if (scalars) {
    for (const x of scalars) {
      view.setFloat32(off, x, true);
      off += 4;
    }
  }
  return bytes;
}
