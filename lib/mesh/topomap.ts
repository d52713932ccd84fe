/**
 * Scalp maps (topomaps): EEG channel values at montage positions interpolated over the vertices of a head surface
 * by spherical splines (Perrin et al. 1989, the method of MNE's interpolate_bads). Positions become directions
 * from the centre of the sphere that best fits the channels, and the map is
 *
 *   u(x) = c0 + sum_i c_i g(cos angle(x, x_i)),   g(t) = 1/(4 pi) sum_{n=1..N} (2n + 1) / (n (n + 1))^m P_n(t)
 *
 * with c solving u(x_i) = v_i and sum c_i = 0. Chosen over inverse-distance weighting, which flattens into a
 * plateau at each channel and a dent between them: the spline is smooth and still passes through every value.
 * N = 50 Legendre terms give the kernel more degrees of freedom than several hundred channels need (MNE keeps 7, which
 * caps the rank at 63 channels, and regularises with 1e-5); a ridge of only 1e-10 g(1) keeps the system solvable
 * when two channels share a position (T3 and T7 in standard_1020: they get the mean of their values) and moves the
 * map at a channel by about 1e-5 of the values' range. Vertices farther than `maxDistance` from every
 * channel (face, neck) get NaN rather than an extrapolation.
 */
import { PointGrid } from './grid';

export interface TopomapOptions {
  /** Spline order m (default 4, as Perrin and MNE). */
  stiffness?: number;
  /** Legendre terms N (default 50). */
  terms?: number;
  /** mm; default 1.5 x the median distance from a channel to its nearest neighbour. */
  maxDistance?: number;
  /** Added to the diagonal, relative to g(1) (default 1e-10). */
  ridge?: number;
}

export class Topomap {
  /** Centre of the sphere fitted to the channels, mm. */
  readonly centre: [number, number, number];
  readonly maxDistance: number;
  readonly vertexCount: number;
  readonly channelCount: number;
  /** g between each covered vertex and each channel (vertex-major); rows of uncovered vertices stay unused. */
  private readonly gVertex: Float64Array;
  private readonly covered: Uint8Array;
  private readonly lu: Float64Array;
  private readonly pivot: Int32Array;
  private readonly rhs: Float64Array;

  /** `vertices`, `channels`: x, y, z per point, mm, in the same head space. */
  constructor(vertices: Float32Array, channels: Float32Array, options: TopomapOptions = {}) {
    const m = options.stiffness ?? 4;
    const terms = options.terms ?? 50;
    const n = channels.length / 3;
    if (n < 1) throw new RangeError('a topomap needs at least one channel');
    this.vertexCount = vertices.length / 3;
    this.channelCount = n;
    this.centre = fitSphereCentre(channels);
    this.maxDistance = options.maxDistance ?? 1.5 * medianNearestNeighbour(channels);

    const factors = new Float64Array(terms + 1);
    for (let k = 1; k <= terms; k++) factors[k] = (2 * k + 1) / ((k * (k + 1)) ** m * 4 * Math.PI);
    const g = (t: number) => {
      // Legendre recurrence: (k + 1) P_{k+1} = (2k + 1) t P_k - k P_{k-1}.
      let p0 = 1;
      let p1 = t;
      let sum = factors[1] * p1;
      for (let k = 1; k < terms; k++) {
        const p2 = ((2 * k + 1) * t * p1 - k * p0) / (k + 1);
        p0 = p1;
        p1 = p2;
        sum += factors[k + 1] * p1;
      }
      return sum;
    };
    const channelDirs = this.directions(channels);
    const ridge = (options.ridge ?? 1e-10) * g(1);

    // [G 1; 1' 0] [c; c0] = [v; 0], factored once so each set of values costs one solve.
    const size = n + 1;
    const a = new Float64Array(size * size);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) a[i * size + j] = g(dot(channelDirs, i, channelDirs, j));
      a[i * size + i] += ridge;
      a[i * size + n] = 1;
      a[n * size + i] = 1;
    }
    this.pivot = luFactor(a, size);
    this.lu = a;
    this.rhs = new Float64Array(size);

    const grid = new PointGrid(channels, Math.max(1, this.maxDistance));
    const vertexDirs = this.directions(vertices);
    this.covered = new Uint8Array(this.vertexCount);
    this.gVertex = new Float64Array(this.vertexCount * n);
    for (let v = 0; v < this.vertexCount; v++) {
      if (grid.nearest(vertices[3 * v], vertices[3 * v + 1], vertices[3 * v + 2], this.maxDistance) < 0) continue;
      this.covered[v] = 1;
      for (let i = 0; i < n; i++) this.gVertex[v * n + i] = g(dot(vertexDirs, v, channelDirs, i));
    }
  }

  /** One value per channel (finite; leave channels without one out of the montage) to one per vertex. */
  interpolate(values: ArrayLike<number>, out = new Float32Array(this.vertexCount)): Float32Array {
    const n = this.channelCount;
    if (values.length !== n) throw new RangeError(`${values.length} values for ${n} channels`);
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(values[i])) throw new RangeError(`channel ${i} has no finite value (${values[i]})`);
      this.rhs[i] = values[i];
    }
    this.rhs[n] = 0;
    luSolve(this.lu, this.pivot, this.rhs);
    const c0 = this.rhs[n];
    for (let v = 0; v < this.vertexCount; v++) {
      if (!this.covered[v]) {
        out[v] = NaN;
        continue;
      }
      let sum = c0;
      for (let i = 0; i < n; i++) sum += this.gVertex[v * n + i] * this.rhs[i];
      out[v] = sum;
    }
    return out;
  }

  /** Unit vectors from the sphere centre. */
  private directions(points: Float32Array): Float64Array {
    const out = new Float64Array(points.length);
    for (let i = 0; i < points.length; i += 3) {
      const x = points[i] - this.centre[0];
      const y = points[i + 1] - this.centre[1];
      const z = points[i + 2] - this.centre[2];
      const r = Math.hypot(x, y, z) || 1;
      out[i] = x / r;
      out[i + 1] = y / r;
      out[i + 2] = z / r;
    }
    return out;
  }
}

