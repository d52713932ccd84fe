import { plotAreaOf } from '../heatmap';

/** A time-frequency box: seconds from the event, Hz. */
export interface TfBounds {
  tMin: number;
  tMax: number;
  fMin: number;
  fMax: number;
}

/** A rectangle in a Heatmap's canvas px. */
export interface PixelRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Linear interpolation (and extrapolation past the ends) of sorted values at a fractional index. */
function valueAt(values: readonly number[], i: number): number {
  if (values.length < 2) return values[0] ?? 0;
  const k = Math.min(values.length - 2, Math.max(0, Math.floor(i)));
  return values[k]! + (i - k) * (values[k + 1]! - values[k]!);
}

/** The fractional index at which sorted values reach v; the inverse of valueAt. */
function indexAt(values: readonly number[], v: number): number {
  if (values.length < 2) return 0;
  let k = 0;
  while (k < values.length - 2 && values[k + 1]! < v) k++;
  return k + (v - values[k]!) / (values[k + 1]! - values[k]!);
}

/**
 * Converts between a Heatmap's canvas px and seconds/Hz: column t starts at times[t] (bin starts), row f is centred
 * on freqs[f] (which may be log-spaced), so values between cells are interpolated along each axis.
 */
export function tfAxes(freqs: readonly number[], times: readonly number[], width: number, height: number) {
  const { left, top, plotW, plotH } = plotAreaOf(width, height);
  const cw = plotW / times.length;
  const rh = plotH / freqs.length;
  const clampX = (x: number) => Math.min(left + plotW, Math.max(left, x));
  const clampY = (y: number) => Math.min(top + plotH, Math.max(top, y));
  const timeAt = (x: number) => valueAt(times, (clampX(x) - left) / cw);
  const freqAt = (y: number) => Math.max(0, valueAt(freqs, (top + plotH - clampY(y)) / rh - 0.5));
  const xAt = (t: number) => left + indexAt(times, t) * cw;
  const yAt = (f: number) => top + plotH - (indexAt(freqs, f) + 0.5) * rh;
  return {
    /** The box spanned by two corners a drag went between. */
    toTf(x0: number, y0: number, x1: number, y1: number): TfBounds {
      const round = (v: number, digits: number) => Number(v.toFixed(digits));
      return {
        tMin: round(timeAt(Math.min(x0, x1)), 3),
        tMax: round(timeAt(Math.max(x0, x1)), 3),
        fMin: round(freqAt(Math.max(y0, y1)), 1),
        fMax: round(freqAt(Math.min(y0, y1)), 1),
      };
    },
    toPixels(b: TfBounds): PixelRect {
      const x = clampX(xAt(b.tMin));
      const y = clampY(yAt(b.fMax));
      return { x, y, w: clampX(xAt(b.tMax)) - x, h: clampY(yAt(b.fMin)) - y };
    },
  };
}
