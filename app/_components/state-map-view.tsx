'use client';

import { useEffect, useRef } from 'react';
import { ACTION_COLORS, StateMapCanvas, type StateMapData } from './state-map';

/** An action's colour by its place in the user's list of actions, so it keeps its colour when the map changes. */
export function actionColors(actions: readonly string[]): (action: string) => string {
  return (action) => {
    const i = actions.indexOf(action);
    return i < 0 ? '#999999' : ACTION_COLORS[i % ACTION_COLORS.length]!;
  };
}

/** Mounts a StateMapCanvas; `onReady` hands it to the caller for live points. */
export function StateMap({
  map,
  colorOf,
  dots,
  onReady,
  label,
  width = 520,
  height = 460,
}: {
  map: StateMapData | null;
  colorOf: (action: string) => string;
  dots?: { x: number; y: number; action: string }[];
  onReady?: (view: StateMapCanvas | null) => void;
  label: string;
  width?: number;
  height?: number;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const own = useRef<StateMapCanvas | null>(null);
  useEffect(() => {
    const v = new StateMapCanvas(canvas.current!);
    own.current = v;
    onReady?.(v);
    return () => {
      v.destroy();
      onReady?.(null);
    };
  }, [onReady]);
  useEffect(() => own.current?.setMap(map, colorOf), [map, colorOf]);
  useEffect(() => {
    if (dots) own.current?.setDots(dots);
  }, [dots]);
  return <canvas ref={canvas} role="img" aria-label={label} width={width} height={height} style={{ maxWidth: '100%', background: '#fafbfc', borderRadius: 6 }} />;
}

export function ActionLegend({ actions, colorOf }: { actions: readonly string[]; colorOf: (action: string) => string }) {
  return (
    <ul className="row" style={{ listStyle: 'none', padding: 0, margin: '0.5rem 0' }} aria-label="Actions">
      {actions.map((a) => (
        <li key={a} className="row" style={{ gap: '0.3rem' }}>
          <span style={{ display: 'inline-block', width: 12, height: 12, borderRadius: 3, background: colorOf(a) }} />
          {a}
        </li>
      ))}
    </ul>
  );
}