const dot = (a: Float64Array, i: number, b: Float64Array, j: number) =>
  Math.max(-1, Math.min(1, a[3 * i] * b[3 * j] + a[3 * i + 1] * b[3 * j + 1] + a[3 * i + 2] * b[3 * j + 2]));

/**
 * Least-squares sphere through the points (|p|^2 = 2 c.p + d is linear in c and d); the centroid when the points
 * do not determine one (fewer than four, or coplanar).
 */
function fitSphereCentre(points: Float32Array): [number, number, number] {
  const n = points.length / 3;
  const centroid: [number, number, number] = [0, 0, 0];
  for (let i = 0; i < n; i++) for (let d = 0; d < 3; d++) centroid[d] += points[3 * i + d] / n;
  if (n < 4) return centroid;
  // Normal equations in coordinates relative to the centroid, for conditioning.
  const ata = new Float64Array(16);
  const atb = new Float64Array(4);
  for (let i = 0; i < n; i++) {
    const x = points[3 * i] - centroid[0];
    const y = points[3 * i + 1] - centroid[1];
    const z = points[3 * i + 2] - centroid[2];
    const row = [2 * x, 2 * y, 2 * z, 1];
    const b = x * x + y * y + z * z;
    for (let r = 0; r < 4; r++) {
      atb[r] += row[r] * b;
      for (let c = 0; c < 4; c++) ata[r * 4 + c] += row[r] * row[c];
    }
  }
  const meanSquaredSpread = atb[3] / n; // atb[3] = sum |p - centroid|^2
  try {
    luSolve(ata, luFactor(ata, 4), atb);
  } catch {
    return centroid;
  }
  // Nearly coplanar points fit a huge sphere far away: no better a centre than the centroid.
  if (Math.hypot(atb[0], atb[1], atb[2]) > 100 * Math.sqrt(meanSquaredSpread)) return centroid;
  return [centroid[0] + atb[0], centroid[1] + atb[1], centroid[2] + atb[2]];
}

function medianNearestNeighbour(points: Float32Array): number {
  const n = points.length / 3;
  if (n < 2) return Infinity;
  const nearest: number[] = [];
  for (let i = 0; i < n; i++) {
    let best = Infinity;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      best = Math.min(best, Math.hypot(points[3 * i] - points[3 * j], points[3 * i + 1] - points[3 * j + 1], points[3 * i + 2] - points[3 * j + 2]));
    }
    nearest.push(best);
  }
  nearest.sort((a, b) => a - b);
  return nearest[Math.floor(n / 2)];
}

/** In-place LU with partial pivoting of an n x n row-major matrix; returns the row permutation. */
function luFactor(a: Float64Array, n: number): Int32Array {
  const pivot = new Int32Array(n);
  let scale = 0;
  for (const x of a) scale = Math.max(scale, Math.abs(x));
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(a[i * n + k]) > Math.abs(a[p * n + k])) p = i;
    if (!(Math.abs(a[p * n + k]) > scale * 1e-14)) throw new RangeError('singular system: channels at the same position?');
    pivot[k] = p;
    if (p !== k) {
      for (let j = 0; j < n; j++) {
        const t = a[k * n + j];
        a[k * n + j] = a[p * n + j];
        a[p * n + j] = t;
      }
    }
    for (let i = k + 1; i < n; i++) {
      const f = (a[i * n + k] /= a[k * n + k]);
      if (f !== 0) for (let j = k + 1; j < n; j++) a[i * n + j] -= f * a[k * n + j];
    }
  }
  return pivot;
}

/** Solves in place with the factors of luFactor. */
function luSolve(lu: Float64Array, pivot: Int32Array, b: Float64Array): void {
  const n = pivot.length;
  for (let k = 0; k < n; k++) {
    const p = pivot[k];
    if (p !== k) {
      const t = b[k];
      b[k] = b[p];
      b[p] = t;
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) b[i] -= lu[i * n + j] * b[j];
  for (let i = n - 1; i >= 0; i--) {
    for (let j = i + 1; j < n; j++) b[i] -= lu[i * n + j] * b[j];
    b[i] /= lu[i * n + i];
  }
}
