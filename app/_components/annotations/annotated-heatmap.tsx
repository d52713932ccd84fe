'use client';

import { useRef, useState, type ComponentProps, type PointerEvent } from 'react';
import { Heatmap } from '../heatmap';
import { tfAxes, type PixelRect, type TfBounds } from './tf-box';

/** Drags shorter than this (px) are clicks, not boxes. */
const MIN_DRAG = 4;

/**
 * A Heatmap with annotated time-frequency boxes drawn over it; clicking a box highlights its thread. With `onDraw`,
 * dragging the mouse over the map draws a new box, reported in seconds and Hz.
 */
export function AnnotatedHeatmap({
  boxes,
  focused,
  onFocus,
  onDraw,
  draft,
  ...heatmap
}: ComponentProps<typeof Heatmap> & {
  boxes: { id: string; bounds: TfBounds; label: string }[];
  focused: string | null;
  onFocus: (id: string) => void;
  onDraw?: (bounds: TfBounds) => void;
  /** The box being annotated, until its form is saved or cancelled. */
  draft?: TfBounds | null;
}) {
  const width = heatmap.width ?? 480;
  const height = heatmap.height ?? 260;
  const axes = tfAxes(heatmap.freqs, heatmap.times, width, height);
  const surface = useRef<HTMLDivElement>(null);
  const [drag, setDrag] = useState<{ x0: number; y0: number; x1: number; y1: number } | null>(null);

  // Canvas px of a pointer event, whatever CSS scaling the map is shown at.
  const at = (e: PointerEvent) => {
    const r = surface.current!.getBoundingClientRect();
    return { x: ((e.clientX - r.left) * width) / r.width, y: ((e.clientY - r.top) * height) / r.height };
  };
  const start = (e: PointerEvent<HTMLDivElement>) => {
    if (!onDraw || e.button !== 0) return;
    const p = at(e);
    e.currentTarget.setPointerCapture(e.pointerId);
    setDrag({ x0: p.x, y0: p.y, x1: p.x, y1: p.y });
  };
  const move = (e: PointerEvent) => drag && setDrag({ ...drag, x1: at(e).x, y1: at(e).y });
  const end = () => {
    if (drag && Math.abs(drag.x1 - drag.x0) >= MIN_DRAG && Math.abs(drag.y1 - drag.y0) >= MIN_DRAG) {
      const bounds = axes.toTf(drag.x0, drag.y0, drag.x1, drag.y1);
      if (bounds.tMin < bounds.tMax && bounds.fMin < bounds.fMax) onDraw?.(bounds);
    }
    setDrag(null);
  };
  const pct = (r: PixelRect) => ({ left: `${(100 * r.x) / width}%`, top: `${(100 * r.y) / height}%`, width: `${(100 * r.w) / width}%`, height: `${(100 * r.h) / height}%` });
  const dragRect = drag && { x: Math.min(drag.x0, drag.x1), y: Math.min(drag.y0, drag.y1), w: Math.abs(drag.x1 - drag.x0), h: Math.abs(drag.y1 - drag.y0) };

  return (
    <div style={{ position: 'relative' }}>
      <Heatmap {...heatmap} />
      <div
        ref={surface}
        data-testid="annotate-heatmap"
        role="group"
        aria-label={onDraw ? `${heatmap.label}: drag to annotate a time-frequency box` : `Boxes on ${heatmap.label}`}
        style={{ position: 'absolute', left: 0, top: 0, width, height, cursor: onDraw ? 'crosshair' : undefined, touchAction: 'none' }}
        onPointerDown={start}
        onPointerMove={move}
        onPointerUp={end}
        onPointerCancel={() => setDrag(null)}
      >
        {boxes.map((b) => (
          <button
            key={b.id}
            type="button"
            data-testid="annotation-box"
            aria-label={`Highlight the thread on ${b.label}`}
            aria-pressed={b.id === focused}
            title={b.label}
            // A click on a box highlights it; it must not start a new box.
            onPointerDown={(e) => e.stopPropagation()}
            onClick={() => onFocus(b.id)}
            style={{
              position: 'absolute',
              ...pct(axes.toPixels(b.bounds)),
              padding: 0,
              background: b.id === focused ? 'rgba(255,255,255,0.18)' : 'transparent',
              border: `2px solid ${b.id === focused ? '#ffd43b' : '#ffffff'}`,
              boxShadow: '0 0 0 1px rgba(0,0,0,0.6)',
              cursor: 'pointer',
            }}
          />
        ))}
        {draft && !drag && <div aria-hidden style={{ position: 'absolute', ...pct(axes.toPixels(draft)), border: '2px dashed #ffd43b', pointerEvents: 'none' }} />}
        {dragRect && <div aria-hidden style={{ position: 'absolute', ...pct(dragRect), border: '2px dashed #ffffff', pointerEvents: 'none' }} />}
      </div>
    </div>
  );
}
