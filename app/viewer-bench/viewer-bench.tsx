'use client';

import { useCallback, useEffect, useState } from 'react';
import { BrainView, type BrainElectrode } from '@/app/_components/brain/BrainView';
import type { BrainViewer } from '@/app/_components/brain/viewer';

export interface ViewerStats {
  n: number;
  /** From navigation start to the first frame with the contacts on screen. */
  firstFrameMs: number;
  /** Frames drawn per second during ORBIT_MS of continuous orbiting. */
  fps: number;
  frames: number;
  drawCalls: number;
  triangles: number;
}

declare global {
  interface Window {
    __viewerStats?: ViewerStats;
    __brainViewer?: BrainViewer;
  }
}

const ORBIT_MS = 3000;

/** Deterministic pseudo-random numbers (LCG), so every run places the same contacts. */
function random(seed: number) {
  let s = seed;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

/** A coarse lobe from MNI coordinates: enough to search by region. */
function lobe(x: number, y: number, z: number): string {
  const side = x < 0 ? 'Left' : 'Right';
  if (y > 0) return `${side} frontal`;
  if (y < -70) return `${side} occipital`;
  return z < 5 ? `${side} temporal` : `${side} parietal`;
}

/** n contacts on random vertices of both ICBM152 hemispheres, with a smooth synthetic value. */
async function syntheticElectrodes(n: number): Promise<BrainElectrode[]> {
  const { loadCortex } = await import('@/app/_components/brain/meshes');
  const { lh, rh } = await loadCortex();
  const rand = random(20240607);
  return Array.from({ length: n }, (_, i) => {
    const hemi = i % 2 === 0 ? lh : rh;
    const v = Math.floor(rand() * (hemi.positions.length / 3));
    const [x, y, z] = hemi.positions.subarray(3 * v, 3 * v + 3);
    return {
      name: `E${String(i + 1).padStart(5, '0')}`,
      x,
      y,
      z,
      region: lobe(x, y, z),
      value: Math.sin(y / 22) * Math.cos(z / 30) + x / 140,
    };
  });
}

export function ViewerBench({ n, bench }: { n: number; bench: boolean }) {
  const [electrodes, setElectrodes] = useState<BrainElectrode[] | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [stats, setStats] = useState<ViewerStats | null>(null);

  useEffect(() => {
    syntheticElectrodes(n).then(setElectrodes, (e: unknown) => console.error(e));
  }, [n]);

  const onReady = useCallback(
    (viewer: BrainViewer) => {
      window.__brainViewer = viewer;
      if (!bench) return;
      // The frame is on screen once the next animation frame starts.
      requestAnimationFrame(() => {
        const firstFrameMs = performance.now();
        const startFrames = viewer.frames;
        const start = performance.now();
        const orbit = () => {
          const elapsed = performance.now() - start;
          if (elapsed < ORBIT_MS) {
            viewer.rotate(0.03);
            requestAnimationFrame(orbit);
            return;
          }
          const frames = viewer.frames - startFrames;
          const { calls, triangles } = viewer.renderInfo;
          const result = { n, firstFrameMs: Math.round(firstFrameMs), fps: Number(((frames * 1000) / elapsed).toFixed(1)), frames, drawCalls: calls, triangles };
          window.__viewerStats = result;
          setStats(result);
        };
        requestAnimationFrame(orbit);
      });
    },
    [bench, n],
  );

  return (
    <div className="stack">
      <header className="page-header">
        <div>
          <h1>3D viewer benchmark</h1>
          <p className="subtitle">{n.toLocaleString('en')} synthetic contacts on the ICBM152 cortex</p>
        </div>
      </header>
      {electrodes ? (
        <BrainView electrodes={electrodes} valueLabel="Synthetic value (a.u.)" colormap="viridis" selected={selected} onSelect={setSelected} onReady={onReady} />
      ) : (
        <p className="empty">Placing contacts…</p>
      )}
      <p data-testid="selected-contact">Selected: {selected ?? 'none'}</p>
      {stats && (
        <p data-testid="viewer-stats">
          First frame {stats.firstFrameMs} ms · {stats.fps} frames/s while orbiting · {stats.drawCalls} draw calls
        </p>
      )}
    </div>
  );
}
