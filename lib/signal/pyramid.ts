/**
 * Display pyramids for continuous signals: per channel, the min and max over bins of 64, 512, 4096, ... samples,
 * so a trace of any length is drawn from at most a few points per pixel and never from every sample.
 */

export const PYRAMID_BASE = 64;
export const PYRAMID_STEP = 8;

export interface PyramidLevel {
  factor: number;
  nBins: number;
  /** channels x bins x [min, max] */
  data: Float32Array;
}

/** Samples per storage chunk: about 4 MB of Float32 for all channels, a power of two in [4096, 262144]. */
export function chunkSamplesFor(nChannels: number): number {
  const target = Math.floor((1 << 20) / Math.max(1, nChannels));
  return Math.min(262_144, Math.max(4096, 2 ** Math.floor(Math.log2(Math.max(1, target)))));
}

/** Builds the pyramid chunk by chunk, in time order, from channel-major chunks. */
export class PyramidBuilder {
  private readonly base: Float32Array;
  readonly nBins: number;

  constructor(
    readonly nChannels: number,
    readonly nSamples: number,
  ) {
    this.nBins = Math.ceil(nSamples / PYRAMID_BASE);
    this.base = new Float32Array(nChannels * this.nBins * 2);
    for (let i = 0; i < this.base.length; i += 2) {
      this.base[i] = Infinity;
      this.base[i + 1] = -Infinity;
    }
  }

  /** `chunk` holds `length` samples of every channel (channel-major) starting at sample `start`. */
  add(chunk: Float32Array, start: number, length: number): void {
    const base = this.base;
    for (let c = 0; c < this.nChannels; c++) {
      const row = c * length;
      const out = c * this.nBins * 2;
      // Walk bin by bin: one contiguous run of samples per bin, no division per sample.
      for (let i = 0; i < length; ) {
        const bin = Math.floor((start + i) / PYRAMID_BASE);
        const end = Math.min(length, (bin + 1) * PYRAMID_BASE - start);
        const k = out + bin * 2;
        let lo = base[k]!;
        let hi = base[k + 1]!;
        for (; i < end; i++) {
          const v = chunk[row + i]!;
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
        base[k] = lo;
        base[k + 1] = hi;
      }
    }
  }

  /** The base level and coarser ones, each PYRAMID_STEP times coarser, down to about a thousand bins. */
  levels(): PyramidLevel[] {
    const levels: PyramidLevel[] = [{ factor: PYRAMID_BASE, nBins: this.nBins, data: this.base }];
    for (;;) {
      const prev = levels[levels.length - 1]!;
      if (prev.nBins <= 1024) return levels;
      const nBins = Math.ceil(prev.nBins / PYRAMID_STEP);
      const data = new Float32Array(this.nChannels * nBins * 2);
      for (let c = 0; c < this.nChannels; c++) {
        for (let b = 0; b < nBins; b++) {
          let lo = Infinity;
          let hi = -Infinity;
          for (let j = b * PYRAMID_STEP; j < Math.min(prev.nBins, (b + 1) * PYRAMID_STEP); j++) {
            lo = Math.min(lo, prev.data[(c * prev.nBins + j) * 2]!);
            hi = Math.max(hi, prev.data[(c * prev.nBins + j) * 2 + 1]!);
          }
          data[(c * nBins + b) * 2] = lo;
          data[(c * nBins + b) * 2 + 1] = hi;
        }
      }
      levels.push({ factor: prev.factor * PYRAMID_STEP, nBins, data });
    }
  }
}

/** The coarsest level whose bins are no wider than `samplesPerPoint`, or null when raw samples are needed. */
export function chooseLevel<T extends { factor: number }>(levels: readonly T[], samplesPerPoint: number): T | null {
  let best: T | null = null;
  for (const level of levels) if (level.factor <= samplesPerPoint && (!best || level.factor > best.factor)) best = level;
  return best;
}

export interface Envelope {
  /** First sample of each point. */
  start: number;
  /** Samples per point (1 when the points are the samples themselves). */
  step: number;
  min: Float32Array;
  max: Float32Array;
}

/**
 * Min/max of one channel over `points` equal spans of [start, stop), from a source that holds bins of `factor`
 * samples (factor 1: raw samples). `get(bin)` returns [min, max] of a bin of the source.
 */
export function envelope(
  start: number,
  stop: number,
  points: number,
  factor: number,
  get: (bin: number) => readonly [number, number],
): Envelope {
  const step = Math.max(1, (stop - start) / points);
  const n = Math.max(1, Math.min(points, Math.ceil((stop - start) / step)));
  const min = new Float32Array(n);
  const max = new Float32Array(n);
  for (let p = 0; p < n; p++) {
    const first = Math.floor((start + p * step) / factor);
    const last = Math.max(first, Math.ceil(Math.min(stop, start + (p + 1) * step) / factor) - 1);
    let lo = Infinity;
    let hi = -Infinity;
    for (let b = first; b <= last; b++) {
      const [a, z] = get(b);
      if (a < lo) lo = a;
      if (z > hi) hi = z;
    }
    min[p] = lo;
    max[p] = hi;
  }
  return { start, step, min, max };
}
