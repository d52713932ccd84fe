/**
 * Electrode values projected onto a cortical surface. Each electrode spreads its value over the vertices around it
 * with a Gaussian kernel in mm, w = exp(-d^2 / 2 sigma^2) for d < cutoff (0 beyond), and
 *
 *   value(vertex) = sum(w * v) / max(1, sum(w))
 *
 * The plain weighted mean sum(w * v) / sum(w) would paint every vertex within the cutoff of a lone electrode with
 * its full value (a flat disc, not a map) and leave vertices no electrode reaches undefined; the plain sum exceeds
 * every measured value where contacts crowd (grids, 11,000 contacts). This blend is the sum where kernels do not
 * overlap, so a lone electrode on the surface gives a Gaussian bump peaking at its value on the nearest vertex and
 * falling to 0, and the weighted mean where they do, so a value never leaves the range of the data (and 0).
 * `weight` = sum(w) says how much data backs a vertex; viewers fade the map out where it is small.
 */
import { PointGrid } from './grid';

export interface ProjectionOptions {
  /** Kernel width in mm (default 5). */
  sigma?: number;
  /** Electrodes farther than this from a vertex (mm) do not touch it (default 3 sigma). */
  cutoff?: number;
}

export interface SurfaceMap {
  /** One value per vertex; 0 where no electrode with a finite value reaches. */
  values: Float32Array;
  /** sum(w) per vertex over electrodes with finite values. */
  weight: Float32Array;
}

/**
 * The kernel weights between one surface and one set of electrodes, computed once (a spatial grid keeps that to
 * the electrodes within the cutoff of each vertex), so projecting the values of each time step is one sparse pass.
 */
export class SurfaceProjector {
  readonly sigma: number;
  readonly cutoff: number;
  readonly vertexCount: number;
  /** CSR rows: the electrodes touching vertex i are electrode[offsets[i] .. offsets[i + 1]). */
  private readonly offsets: Uint32Array;
  private readonly electrode: Uint32Array;
  private readonly w: Float32Array;

  /** `vertices` and `electrodes`: x, y, z per point, mm, in the same space. */
  constructor(vertices: Float32Array, electrodes: Float32Array, options: ProjectionOptions = {}) {
    this.sigma = options.sigma ?? 5;
    this.cutoff = options.cutoff ?? 3 * this.sigma;
    if (!(this.sigma > 0) || !(this.cutoff > 0)) throw new RangeError(`sigma and cutoff must be positive (got ${this.sigma}, ${this.cutoff})`);
    this.vertexCount = vertices.length / 3;
    const grid = new PointGrid(electrodes, this.cutoff);
    const k = -1 / (2 * this.sigma * this.sigma);
    this.offsets = new Uint32Array(this.vertexCount + 1);
    let electrode = new Uint32Array(Math.max(1024, this.vertexCount));
    let w = new Float32Array(electrode.length);
    let n = 0;
    const visit = (index: number, d2: number) => {
      if (n === electrode.length) {
        const grown = new Uint32Array(2 * n);
        grown.set(electrode);
        electrode = grown;
        const grownW = new Float32Array(2 * n);
        grownW.set(w);
        w = grownW;
      }
      electrode[n] = index;
      w[n++] = Math.exp(k * d2);
    };
    for (let v = 0; v < this.vertexCount; v++) {
      grid.forEachWithin(vertices[3 * v], vertices[3 * v + 1], vertices[3 * v + 2], this.cutoff, visit);
      this.offsets[v + 1] = n;
    }
    this.electrode = electrode.slice(0, n);
    this.w = w.slice(0, n);
  }

  /** Values (one per electrode, in the constructor's order; NaN for none) as a map on the surface. */
  project(values: ArrayLike<number>, out?: SurfaceMap): SurfaceMap {
    const result = out ?? { values: new Float32Array(this.vertexCount), weight: new Float32Array(this.vertexCount) };
    for (let v = 0; v < this.vertexCount; v++) {
      let sum = 0;
      let weight = 0;
      for (let p = this.offsets[v]; p < this.offsets[v + 1]; p++) {
        const x = values[this.electrode[p]];
        if (!Number.isFinite(x)) continue;
        sum += this.w[p] * x;
        weight += this.w[p];
      }
      result.values[v] = sum / Math.max(1, weight);
      result.weight[v] = weight;
    }
    return result;
  }
}
