'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState, type PointerEvent, type WheelEvent } from 'react';
import { useTRPC } from './trpc';
import { Button, ErrorMessage } from './ui';

interface Channel {
  index: number;
  name: string;
  type: string;
  unit: string;
}

interface Marker {
  onset: number;
  description: string;
}

const ROW = 48;
const WIDTH = 1000;

/**
 * A multichannel trace viewer. It asks the server for one min/max pair per pixel column, so any zoom, from the whole
 * recording to single samples, draws the same number of points.
 */
export function SignalBrowser({ labId, datasetId, sfreq, nSamples, channels, events }: {
  labId: string;
  datasetId: string;
  sfreq: number;
  nSamples: number;
  channels: Channel[];
  events: Marker[];
}) {
  const trpc = useTRPC();
  const canvas = useRef<HTMLCanvasElement>(null);
  const [selected, setSelected] = useState(() => channels.slice(0, Math.min(8, channels.length)).map((c) => c.index));
  const [view, setView] = useState(() => ({ start: 0, stop: Math.min(nSamples, Math.round(10 * sfreq)) }));
  const [gain, setGain] = useState<number | null>(null);
  const [filter, setFilter] = useState({ lFreq: null as number | null, hFreq: null as number | null, lineFreq: null as number | null });
  const filtering = filter.lFreq !== null || filter.hFreq !== null || filter.lineFreq !== null;
  const drag = useRef<{ x: number; start: number; stop: number } | null>(null);

  const signal = useQuery({
    ...trpc.datasets.signal.queryOptions({
      labId,
      datasetId,
      channels: selected,
      start: view.start,
      stop: view.stop,
      points: WIDTH,
      ...(filtering ? { filter } : {}),
    }),
    placeholderData: keepPreviousData,
    enabled: selected.length > 0,
  });

  // First data: scale so a typical channel spans one row.
  const autoGain = useMemo(() => {
    const spans = signal.data?.traces.map((t) => {
      const lo = [...t.min].sort((a, b) => a - b)[Math.floor(t.min.length * 0.02)] ?? 0;
      const hi = [...t.max].sort((a, b) => a - b)[Math.floor(t.max.length * 0.98)] ?? 0;
      return hi - lo;
    });
    const median = spans?.sort((a, b) => a - b)[Math.floor(spans.length / 2)];
    return median && median > 0 ? ROW / median : 1;
  }, [signal.data]);
  const pxPerUnit = gain ?? autoGain;

  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    const data = signal.data;
    if (!ctx || !data) return;
    const height = ROW * selected.length;
    ctx.clearRect(0, 0, WIDTH, height);
    ctx.font = '11px system-ui, sans-serif';
    const span = view.stop - view.start;
    const toX = (sample: number) => ((sample - view.start) / span) * WIDTH;
    ctx.strokeStyle = '#d98e04';
    ctx.fillStyle = '#8a5a00';
    for (const e of events) {
      const x = toX(e.onset * sfreq);
      if (x < 0 || x > WIDTH) continue;
      ctx.beginPath();
      ctx.moveTo(x + 0.5, 0);
      ctx.lineTo(x + 0.5, height);
      ctx.stroke();
      ctx.fillText(e.description, x + 3, 10);
    }
    ctx.strokeStyle = '#26306e';
    data.traces.forEach((trace, row) => {
      const mid = trace.min.reduce((a, b) => a + b, 0) / trace.min.length / 2 + trace.max.reduce((a, b) => a + b, 0) / trace.max.length / 2;
      const y0 = row * ROW + ROW / 2;
      const y = (v: number) => y0 - (v - mid) * pxPerUnit;
      ctx.beginPath();
      for (let p = 0; p < trace.min.length; p++) {
        const x = toX(data.start + p * trace.step);
        if (trace.step <= 1) {
          if (p === 0) ctx.moveTo(x, y(trace.min[p]!));
          else ctx.lineTo(x, y(trace.min[p]!));
        } else {
          ctx.moveTo(x + 0.5, y(trace.min[p]!));
          ctx.lineTo(x + 0.5, y(trace.max[p]!) - 0.5);
        }
      }
      ctx.stroke();
      const ch = channels.find((c) => c.index === trace.channel);
      const label = ch?.name ?? String(trace.channel);
      ctx.fillStyle = 'rgba(255,255,255,0.85)';
      ctx.fillRect(2, row * ROW + 3, ctx.measureText(label).width + 4, 14);
      ctx.fillStyle = '#1b1f24';
      ctx.fillText(label, 4, row * ROW + 14);
      ctx.fillStyle = '#8a5a00';
    });
  }, [signal.data, view, events, selected.length, pxPerUnit, channels, sfreq]);

  const clamp = (start: number, stop: number) => {
    const span = Math.max(10, Math.min(nSamples, stop - start));
    const s = Math.max(0, Math.min(nSamples - span, start));
    return { start: Math.round(s), stop: Math.round(s + span) };
  };
  const zoom = (factor: number, centre = (view.start + view.stop) / 2) =>
    setView(clamp(centre - ((centre - view.start) * factor), centre + ((view.stop - centre) * factor)));
  const pan = (fraction: number) => {
    const shift = (view.stop - view.start) * fraction;
    setView(clamp(view.start + shift, view.stop + shift));
  };
  const onWheel = (e: WheelEvent<HTMLCanvasElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    zoom(e.deltaY > 0 ? 1.5 : 1 / 1.5, view.start + ((e.clientX - rect.left) / rect.width) * (view.stop - view.start));
  };
  const onPointerDown = (e: PointerEvent<HTMLCanvasElement>) => {
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { x: e.clientX, ...view };
  };
  const onPointerMove = (e: PointerEvent<HTMLCanvasElement>) => {
    if (!drag.current) return;
    const rect = e.currentTarget.getBoundingClientRect();
    const shift = ((drag.current.x - e.clientX) / rect.width) * (drag.current.stop - drag.current.start);
    setView(clamp(drag.current.start + shift, drag.current.stop + shift));
  };
  const seconds = (s: number) => (s / sfreq).toFixed(s / sfreq < 10 ? 3 : 1);

  return (
    <div className="stack">
      <div className="row">
        <Button variant="secondary" onClick={() => pan(-0.5)} aria-label="Earlier">
          ←
        </Button>
        <Button variant="secondary" onClick={() => pan(0.5)} aria-label="Later">
          →
        </Button>
        <Button variant="secondary" onClick={() => zoom(0.5)}>
          Zoom in
        </Button>
        <Button variant="secondary" onClick={() => zoom(2)}>
          Zoom out
        </Button>
        <Button variant="secondary" onClick={() => setView({ start: 0, stop: nSamples })}>
          Whole recording
        </Button>
        <Button variant="secondary" onClick={() => setGain(pxPerUnit * 1.5)} aria-label="Increase amplitude">
          + amplitude
        </Button>
        <Button variant="secondary" onClick={() => setGain(pxPerUnit / 1.5)} aria-label="Decrease amplitude">
          − amplitude
        </Button>
        <span className="muted" data-testid="signal-window">
          {seconds(view.start)}–{seconds(view.stop)} s of {seconds(nSamples)} s · {signal.data?.source ?? '…'}
        </span>
      </div>
      <div className="row">
        <span className="muted">Filter preview (zoom in to raw samples):</span>
        <input
          className="input"
          type="number"
          min={0}
          step="any"
          placeholder="high-pass Hz"
          aria-label="Preview high-pass (Hz)"
          style={{ width: 130 }}
          onChange={(e) => setFilter({ ...filter, lFreq: e.target.value ? Number(e.target.value) : null })}
        />
        <input
          className="input"
          type="number"
          min={0}
          step="any"
          placeholder="low-pass Hz"
          aria-label="Preview low-pass (Hz)"
          style={{ width: 130 }}
          onChange={(e) => setFilter({ ...filter, hFreq: e.target.value ? Number(e.target.value) : null })}
        />
        <select className="input" aria-label="Preview notch" onChange={(e) => setFilter({ ...filter, lineFreq: e.target.value ? Number(e.target.value) : null })}>
          <option value="">no notch</option>
          <option value="50">notch 50 Hz</option>
          <option value="60">notch 60 Hz</option>
        </select>
      </div>
      <div className="row" style={{ alignItems: 'flex-start' }}>
        <select
          multiple
          aria-label="Channels shown"
          className="input"
          style={{ height: Math.max(ROW * selected.length, 160), minWidth: 120 }}
          value={selected.map(String)}
          onChange={(e) => setSelected(Array.from(e.target.selectedOptions, (o) => Number(o.value)).slice(0, 64))}
        >
          {channels.map((c) => (
            <option key={c.index} value={c.index}>
              {c.name} ({c.type})
            </option>
          ))}
        </select>
        <canvas
          ref={canvas}
          width={WIDTH}
          height={ROW * Math.max(1, selected.length)}
          aria-label="Signal traces"
          role="img"
          style={{ border: '1px solid var(--border)', background: '#fff', cursor: 'grab', maxWidth: '100%', touchAction: 'none' }}
          onWheel={onWheel}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={() => (drag.current = null)}
        />
      </div>
      <ErrorMessage error={signal.error} />
    </div>
  );
}
