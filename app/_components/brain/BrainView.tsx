'use client';

import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { colorTable, limitsOf, type ColormapName } from '@/lib/colormaps';
import { Button } from '../ui';
import styles from './brain-view.module.css';
import type { BrainViewer, CameraPreset, ColorScale, CortexSurface, Hemisphere } from './viewer';

/** One contact (or EEG sensor): MNI mm, an atlas region when known, a value when there is no time axis. */
export interface BrainElectrode {
  name: string;
  x: number;
  y: number;
  z: number;
  region?: string;
  value?: number;
}

export interface BrainViewProps {
  electrodes: readonly BrainElectrode[];
  /** What the colours show, with the unit, e.g. 'High-gamma change (dB)'. */
  valueLabel: string;
  colormap?: ColormapName;
  /** values[t][electrode]: a time axis shown with a slider (instead of each electrode's `value`). */
  values?: readonly ArrayLike<number>[];
  /** Time of each row of `values`, seconds. */
  times?: readonly number[];
  /** AAL region (as aal.nii.txt names it, e.g. 'Precentral_L') -> value, offered as a parcel map. */
  parcelValues?: Readonly<Record<string, number>>;
  /** EEG sensors: show the scalp with a topomap of the values. */
  eeg?: boolean;
  selected?: string | null;
  /** Contacts marked with a pin (e.g. those with annotations). */
  pinned?: readonly string[];
  onSelect?: (name: string | null) => void;
  /** Called once the first frame with the contacts is drawn (benchmarks, tests). */
  onReady?: (viewer: BrainViewer) => void;
  /** Canvas height, CSS px. */
  height?: number;
}

type CortexMap = 'none' | 'projection' | 'parcels';
const PRESETS: CameraPreset[] = ['left', 'right', 'top', 'bottom', 'front', 'back'];
const EXPORT_SIZES = ['1280x720', '1920x1080', '3840x2160', '2048x2048'];

/**
 * The 3D brain for a set of contacts: colour bar with adjustable limits, tooltip, hemisphere and camera controls,
 * search, time slider and PNG export around the BrainViewer class, which (with three.js) is only loaded on the
 * pages that show a brain.
 */
