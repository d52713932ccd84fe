/**
 * The node lattice of a self-organising map. Node j = row * cols + col. Coordinates are in units of the distance
 * between neighbouring nodes: rectangular grids put node (r, c) at (c, r); hexagonal ones shift odd rows by half a
 * node and pack rows sqrt(3)/2 apart, so all six neighbours of a node are 1 away.
 */

export type GridTopology = 'hexagonal' | 'rectangular';

export interface SomGrid {
  rows: number;
  cols: number;
  topology: GridTopology;
  nNodes: number;
  /** x, y of each node. */
  coords: Float64Array;
  /** Neighbour slots per node: 6 (hexagonal) or 4 (rectangular). */
  maxNeighbours: number;
  /** nNodes x maxNeighbours node indices, ascending, -1 for slots a border node lacks. */
  neighbours: Int32Array;
  /**
   * nNodes x maxNeighbours x 2: for node b and neighbour slot s, A_b u_s with u_s = g_j - g_b and
   * A_b = (sum_s u_s u_s')^-1, so that sum_s t_s A_b u_s is the least-squares 2-D step delta with delta . u_s = t_s
   * (zero for empty slots).
   */
  stepBasis: Float64Array;
}

export function makeGrid(rows: number, cols: number, topology: GridTopology): SomGrid {
  // Two rows and columns at least, so every node has neighbours in two directions.
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 2 || cols < 2) {
    throw new RangeError(`a map needs at least 2 x 2 nodes, got ${rows} x ${cols}`);
  }
  const nNodes = rows * cols;
  const hex = topology === 'hexagonal';
  const coords = new Float64Array(2 * nNodes);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const j = r * cols + c;
      coords[2 * j] = c + (hex && r % 2 === 1 ? 0.5 : 0);
      coords[2 * j + 1] = hex ? (r * Math.sqrt(3)) / 2 : r;
    }
  }
  const maxNeighbours = hex ? 6 : 4;
  const neighbours = new Int32Array(nNodes * maxNeighbours).fill(-1);
  for (let i = 0; i < nNodes; i++) {
    let slot = 0;
    for (let j = 0; j < nNodes; j++) {
      // Neighbours are exactly the nodes 1 apart (rounding of sqrt(3)/2 aside).
      if (j !== i && Math.abs(gridDistanceSq(coords, i, j) - 1) < 1e-9) neighbours[i * maxNeighbours + slot++] = j;
    }
  }
  const stepBasis = new Float64Array(nNodes * maxNeighbours * 2);
  for (let b = 0; b < nNodes; b++) {
    let sxx = 0;
    let sxy = 0;
    let syy = 0;
    for (let s = 0; s < maxNeighbours; s++) {
      const j = neighbours[b * maxNeighbours + s];
      if (j < 0) continue;
      const ux = coords[2 * j] - coords[2 * b];
      const uy = coords[2 * j + 1] - coords[2 * b + 1];
      sxx += ux * ux;
      sxy += ux * uy;
      syy += uy * uy;
    }
    const det = sxx * syy - sxy * sxy;
    for (let s = 0; s < maxNeighbours; s++) {
      const j = neighbours[b * maxNeighbours + s];
      if (j < 0) continue;
      const ux = coords[2 * j] - coords[2 * b];
      const uy = coords[2 * j + 1] - coords[2 * b + 1];
      stepBasis[(b * maxNeighbours + s) * 2] = (syy * ux - sxy * uy) / det;
      stepBasis[(b * maxNeighbours + s) * 2 + 1] = (sxx * uy - sxy * ux) / det;
    }
  }
  return { rows, cols, topology, nNodes, coords, maxNeighbours, neighbours, stepBasis };
}

export function gridDistanceSq(coords: Float64Array, i: number, j: number): number {
  const dx = coords[2 * i] - coords[2 * j];
  const dy = coords[2 * i + 1] - coords[2 * j + 1];
  return dx * dx + dy * dy;
}

export function areNeighbours(grid: SomGrid, i: number, j: number): boolean {
  const p = grid.maxNeighbours;
  for (let s = 0; s < p; s++) if (grid.neighbours[i * p + s] === j) return true;
  return false;
}
