/** A triangle mesh in the shape the viewers take: flat vertex positions (x, y, z per vertex) and triangles. */
export interface Mesh {
  /** nVertices x 3, mm (MNI for the shipped brain meshes). */
  positions: Float32Array;
  /** nTriangles x 3, 0-based vertex indices. */
  indices: Uint32Array;
  /** Per-vertex values (the first scalar layer), e.g. an atlas index or sulcal depth. */
  scalars?: Float32Array | Float64Array;
  /** nVertices x 4 colours (RGBA, 0-255), when the file stores them. */
  colors?: Uint8Array;
}

export class MeshFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MeshFormatError';
  }
}

/** Axis-aligned bounds of the vertex positions: [[xmin, ymin, zmin], [xmax, ymax, zmax]]. */
export function boundingBox(positions: Float32Array): [[number, number, number], [number, number, number]] {
  const lo: [number, number, number] = [Infinity, Infinity, Infinity];
  const hi: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < positions.length; i += 3) {
    for (let d = 0; d < 3; d++) {
      const v = positions[i + d];
      if (v < lo[d]) lo[d] = v;
      if (v > hi[d]) hi[d] = v;
    }
  }
  return [lo, hi];
}

export const vertexCount = (mesh: Pick<Mesh, 'positions'>) => mesh.positions.length / 3;
export const triangleCount = (mesh: Pick<Mesh, 'indices'>) => mesh.indices.length / 3;