export function BrainView({
  electrodes,
  valueLabel,
  colormap = 'viridis',
  values,
  times,
  parcelValues,
  eeg = false,
  selected,
  pinned,
  onSelect,
  onReady,
  height = 520,
}: BrainViewProps) {
  const host = useRef<HTMLDivElement>(null);
  const [viewer, setViewer] = useState<BrainViewer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>('Loading the brain…');
  const [hemispheres, setHemispheres] = useState<Record<Hemisphere, { visible: boolean; opacity: number }>>({
    lh: { visible: true, opacity: 1 },
    rh: { visible: true, opacity: 1 },
  });
  const [surface, setSurface] = useState<CortexSurface>('pial');
  const [cortexMap, setCortexMap] = useState<CortexMap>('none');
  const [sigma, setSigma] = useState(5);
  const [timeIndex, setTimeIndex] = useState(0);
  const [hover, setHover] = useState<{ index: number; x: number; y: number } | null>(null);
  const [query, setQuery] = useState('');
  const [searchMessage, setSearchMessage] = useState<string | null>(null);
  const [exportSize, setExportSize] = useState(EXPORT_SIZES[1]);
  const [ownSelection, setOwnSelection] = useState<string | null>(null);
  const selection = selected !== undefined ? selected : ownSelection;

  const t = values ? Math.min(timeIndex, values.length - 1) : 0;
  const current = useMemo(() => values?.[t] ?? Float64Array.from(electrodes, (e) => e.value ?? NaN), [values, t, electrodes]);
  const autoLimits = useMemo(() => {
    // Over every time step, so the colours of one step compare with the next.
    const rows = values ?? [Float64Array.from(electrodes, (e) => e.value ?? NaN)];
    const all = rows.flatMap((row) => limitsOf(row, colormap === 'rdbu'));
    return limitsOf(all, colormap === 'rdbu');
  }, [values, electrodes, colormap]);
  const [limitsFrom, setLimitsFrom] = useState(autoLimits);
  const [limits, setLimits] = useState(autoLimits);
  if (limitsFrom !== autoLimits) {
    // New data: back to its own limits.
    setLimitsFrom(autoLimits);
    setLimits(autoLimits);
  }
  const scale: ColorScale = useMemo(() => ({ colormap, limits }), [colormap, limits]);

  useEffect(() => {
    const target = host.current!;
    let cancelled = false;
    let created: BrainViewer | null = null;
    (async () => {
      const [{ BrainViewer }, meshes] = await Promise.all([import('./viewer'), import('./meshes')]);
      const [cortex, scalp] = await Promise.all([meshes.loadCortex(), eeg ? meshes.loadMesh('scalp') : null]);
      if (cancelled) return;
      created = new BrainViewer(target);
      created.loadMeshes(scalp ? { ...cortex, scalp } : cortex);
      setViewer(created);
      setBusy(null);
    })().catch((e: unknown) => {
      if (cancelled) return;
      const message = e instanceof Error ? e.message : String(e);
      setError(/webgl/i.test(message) ? `This browser cannot draw 3D (WebGL2): ${message}` : message);
      setBusy(null);
    });
    return () => {
      cancelled = true;
      created?.dispose();
    };
  }, [eeg]);

  useEffect(() => {
    if (!viewer) return;
    const positions = new Float32Array(electrodes.length * 3);
    electrodes.forEach((e, i) => positions.set([e.x, e.y, e.z], 3 * i));
    viewer.setElectrodes(
      positions,
      electrodes.map((e) => e.name),
      { regions: electrodes.map((e) => e.region) },
    );
  }, [viewer, electrodes]);

  useEffect(() => {
    if (!viewer) return;
    viewer.setValues(current, scale);
    if (cortexMap === 'projection') viewer.projectValues(current, scale, { sigma });
    else if (cortexMap === 'none') viewer.setSurfaceValues(null);
    if (eeg) viewer.setScalpValues(current, scale);
  }, [viewer, electrodes, current, scale, cortexMap, sigma, eeg]);

  useEffect(() => {
    if (!viewer) return;
    if (cortexMap !== 'parcels' || !parcelValues) {
      viewer.setParcelValues(null);
      return;
    }
    let cancelled = false;
    (async () => {
      const meshes = await import('./meshes');
      const [aal, labels] = await Promise.all([meshes.loadMesh('aal'), meshes.loadAalLabels()]);
      if (cancelled) return;
      viewer.loadMeshes({ aal });
      const byIndex = new Map<number, number>();
      for (const [index, name] of labels) if (name in parcelValues) byIndex.set(index, parcelValues[name]);
      viewer.setParcelValues(byIndex, scale);
    })().catch((e: unknown) => !cancelled && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      cancelled = true;
    };
  }, [viewer, cortexMap, parcelValues, scale]);

  useEffect(() => {
    if (!viewer) return;
    if (surface === 'pial') {
      viewer.setSurface('pial');
      return;
    }
    let cancelled = false;
    (async () => {
      const meshes = await import('./meshes');
      const inflated = await meshes.loadInflated();
      if (cancelled) return;
      viewer.loadMeshes({ inflated });
      viewer.setSurface('inflated');
    })().catch((e: unknown) => !cancelled && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      cancelled = true;
    };
  }, [viewer, surface]);

  useEffect(() => {
    if (!viewer) return;
    for (const hemi of ['lh', 'rh'] as const) viewer.setHemisphere(hemi, hemispheres[hemi]);
  }, [viewer, hemispheres]);

  useEffect(() => {
    if (!viewer) return;
    viewer.setSelected(selection ? electrodes.findIndex((e) => e.name === selection) : -1);
  }, [viewer, selection, electrodes]);

  useEffect(() => {
    if (!viewer) return;
    const names = new Set(pinned ?? []);
    viewer.setPins(electrodes.flatMap((e, i) => (names.has(e.name) ? [i] : [])));
  }, [viewer, pinned, electrodes]);

  useEffect(() => {
    if (!viewer) return;
    viewer.setPointerHandlers({
      onHover: (index, x, y) => setHover(index >= 0 ? { index, x, y } : null),
      onClick: (index) => {
        const name = index >= 0 ? electrodes[index].name : null;
        setOwnSelection(name);
        onSelect?.(name);
      },
    });
  }, [viewer, electrodes, onSelect]);

  // Last, so the contacts and their colours are in place: the first complete frame.
  const readyFor = useRef<BrainViewer | null>(null);
  useEffect(() => {
    if (!viewer || readyFor.current === viewer) return;
    readyFor.current = viewer;
    viewer.render();
    onReady?.(viewer);
  }, [viewer, onReady]);

  const select = (index: number) => {
    const name = electrodes[index].name;
    setOwnSelection(name);
    onSelect?.(name);
    viewer?.focus(index);
  };

  const search = (event: FormEvent) => {
    event.preventDefault();
    const wanted = query.trim().toLowerCase();
    if (!wanted) return;
    const exact = electrodes.findIndex((e) => e.name.toLowerCase() === wanted);
    if (exact >= 0) {
      select(exact);
      setSearchMessage(null);
      return;
    }
    const inRegion = electrodes.flatMap((e, i) => (e.region?.toLowerCase().includes(wanted) ? [i] : []));
    if (inRegion.length === 0) {
      setSearchMessage(`No contact or region called “${query.trim()}”`);
      return;
    }
    select(inRegion[0]);
    const centre = [0, 0, 0];
    for (const i of inRegion) {
      centre[0] += electrodes[i].x / inRegion.length;
      centre[1] += electrodes[i].y / inRegion.length;
      centre[2] += electrodes[i].z / inRegion.length;
    }
    viewer?.focus(centre as [number, number, number]);
    setSearchMessage(`${inRegion.length} contact${inRegion.length === 1 ? '' : 's'} in ${electrodes[inRegion[0]].region}`);
  };

  const exportPng = async () => {
    if (!viewer) return;
    const [w, h] = exportSize.split('x').map(Number);
    try {
      const blob = await viewer.toPNG(w, h);
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = `brain-${w}x${h}.png`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  const searchOptions = useMemo(() => {
    const regions = [...new Set(electrodes.flatMap((e) => (e.region ? [e.region] : [])))];
    // Thousands of contact names would make a sluggish list: regions only then.
    return electrodes.length <= 500 ? [...electrodes.map((e) => e.name), ...regions] : regions;
  }, [electrodes]);

  const hovered = hover && hover.index < electrodes.length ? electrodes[hover.index] : null;
  const listId = useId();

  return (
    <figure className={styles.figure}>
      <div className={styles.toolbar}>
        <div className={styles.group} role="group" aria-label="Camera">
          {PRESETS.map((preset) => (
            <Button key={preset} variant="secondary" onClick={() => viewer?.setCameraPreset(preset)} disabled={!viewer}>
              {preset[0].toUpperCase() + preset.slice(1)}
            </Button>
          ))}
        </div>
        {(['lh', 'rh'] as const).map((hemi) => (
          <div className={styles.group} key={hemi}>
            <label>
              <input
                type="checkbox"
                checked={hemispheres[hemi].visible}
                onChange={(e) => setHemispheres((h) => ({ ...h, [hemi]: { ...h[hemi], visible: e.target.checked } }))}
              />{' '}
              {hemi === 'lh' ? 'Left' : 'Right'}
            </label>
            <input
              className={styles.opacity}
              type="range"
              min={0.1}
              max={1}
              step={0.05}
              value={hemispheres[hemi].opacity}
              aria-label={`${hemi === 'lh' ? 'Left' : 'Right'} hemisphere opacity`}
              onChange={(e) => setHemispheres((h) => ({ ...h, [hemi]: { ...h[hemi], opacity: Number(e.target.value) } }))}
            />
          </div>
        ))}
        <label className={styles.group}>
          <span className={styles.label}>Surface</span>
          <select
            className="input"
            value={surface}
            onChange={(e) => {
              const next = e.target.value as CortexSurface;
              setSurface(next);
              if (next === 'inflated' && cortexMap === 'parcels') setCortexMap('none');
            }}
          >
            <option value="pial">Pial (MNI)</option>
            <option value="inflated">Inflated</option>
          </select>
        </label>
        <label className={styles.group}>
          <span className={styles.label}>Cortex</span>
          <select
            className="input"
            value={cortexMap}
            onChange={(e) => {
              const next = e.target.value as CortexMap;
              setCortexMap(next);
              if (next === 'parcels') setSurface('pial');
            }}
          >
            <option value="none">Plain</option>
            <option value="projection">Projected values</option>
            {parcelValues && <option value="parcels">AAL parcels</option>}
          </select>
        </label>
        {cortexMap === 'projection' && (
          <label className={styles.group}>
            <span className={styles.label}>σ (mm)</span>
            <input className={`input ${styles.limit}`} type="number" min={1} max={30} step={1} value={sigma} onChange={(e) => Number(e.target.value) > 0 && setSigma(Number(e.target.value))} />
          </label>
        )}
        <form className={styles.search} onSubmit={search} role="search">
          <input
            className="input"
            type="search"
            placeholder="Contact or region"
            aria-label="Find a contact or region"
            list={listId}
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />
          <datalist id={listId}>
            {searchOptions.map((o) => (
              <option key={o} value={o} />
            ))}
          </datalist>
          <Button variant="secondary" type="submit" disabled={!viewer}>
            Find
          </Button>
        </form>
        {searchMessage && <span className={styles.message}>{searchMessage}</span>}
      </div>

      <div className={styles.stage} style={{ height }}>
        <div ref={host} className={styles.canvas} role="img" aria-label={`3D brain: ${valueLabel}`} />
        {(busy || error) && <div className={styles.overlay}>{error ? <span className="error-message">{error}</span> : busy}</div>}
        {hovered && hover && (
          <div role="tooltip" className={styles.tooltip} style={{ left: hover.x + 14, top: hover.y + 14 }}>
            <strong>{hovered.name}</strong>
            {hovered.region && <div className={styles.dim}>{hovered.region}</div>}
            <div>
              {valueLabel}: {formatValue(current[hover.index])}
            </div>
          </div>
        )}
      </div>

      <div className={styles.footer}>
        <div className={styles.legend}>
          <span className={styles.label}>{valueLabel}</span>
          <LimitInput label="Lower limit" value={limits[0]} onChange={(v) => setLimits([v, limits[1]])} />
          <ColorBar colormap={colormap} />
          <LimitInput label="Upper limit" value={limits[1]} onChange={(v) => setLimits([limits[0], v])} />
        </div>
        {values && values.length > 1 && (
          <label className={styles.slider}>
            <span className={styles.label}>Time</span>
            <input type="range" min={0} max={values.length - 1} step={1} value={t} onChange={(e) => setTimeIndex(Number(e.target.value))} aria-label="Time" />
            <span>{times ? `${Math.round(times[t] * 1000)} ms` : `${t + 1} / ${values.length}`}</span>
          </label>
        )}
        <div className={styles.group}>
          <select className="input" value={exportSize} onChange={(e) => setExportSize(e.target.value)} aria-label="Image size">
            {EXPORT_SIZES.map((s) => (
              <option key={s} value={s}>
                {s.replace('x', ' × ')}
              </option>
            ))}
          </select>
          <Button variant="secondary" onClick={exportPng} disabled={!viewer}>
            Export PNG
          </Button>
        </div>
      </div>
    </figure>
  );
}

function LimitInput({ label, value, onChange }: { label: string; value: number; onChange: (value: number) => void }) {
  // Typing passes through states that are not numbers ('-', '1e'): keep the text, apply finite values only.
  const [text, setText] = useState(formatValue(value));
  const [shown, setShown] = useState(value);
  if (shown !== value) {
    setShown(value);
    setText(formatValue(value));
  }
  return (
    <input
      className={`input ${styles.limit}`}
      type="text"
      inputMode="decimal"
      aria-label={label}
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        const v = Number(e.target.value);
        if (e.target.value.trim() !== '' && Number.isFinite(v)) {
          setShown(v);
          onChange(v);
        }
      }}
    />
  );
}

function ColorBar({ colormap }: { colormap: ColormapName }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx) return;
    const table = colorTable(colormap, 256);
    const image = ctx.createImageData(256, 1);
    for (let i = 0; i < 256; i++) image.data.set([table[3 * i], table[3 * i + 1], table[3 * i + 2], 255], 4 * i);
    ctx.putImageData(image, 0, 0);
  }, [colormap]);
  return <canvas ref={canvas} className={styles.bar} width={256} height={1} style={{ width: 160, height: 12 }} aria-label={`Colour bar (${colormap})`} role="img" />;
}

const formatValue = (v: number) => (!Number.isFinite(v) ? '–' : Math.abs(v) >= 0.01 || v === 0 ? String(Number(v.toFixed(3))) : v.toExponential(2));
