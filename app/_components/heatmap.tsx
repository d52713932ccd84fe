'use client';

import { useEffect, useRef } from 'react';
import { colorAt, limitsOf, type ColormapName } from '@/lib/colormaps';

/** Where the cells of a Heatmap of this size are drawn, in canvas px (axes left and below, colour bar right). */
export function plotAreaOf(width: number, height: number) {
  const left = 44;
  const top = 8;
  return { left, top, plotW: width - left - 70, plotH: height - 28 - top };
}

/**
 * A frequency x time map on a canvas: frequencies bottom to top, time left to right, stimulus onset marked, axes
 * labelled, and a colour bar with its limits.
 */
export function Heatmap({
  values,
  freqs,
  times,
  colormap = 'viridis',
  label,
  unit = '',
  width = 480,
  height = 260,
}: {
  values: ArrayLike<number>;
  freqs: readonly number[];
  times: readonly number[];
  colormap?: ColormapName;
  label: string;
  unit?: string;
  width?: number;
  height?: number;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [lo, hi] = limitsOf(values, colormap === 'rdbu');
  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx) return;
    const nF = freqs.length;
    const nT = times.length;
    const { left, plotW, plotH } = plotAreaOf(width, height);
    ctx.clearRect(0, 0, width, height);
    const cw = plotW / nT;
    const chh = plotH / nF;
    for (let f = 0; f < nF; f++) {
      for (let t = 0; t < nT; t++) {
        const [r, g, b] = colorAt(colormap, (values[f * nT + t]! - lo) / (hi - lo));
        ctx.fillStyle = `rgb(${r},${g},${b})`;
        ctx.fillRect(left + t * cw, 8 + plotH - (f + 1) * chh, Math.ceil(cw), Math.ceil(chh));
      }
    }
    ctx.fillStyle = '#1b1f24';
    ctx.font = '11px system-ui, sans-serif';
    // Stimulus onset: the boundary of the first bin at or after 0 s.
    const onset = times.findIndex((t) => t >= -1e-9);
    if (onset > 0) {
      ctx.strokeStyle = '#ffffff';
      ctx.setLineDash([4, 3]);
      ctx.beginPath();
      ctx.moveTo(left + onset * cw, 8);
      ctx.lineTo(left + onset * cw, 8 + plotH);
      ctx.stroke();
      ctx.setLineDash([]);
    }
    for (const f of [0, Math.floor(nF / 3), Math.floor((2 * nF) / 3), nF - 1]) {
      ctx.fillText(`${Math.round(freqs[f]!)}`, 4, 8 + plotH - (f + 0.5) * chh + 4);
    }
    ctx.save();
    ctx.translate(12, 8 + plotH / 2 + 12);
    ctx.rotate(-Math.PI / 2);
    ctx.fillText('Hz', 0, 0);
    ctx.restore();
    for (let t = 0; t < nT; t += Math.max(1, Math.round(nT / 6))) {
      ctx.fillText(`${Math.round(times[t]! * 1000)}`, left + t * cw, height - 12);
    }
    ctx.fillText('ms', left + plotW - 16, height - 1);
    // Colour bar.
    const barX = left + plotW + 12;
    for (let i = 0; i < plotH; i++) {
      const [r, g, b] = colorAt(colormap, 1 - i / plotH);
      ctx.fillStyle = `rgb(${r},${g},${b})`;
      ctx.fillRect(barX, 8 + i, 12, 1);
    }
    ctx.fillStyle = '#1b1f24';
    ctx.fillText(fmt(hi), barX + 15, 16);
    ctx.fillText(fmt(lo), barX + 15, 8 + plotH);
  }, [values, freqs, times, colormap, lo, hi, width, height]);
  return (
    <figure style={{ margin: 0 }}>
      <canvas ref={canvas} width={width} height={height} role="img" aria-label={label} />
      <figcaption className="muted">
        {label}
        {unit && ` (${unit})`}
      </figcaption>
    </figure>
  );
}

const fmt = (v: number) => (Math.abs(v) >= 0.01 || v === 0 ? v.toFixed(2) : v.toExponential(1));
