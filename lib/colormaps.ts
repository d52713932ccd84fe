/**
 * Colour maps for heatmaps: viridis (perceptually uniform, for magnitudes) and a blue-white-red diverging map (for
 * signed values such as log power change). Anchors from matplotlib, linearly interpolated.
 */

type Rgb = [number, number, number];

const VIRIDIS: Rgb[] = [
  [68, 1, 84], [72, 35, 116], [64, 67, 135], [52, 94, 141], [41, 120, 142],
  [32, 144, 140], [34, 167, 132], [68, 190, 112], [121, 209, 81], [189, 222, 38], [253, 231, 37],
];
const RDBU: Rgb[] = [
  [5, 48, 97], [33, 102, 172], [67, 147, 195], [146, 197, 222], [209, 229, 240], [247, 247, 247],
  [253, 219, 199], [244, 165, 130], [214, 96, 77], [178, 24, 43], [103, 0, 31],
];

export type ColormapName = 'viridis' | 'rdbu';

/** The colour of `t` in [0, 1] (clamped) on the named map. */
export function colorAt(name: ColormapName, t: number): Rgb {
  const anchors = name === 'viridis' ? VIRIDIS : RDBU;
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (anchors.length - 1);
  const i = Math.min(anchors.length - 2, Math.floor(x));
  const f = x - i;
  const a = anchors[i]!;
  const b = anchors[i + 1]!;
  return [Math.round(a[0] + f * (b[0] - a[0])), Math.round(a[1] + f * (b[1] - a[1])), Math.round(a[2] + f * (b[2] - a[2]))];
}

/** `size` colours sampled evenly from 0 to 1, r, g, b (0-255) each: a lookup table for colouring many values. */
export function colorTable(name: ColormapName, size = 256): Uint8Array {
  const table = new Uint8Array(size * 3);
  for (let i = 0; i < size; i++) table.set(colorAt(name, size > 1 ? i / (size - 1) : 0), 3 * i);
  return table;
}

/** Limits for a map: [min, max] for magnitudes, symmetric [-m, m] around zero for signed values. */
export function limitsOf(values: ArrayLike<number>, diverging: boolean): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === Infinity) return [0, 1];
  if (diverging) {
    const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
    return [-m, m];
  }
  return hi > lo ? [lo, hi] : [lo, lo + 1];
}
