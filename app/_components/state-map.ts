/**
 * The mental state map on a canvas (Level 3): one cell per SOM node, coloured by the action whose territory it is
 * (its most probable class) and shaded by how many calibration windows landed there; windows of an offline
 * analysis as dots; the live point with a trail that fades over TRAIL_MS. A plain class with a small API: React
 * only mounts it, and it knows nothing about tRPC.
 */

/** What the server sends of a map (server/statespace/hub.ts mapViewOf). */
export interface StateMapData {
  rows: number;
  cols: number;
  topology: 'hexagonal' | 'rectangular';
  /** x, y per node in grid units (neighbours 1 apart). */
  coords: number[];
  classes: string[];
  /** nNodes x nClasses. */
  posteriors: number[];
  /** Soft hits of calibration windows per node. */
  hits: number[];
}

/** Tableau 10: distinct for the first ten actions, readable on white. */
export const ACTION_COLORS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

const TRAIL_MS = 3000;
const MARGIN = 0.7;

interface TrailPoint {
  x: number;
  y: number;
  at: number;
}

export class StateMapCanvas {
  private map: StateMapData | null = null;
  private colorOf: (action: string) => string = () => '#999';
  private trail: TrailPoint[] = [];
  private dots: { x: number; y: number; color: string }[] = [];
  private frame = 0;
  private readonly ctx: CanvasRenderingContext2D;

  constructor(private readonly canvas: HTMLCanvasElement) {
    this.ctx = canvas.getContext('2d')!;
  }

  setMap(map: StateMapData | null, colorOf: (action: string) => string): void {
    this.map = map;
    this.colorOf = colorOf;
    this.draw();
  }

  /** Windows to show as dots (offline analysis), coloured by their action. */
  setDots(dots: { x: number; y: number; action: string }[]): void {
    this.dots = dots.map((d) => ({ x: d.x, y: d.y, color: this.colorOf(d.action) }));
    this.draw();
  }

  /** New live positions, oldest first; they join the trail now. */
  addPoints(points: { x: number; y: number }[]): void {
    const now = performance.now();
    for (const p of points) this.trail.push({ x: p.x, y: p.y, at: now });
    if (!this.frame) this.frame = requestAnimationFrame(this.animate);
  }

  destroy(): void {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
  }

  private readonly animate = () => {
    this.frame = 0;
    const now = performance.now();
    this.trail = this.trail.filter((p, i) => i === this.trail.length - 1 || now - p.at < TRAIL_MS);
    this.draw();
    if (this.trail.length > 1) this.frame = requestAnimationFrame(this.animate);
  };

  /** Grid units to pixels: the whole map fits, with equal scales on both axes. */
  private transform(): { scale: number; ox: number; oy: number } {
    const { coords } = this.map!;
    let x0 = Infinity;
    let x1 = -Infinity;
    let y0 = Infinity;
    let y1 = -Infinity;
    for (let j = 0; j < coords.length; j += 2) {
      x0 = Math.min(x0, coords[j]!);
      x1 = Math.max(x1, coords[j]!);
      y0 = Math.min(y0, coords[j + 1]!);
      y1 = Math.max(y1, coords[j + 1]!);
    }
    const w = x1 - x0 + 2 * MARGIN;
    const h = y1 - y0 + 2 * MARGIN;
    const scale = Math.min(this.canvas.width / w, this.canvas.height / h);
    return { scale, ox: (this.canvas.width - w * scale) / 2 - (x0 - MARGIN) * scale, oy: (this.canvas.height - h * scale) / 2 - (y0 - MARGIN) * scale };
  }

  private draw(): void {
    const { ctx, canvas } = this;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    const map = this.map;
    if (!map) return;
    const { scale, ox, oy } = this.transform();
    const px = (x: number) => ox + x * scale;
    const py = (y: number) => oy + y * scale;
    const k = map.classes.length;
    const maxHits = Math.max(1e-9, ...map.hits);
    const hex = map.topology === 'hexagonal';
    // A hexagon with neighbours 1 apart has circumradius 1/sqrt(3); a square cell has side 1.
    const radius = (hex ? 1 / Math.sqrt(3) : Math.SQRT1_2) * scale;
    for (let j = 0; j < map.hits.length; j++) {
      let best = 0;
      for (let c = 1; c < k; c++) if (map.posteriors[j * k + c]! > map.posteriors[j * k + best]!) best = c;
      ctx.beginPath();
      for (let v = 0; v < (hex ? 6 : 4); v++) {
        const angle = hex ? Math.PI / 6 + (v * Math.PI) / 3 : Math.PI / 4 + (v * Math.PI) / 2;
        ctx.lineTo(px(map.coords[2 * j]!) + radius * Math.cos(angle), py(map.coords[2 * j + 1]!) + radius * Math.sin(angle));
      }
      ctx.closePath();
      if (map.hits[j]! > 0 && k > 0) {
        ctx.globalAlpha = 0.15 + 0.75 * Math.sqrt(map.hits[j]! / maxHits);
        ctx.fillStyle = this.colorOf(map.classes[best]!);
      } else {
        ctx.globalAlpha = 1;
        ctx.fillStyle = '#eef0f3';
      }
      ctx.fill();
      ctx.globalAlpha = 1;
      ctx.strokeStyle = '#ffffff';
      ctx.lineWidth = 1;
      ctx.stroke();
    }
    for (const d of this.dots) {
      ctx.fillStyle = d.color;
      ctx.strokeStyle = '#1b1f24';
      ctx.lineWidth = 0.5;
      ctx.beginPath();
      ctx.arc(px(d.x), py(d.y), 2.5, 0, 2 * Math.PI);
      ctx.fill();
      ctx.stroke();
    }
    const now = performance.now();
    ctx.lineCap = 'round';
    for (let i = 1; i < this.trail.length; i++) {
      const a = this.trail[i - 1]!;
      const b = this.trail[i]!;
      ctx.globalAlpha = Math.max(0, 1 - (now - b.at) / TRAIL_MS) * 0.8;
      ctx.strokeStyle = '#141a33';
      ctx.lineWidth = 2.5;
      ctx.beginPath();
      ctx.moveTo(px(a.x), py(a.y));
      ctx.lineTo(px(b.x), py(b.y));
      ctx.stroke();
    }
    ctx.globalAlpha = 1;
    const current = this.trail[this.trail.length - 1];
    if (current) {
      ctx.fillStyle = '#ffffff';
      ctx.strokeStyle = '#141a33';
      ctx.lineWidth = 3;
      ctx.beginPath();
      ctx.arc(px(current.x), py(current.y), 8, 0, 2 * Math.PI);
      ctx.fill();
      ctx.stroke();
    }
  }
}
