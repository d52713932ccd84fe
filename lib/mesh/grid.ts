/**
 * A uniform grid over 3D points (mm) for radius and nearest-point queries: electrodes near a vertex, the vertex
 * nearest an electrode. Built once by counting sort, so a query touches only the cells around it.
 */

/** More cells than this and the grid coarsens: memory stays bounded when points are spread far apart. */
const MAX_CELLS = 1 << 21;

export class PointGrid {
  readonly cellSize: number;
  /** Point coordinates in cell order, x, y, z per point (cache-friendly scans). */
  private readonly xyz: Float32Array;
  /** Original index of each point in cell order. */
  private readonly index: Int32Array;
  /** Points of cell c are [start[c], start[c + 1]) in cell order. */
  private readonly start: Int32Array;
  private readonly origin: [number, number, number] = [0, 0, 0];
  private readonly dims: [number, number, number] = [1, 1, 1];

  /** `points`: x, y, z per point. `cellSize`: about the radius most queries use. */
  constructor(points: Float32Array, cellSize: number) {
    if (!(cellSize > 0)) throw new RangeError(`cell size must be positive, got ${cellSize}`);
    const n = points.length / 3;
    const lo = [Infinity, Infinity, Infinity];
    const hi = [-Infinity, -Infinity, -Infinity];
    for (let i = 0; i < n * 3; i += 3) {
      for (let d = 0; d < 3; d++) {
        const v = points[i + d];
        if (v < lo[d]) lo[d] = v;
        if (v > hi[d]) hi[d] = v;
      }
    }
    if (n === 0) {
      lo.fill(0);
      hi.fill(0);
    }
    let size = cellSize;
    const cellsAt = (s: number) => [0, 1, 2].reduce((p, d) => p * (Math.floor((hi[d] - lo[d]) / s) + 1), 1);
    while (cellsAt(size) > MAX_CELLS) size *= 1.5;
    this.cellSize = size;
    for (let d = 0; d < 3; d++) {
      this.origin[d] = lo[d];
      this.dims[d] = Math.floor((hi[d] - lo[d]) / size) + 1;
    }
    const nCells = this.dims[0] * this.dims[1] * this.dims[2];
    const cellOf = new Int32Array(n);
    this.start = new Int32Array(nCells + 1);
    for (let i = 0; i < n; i++) {
      const c = this.cellIndex(points[3 * i], points[3 * i + 1], points[3 * i + 2]);
      cellOf[i] = c;
      this.start[c + 1]++;
    }
    for (let c = 0; c < nCells; c++) this.start[c + 1] += this.start[c];
    const fill = this.start.slice(0, nCells);
    this.index = new Int32Array(n);
    this.xyz = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) {
      const k = fill[cellOf[i]]++;
      this.index[k] = i;
      this.xyz[3 * k] = points[3 * i];
      this.xyz[3 * k + 1] = points[3 * i + 1];
      this.xyz[3 * k + 2] = points[3 * i + 2];
    }
  }

  get size(): number {
    return this.index.length;
  }

  /** Calls `visit(index, squaredDistance)` for every point within `radius` of (x, y, z). */
  forEachWithin(x: number, y: number, z: number, radius: number, visit: (index: number, d2: number) => void): void {
    const r2 = radius * radius;
    const [i0, i1] = this.span(x, radius, 0);
    const [j0, j1] = this.span(y, radius, 1);
    const [k0, k1] = this.span(z, radius, 2);
    const [nx, ny] = this.dims;
    for (let k = k0; k <= k1; k++) {
      for (let j = j0; j <= j1; j++) {
        const row = (k * ny + j) * nx;
        // Cells i0..i1 of one row are contiguous in cell order: one scan.
        const end = this.start[row + i1 + 1];
        for (let p = this.start[row + i0]; p < end; p++) {
          const dx = this.xyz[3 * p] - x;
          const dy = this.xyz[3 * p + 1] - y;
          const dz = this.xyz[3 * p + 2] - z;
          const d2 = dx * dx + dy * dy + dz * dz;
          if (d2 <= r2) visit(this.index[p], d2);
        }
      }
    }
  }

  /** Index of the point nearest (x, y, z), or -1 when the grid is empty or none lies within `maxDistance`. */
  nearest(x: number, y: number, z: number, maxDistance = Infinity): number {
    if (this.size === 0) return -1;
    let best = -1;
    let bestD2 = maxDistance * maxDistance;
    const visit = (index: number, d2: number) => {
      if (d2 < bestD2 || (d2 === bestD2 && best < 0)) {
        bestD2 = d2;
        best = index;
      }
    };
    // Grow the searched radius until a point is found inside it (or it covers the whole grid).
    const [nx, ny, nz] = this.dims;
    const reach = this.cellSize * (Math.max(nx, ny, nz) + 1) + this.distanceToBox(x, y, z);
    for (let radius = this.cellSize; ; radius *= 2) {
      const r = Math.min(radius, maxDistance);
      this.forEachWithin(x, y, z, r, visit);
      if (best >= 0 || r >= maxDistance || radius > reach) return best;
    }
  }

  private cellIndex(x: number, y: number, z: number): number {
    const [nx, ny] = this.dims;
    return (this.cell(z, 2) * ny + this.cell(y, 1)) * nx + this.cell(x, 0);
  }

  private cell(v: number, axis: number): number {
    return Math.min(this.dims[axis] - 1, Math.max(0, Math.floor((v - this.origin[axis]) / this.cellSize)));
  }

  private span(v: number, radius: number, axis: number): [number, number] {
    return [this.cell(v - radius, axis), this.cell(v + radius, axis)];
  }

  private distanceToBox(x: number, y: number, z: number): number {
    let d2 = 0;
    [x, y, z].forEach((v, axis) => {
      const lo = this.origin[axis];
      const hi = lo + this.dims[axis] * this.cellSize;
      const out = v < lo ? lo - v : v > hi ? v - hi : 0;
      d2 += out * out;
    });
    return Math.sqrt(d2);
  }
}
