/**
 * Seeded Level 2 data with planted ground truth (docs/METHODS.md, "Synthetic data", Level 2): stimulus images of
 * five categories, and sEEG epochs in which the contacts of each area along the ventral stream carry the
 * representation of one network layer in their gamma band.
 *
 * Images: procedural scenes drawn per category (houses, faces, animals, scenes, tools), each with its own layout,
 * shapes and palette, varied within the category by position, size, angle, colours and pixel noise, so a CNN's
 * early layers see colour and texture differences and its later layers category structure.
 *
 * Epochs: the background, evoked response and band-power machinery of ieeg.ts, with the contacts of area k
 * carrying a gamma (30-150 Hz) power increase at 50-450 ms whose size on each trial follows a 1-D projection of
 * layer k's activations for that trial's stimulus. Nothing else depends on the stimulus, so only the gamma band
 * can align with the layers.
 *
 * Layer-specific drives (version 2): the 1-D projection of layer k is not its plain first principal component but
 * the top eigenvector of G_k - c mean_j G_j, where G are the layers' trace-normalised stimulus Gram matrices
 * (centred activations) and j runs over the layers at least two away from k (`specificity` c, default 1): the
 * stimulus direction along which layer k varies most relative to the rest of the network. Why: with MobileNetV2
 * the plain PC1 of the early and middle layers follows image brightness like the pixels do (block_2_add's PC1
 * correlated 0.75 with the pixel RDM and 0.07 with its own), so every area carried the same image structure, the
 * areas were not told apart, and a random-weights network, whose layers keep that structure, aligned about as
 * well as the trained one. Measured on the app's synthetic dataset (seed 1, 12 per category): trained alignment
 * rose from about 0.2-0.27 to 0.34-0.44 (p <= 0.006) in all six gamma band/windows.
 *
 * Trained-specific drives (version 3): the random-weights control still aligned (rho 0.22-0.52, p < 0.05 in two of
 * six gamma band/windows). Its layers all carry much the same representation (their RDMs correlate 0.8-0.98 with
 * each other and about 0.6 with the pixels'), the pixel layer is the same in both networks, so area 1's contacts
 * pair with the first layers of either, and whenever a later area's drive happened to share structure with the
 * random representation its contacts paired with random layers all over 0-8, which reads as alignment. What the
 * paper's control asks is whether the brain carries what training put into the layers, so the drive of layer k is
 * made to carry the part of trained layer k that random networks do not reproduce: `control` takes the RDMs of
 * the layers of random-weights networks of the same architecture, and their mean Gram matrix joins the contrast
 * (weight `controlSpecificity`, default 2), except where a control representation equals layer k (the shared
 * pixels: area 1 stays driven by the pixels' own structure). The drive is still a projection of layer k's
 * activations, and only the gamma band carries it. The control networks must be independent draws, not the
 * analysis's control (server/rsa/synthetic.ts draws them with visualControlSeeds): one or two draws are not
 * enough, because each random network has structure of its own that a given drive may share by chance (measured:
 * contrasting with two draws left a third, held-out draw significantly aligned for some pairs of draws); with four
 * (weight 2) every held-out draw tried (seeds 1, 2, 8) had no significant pair outside area 1. On the app's
 * synthetic dataset (seed 1, 12 per category, analysis controlSeed 1): trained alignment 0.42-0.61 (p 0.0004-0.036)
 * in the six gamma band/windows, the random control's undefined in all six (its 15-19 significant pairs all in
 * area 1), nothing in theta and alpha. Areas 2 and 3 (block_2_add, block_7_add) still rarely reach p <= 0.001 at
 * n = 60: what is specific to those layers is a small share of their variance.
 */
import { VENTRAL_STREAM_AREAS } from '../rsa/hierarchy';
import { normCdf } from '../stats/normal';
import {
  defaultIeegContacts,
  generateIeegEpochs,
  type ContactSpec,
  type IeegOptions,
  type SyntheticEpochs,
} from './ieeg';
import { Rng } from './random';

export const VISUAL_GENERATOR = 'brainglass/synthetic-visual';
/** Bump when the same options and seed would produce different numbers. */
export const VISUAL_GENERATOR_VERSION = 3;

/** Random-weights networks whose layers the synthetic dataset's drives are contrasted with (see the header). */
export const VISUAL_CONTROL_NETWORKS = 4;

export const DEFAULT_STIMULUS_CATEGORIES: readonly string[] = ['house', 'face', 'animal', 'scene', 'tool'];

// Stream keys of their own, so that no draw here repeats one of ieeg.ts (keys 1-7) for the same seed.
const STREAM_IMAGES = 101;
const STREAM_PROJECTION = 102;
const STREAM_TRIAL_JITTER = 103;
const STREAM_CONTROL_SEEDS = 104;

type Rgb = readonly [number, number, number];
type Point = readonly [number, number];

/** A float RGB canvas; shapes are given in unit coordinates (x right, y down, both 0..1). */
class Canvas {
  readonly rgb: Float32Array;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.rgb = new Float32Array(width * height * 3);
  }

  /** Paints the pixels of the box whose centres satisfy `inside` (unit coordinates). */
  private paint(x0: number, y0: number, x1: number, y1: number, color: Rgb, inside: (x: number, y: number) => boolean) {
    const { width: w, height: h } = this;
    const i0 = Math.max(0, Math.floor(x0 * w));
    const i1 = Math.min(w - 1, Math.ceil(x1 * w));
    const j0 = Math.max(0, Math.floor(y0 * h));
    const j1 = Math.min(h - 1, Math.ceil(y1 * h));
    for (let j = j0; j <= j1; j++) {
      const y = (j + 0.5) / h;
      for (let i = i0; i <= i1; i++) {
        if (!inside((i + 0.5) / w, y)) continue;
        const o = 3 * (j * w + i);
        this.rgb[o] = color[0];
        this.rgb[o + 1] = color[1];
        this.rgb[o + 2] = color[2];
      }
    }
  }

  rect(x0: number, y0: number, x1: number, y1: number, color: Rgb): void {
    this.paint(x0, y0, x1, y1, color, (x, y) => x >= x0 && x < x1 && y >= y0 && y < y1);
  }

  /** Ellipse with semi-axes rx, ry rotated by `angle` radians. */
  ellipse(cx: number, cy: number, rx: number, ry: number, color: Rgb, angle = 0): void {
    const c = Math.cos(angle);
    const s = Math.sin(angle);
    const r = Math.max(rx, ry);
    this.paint(cx - r, cy - r, cx + r, cy + r, color, (x, y) => {
      const u = ((x - cx) * c + (y - cy) * s) / rx;
      const v = (-(x - cx) * s + (y - cy) * c) / ry;
      return u * u + v * v <= 1;
    });
  }

  /** Polygon by the even-odd rule. */
  polygon(points: readonly Point[], color: Rgb): void {
    const xs = points.map((p) => p[0]);
    const ys = points.map((p) => p[1]);
    this.paint(Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys), color, (x, y) => {
      let inside = false;
      for (let a = 0, b = points.length - 1; a < points.length; b = a++) {
        const [xa, ya] = points[a];
        const [xb, yb] = points[b];
        if (ya > y !== yb > y && x < ((xb - xa) * (y - ya)) / (yb - ya) + xa) inside = !inside;
      }
      return inside;
    });
  }

  /** A bar of `length` x `thickness` centred on (cx, cy), rotated by `angle` radians. */
  bar(cx: number, cy: number, length: number, thickness: number, angle: number, color: Rgb): void {
    const ux = (Math.cos(angle) * length) / 2;
    const uy = (Math.sin(angle) * length) / 2;
    const vx = (-Math.sin(angle) * thickness) / 2;
    const vy = (Math.cos(angle) * thickness) / 2;
    this.polygon(
      [
        [cx - ux - vx, cy - uy - vy],
        [cx + ux - vx, cy + uy - vy],
        [cx + ux + vx, cy + uy + vy],
        [cx - ux + vx, cy - uy + vy],
      ],
      color,
    );
  }

  /** Vertical gradient from `top` at y0 to `bottom` at y1 over the full width. */
  gradient(y0: number, y1: number, top: Rgb, bottom: Rgb): void {
    const { width: w, height: h } = this;
    const j0 = Math.max(0, Math.floor(y0 * h));
    const j1 = Math.min(h, Math.ceil(y1 * h));
    for (let j = j0; j < j1; j++) {
      const t = j1 - j0 > 1 ? (j - j0) / (j1 - j0 - 1) : 0;
      for (let ch = 0; ch < 3; ch++) {
        const v = top[ch] + t * (bottom[ch] - top[ch]);
        for (let i = 0; i < w; i++) this.rgb[3 * (j * w + i) + ch] = v;
      }
    }
  }
}

/** A palette colour with each channel shifted by up to +-spread. */
function pick(rng: Rng, palette: readonly Rgb[], spread = 18): Rgb {
  const [r, g, b] = palette[rng.int(palette.length)];
  return [r + rng.range(-spread, spread), g + rng.range(-spread, spread), b + rng.range(-spread, spread)];
}

function shade(c: Rgb, factor: number): Rgb {
  return [c[0] * factor, c[1] * factor, c[2] * factor];
}

const SKY: readonly Rgb[] = [[120, 170, 230], [160, 200, 240], [200, 210, 225]];
const GRASS: readonly Rgb[] = [[80, 140, 60], [110, 150, 70], [150, 140, 90]];
const METAL: readonly Rgb[] = [[150, 155, 160], [185, 185, 190], [110, 115, 120]];

function drawHouse(c: Canvas, rng: Rng): void {
  const ground = rng.range(0.72, 0.86);
  c.gradient(0, ground, pick(rng, SKY), [225, 235, 245]);
  c.rect(0, ground, 1, 1, pick(rng, GRASS));
  const w = rng.range(0.38, 0.6);
  const h = rng.range(0.24, 0.36);
  const cx = rng.range(0.25 + w / 4, 0.75 - w / 4);
  const top = ground - h;
  const wall = pick(rng, [[170, 70, 50], [225, 205, 165], [235, 235, 228], [120, 140, 165], [225, 190, 95]]);
  c.rect(cx - w / 2, top, cx + w / 2, ground, wall);
  const roofH = rng.range(0.12, 0.24);
  const overhang = rng.range(0.01, 0.05);
  if (rng.uniform() < 0.6) c.rect(cx + w * 0.2, top - roofH * 0.9, cx + w * 0.28, top, [90, 60, 50]); // chimney
  c.polygon(
    [
      [cx - w / 2 - overhang, top],
      [cx + w / 2 + overhang, top],
      [cx, top - roofH],
    ],
    pick(rng, [[120, 40, 35], [70, 65, 70], [100, 70, 45]]),
  );
  const doorX = cx + rng.range(-w / 3, w / 3);
  c.rect(doorX - w * 0.08, ground - h * 0.55, doorX + w * 0.08, ground, pick(rng, [[90, 55, 35], [40, 60, 90], [150, 30, 30]]));
  const nWindows = 2 + rng.int(3);
  for (let k = 0; k < nWindows; k++) {
    const wx = cx - w / 2 + ((k + 0.5) * w) / nWindows;
    if (Math.abs(wx - doorX) < w * 0.14) continue;
    const s = w * 0.07;
    c.rect(wx - s - 0.008, top + h * 0.22 - 0.008, wx + s + 0.008, top + h * 0.22 + 2 * s + 0.008, [245, 245, 245]);
    c.rect(wx - s, top + h * 0.22, wx + s, top + h * 0.22 + 2 * s, [150, 200, 230]);
  }
}

function drawFace(c: Canvas, rng: Rng): void {
  const bg = pick(rng, [[200, 200, 205], [170, 190, 210], [215, 200, 170], [120, 130, 140]], 25);
  c.gradient(0, 1, bg, shade(bg, 0.8));
  const cx = 0.5 + rng.range(-0.06, 0.06);
  const cy = 0.53 + rng.range(-0.04, 0.04);
  const rx = rng.range(0.2, 0.27);
  const ry = rx * rng.range(1.2, 1.4);
  const skin = pick(rng, [[250, 215, 185], [228, 185, 145], [195, 145, 105], [145, 100, 70], [100, 70, 50]], 10);
  const hair = pick(rng, [[30, 25, 20], [90, 60, 35], [200, 170, 100], [140, 60, 30], [170, 170, 170]], 10);
  c.ellipse(cx, cy + 0.5 * ry, rx * 1.3, ry * 0.35, pick(rng, [[60, 80, 140], [150, 40, 40], [60, 110, 70], [40, 40, 45]])); // shoulders
  c.ellipse(cx, cy - ry * rng.range(0.15, 0.3), rx * 1.08, ry * 0.9, hair);
  c.ellipse(cx, cy, rx, ry, skin);
  const eyeY = cy - ry * 0.12;
  for (const side of [-1, 1]) {
    const ex = cx + side * rx * 0.42;
    c.bar(ex, eyeY - ry * 0.16, rx * 0.35, ry * 0.05, side * rng.range(-0.2, 0.2), shade(hair, 0.8));
    c.ellipse(ex, eyeY, rx * 0.2, ry * 0.08, [245, 245, 245]);
    c.ellipse(ex, eyeY, rx * 0.08, rx * 0.08, pick(rng, [[60, 40, 30], [50, 90, 140], [70, 110, 70]], 10));
  }
  c.polygon(
    [
      [cx, eyeY + ry * 0.05],
      [cx - rx * 0.12, cy + ry * 0.25],
      [cx + rx * 0.12, cy + ry * 0.25],
    ],
    shade(skin, 0.85),
  );
  c.ellipse(cx, cy + ry * 0.5, rx * rng.range(0.3, 0.45), ry * rng.range(0.05, 0.1), [170, 70, 70]);
}

function drawAnimal(c: Canvas, rng: Rng): void {
  const horizon = rng.range(0.35, 0.55);
  c.gradient(0, horizon, pick(rng, SKY), [220, 230, 235]);
  c.gradient(horizon, 1, pick(rng, GRASS), shade(pick(rng, GRASS), 0.7));
  const fur = pick(rng, [[140, 90, 50], [90, 85, 80], [35, 30, 30], [210, 130, 50], [225, 220, 205]], 15);
  const dir = rng.uniform() < 0.5 ? -1 : 1;
  const cx = 0.5 + rng.range(-0.1, 0.1);
  const cy = rng.range(0.5, 0.6);
  const rx = rng.range(0.2, 0.28);
  const ry = rng.range(0.1, 0.15);
  const legLength = rng.range(0.14, 0.22);
  for (const k of [-0.7, -0.45, 0.45, 0.7]) {
    c.bar(cx + k * rx, cy + ry * 0.6 + legLength / 2, legLength, 0.045, Math.PI / 2 + rng.range(-0.2, 0.2), shade(fur, 0.85));
  }
  c.bar(cx - dir * rx * 1.05, cy - ry * 0.3, rng.range(0.12, 0.22), 0.03, dir * rng.range(0.3, 1.2), shade(fur, 0.9)); // tail
  c.ellipse(cx, cy, rx, ry, fur);
  const spots = rng.int(6);
  for (let k = 0; k < spots; k++) {
    c.ellipse(cx + rng.range(-0.7, 0.7) * rx, cy + rng.range(-0.5, 0.5) * ry, 0.03, 0.02, shade(fur, 0.55), rng.range(0, 3));
  }
  const hx = cx + dir * rx * 1.05;
  const hy = cy - ry * rng.range(0.6, 1.1);
  const hr = rng.range(0.075, 0.11);
  for (const side of [-1, 1]) {
    const ex = hx + side * hr * 0.55;
    c.polygon(
      [
        [ex - hr * 0.35, hy - hr * 0.6],
        [ex + hr * 0.35, hy - hr * 0.6],
        [ex + side * hr * 0.2, hy - hr * rng.range(1.2, 1.7)],
      ],
      shade(fur, 0.8),
    );
  }
  c.ellipse(hx, hy, hr * 1.15, hr, fur);
  c.ellipse(hx + dir * hr * 0.95, hy + hr * 0.2, hr * 0.45, hr * 0.35, shade(fur, 0.75)); // snout
  c.ellipse(hx + dir * hr * 0.35, hy - hr * 0.25, hr * 0.12, hr * 0.12, [15, 15, 15]);
  c.ellipse(hx + dir * hr * 1.3, hy + hr * 0.1, hr * 0.12, hr * 0.1, [20, 15, 15]);
}

function drawScene(c: Canvas, rng: Rng): void {
  const horizon = rng.range(0.45, 0.65);
  const sky = pick(rng, [[90, 150, 225], [240, 150, 90], [150, 160, 175], [40, 50, 100]], 20);
  c.gradient(0, horizon, sky, shade(sky, 1.25));
  if (rng.uniform() < 0.7) c.ellipse(rng.range(0.1, 0.9), rng.range(0.08, horizon - 0.2), 0.05, 0.05, [250, 235, 170]);
  for (let k = rng.int(4); k > 0; k--) {
    c.ellipse(rng.range(0, 1), rng.range(0.05, horizon * 0.6), rng.range(0.06, 0.14), rng.range(0.02, 0.05), [240, 240, 245]);
  }
  const rock = pick(rng, [[110, 110, 130], [90, 100, 120], [130, 115, 105]]);
  for (let k = 2 + rng.int(3); k > 0; k--) {
    const x = rng.range(-0.1, 1.1);
    const half = rng.range(0.15, 0.35);
    const peak = horizon - rng.range(0.12, 0.32);
    c.polygon(
      [
        [x - half, horizon],
        [x + half, horizon],
        [x, peak],
      ],
      shade(rock, rng.range(0.8, 1.2)),
    );
  }
  const ground = pick(rng, [[70, 130, 60], [180, 160, 110], [60, 110, 160]]);
  c.gradient(horizon, 1, ground, shade(ground, 0.75));
  for (let k = 3 + rng.int(6); k > 0; k--) {
    const y = rng.range(horizon + 0.03, 0.95);
    const size = 0.04 + 0.12 * ((y - horizon) / (1 - horizon));
    const x = rng.range(0, 1);
    c.rect(x - size * 0.08, y - size * 0.3, x + size * 0.08, y, [90, 60, 40]);
    c.polygon(
      [
        [x - size * 0.4, y - size * 0.3],
        [x + size * 0.4, y - size * 0.3],
        [x, y - size * 1.3],
      ],
      pick(rng, [[30, 90, 40], [50, 110, 50]], 10),
    );
  }
}

function drawTool(c: Canvas, rng: Rng): void {
  const bg = pick(rng, [[235, 235, 235], [225, 215, 195], [200, 205, 210]], 10);
  c.gradient(0, 1, bg, shade(bg, 0.9));
  const angle = rng.range(-1.1, 1.1);
  const cx = 0.5 + rng.range(-0.08, 0.08);
  const cy = 0.5 + rng.range(-0.08, 0.08);
  const ux = Math.cos(angle);
  const uy = Math.sin(angle);
  const metal = pick(rng, METAL, 10);
  const kind = rng.int(3);
  if (kind === 0) {
    // Hammer: wooden handle, metal head across one end.
    const length = rng.range(0.55, 0.75);
    c.bar(cx, cy, length, rng.range(0.045, 0.06), angle, pick(rng, [[160, 110, 60], [40, 40, 40], [200, 60, 40]]));
    c.bar(cx + (ux * length) / 2, cy + (uy * length) / 2, rng.range(0.22, 0.3), rng.range(0.07, 0.09), angle + Math.PI / 2, metal);
  } else if (kind === 1) {
    // Screwdriver: thick coloured handle, thin shaft.
    const handle = rng.range(0.2, 0.28);
    const shaft = rng.range(0.3, 0.4);
    c.bar(cx - (ux * shaft) / 2, cy - (uy * shaft) / 2, handle, rng.range(0.07, 0.09), angle, pick(rng, [[200, 40, 40], [230, 190, 40], [40, 80, 190], [30, 30, 30]]));
    c.bar(cx + (ux * handle) / 2, cy + (uy * handle) / 2, shaft, 0.02, angle, metal);
  } else {
    // Wrench: metal bar with an open jaw at one end and a ring at the other.
    const length = rng.range(0.5, 0.7);
    c.bar(cx, cy, length, rng.range(0.04, 0.055), angle, metal);
    const r = rng.range(0.06, 0.08);
    c.ellipse(cx + (ux * length) / 2, cy + (uy * length) / 2, r, r, metal);
    c.bar(cx + ux * (length / 2 + r * 0.5), cy + uy * (length / 2 + r * 0.5), r * 1.2, r * 0.8, angle, bg);
    c.ellipse(cx - (ux * length) / 2, cy - (uy * length) / 2, r * 0.9, r * 0.9, metal);
    c.ellipse(cx - (ux * length) / 2, cy - (uy * length) / 2, r * 0.45, r * 0.45, bg);
  }
}

const PAINTERS: Record<string, (c: Canvas, rng: Rng) => void> = {
  house: drawHouse,
  face: drawFace,
  animal: drawAnimal,
  scene: drawScene,
  tool: drawTool,
};

export interface StimulusOptions {
  seed?: number;
  /** Any of 'house', 'face', 'animal', 'scene', 'tool' (default all five, in this order). */
  categories?: readonly string[];
  /** Images per category (default 50). */
  perCategory?: number;
  /** Pixels (default 224 x 224, the CNN input size). */
  width?: number;
  height?: number;
}

/** Stimulus images in category order (all houses, then all faces, ...), as the paper orders its RDMs. */
export interface StimulusSet {
  width: number;
  height: number;
  categories: string[];
  /** Category index of each image. */
  labels: Int32Array;
  /** 'face_07': category and 1-based number within it. */
  names: string[];
  /** Images x height x width x 3, RGB 0-255, row-major (NHWC, a CNN's uint8 input layout). */
  pixels: Uint8Array;
}

/** Seeded procedural images, distinct by category and varied within it. */
export function generateStimuli(options: StimulusOptions = {}): StimulusSet {
  const seed = options.seed ?? 1;
  const categories = [...(options.categories ?? DEFAULT_STIMULUS_CATEGORIES)];
  const perCategory = options.perCategory ?? 50;
  const width = options.width ?? 224;
  const height = options.height ?? 224;
  for (const c of categories) if (!Object.hasOwn(PAINTERS, c)) throw new RangeError(`no painter for category '${c}'`);
  if (new Set(categories).size !== categories.length) throw new RangeError('categories must be unique');
  for (const [name, v] of [
    ['perCategory', perCategory],
    ['width', width],
    ['height', height],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${v}`);
  }
  const nImages = categories.length * perCategory;
  const size = width * height * 3;
  const pixels = new Uint8Array(nImages * size);
  const labels = new Int32Array(nImages);
  const names: string[] = [];
  const canvas = new Canvas(width, height);
  for (let i = 0; i < nImages; i++) {
    const k = Math.floor(i / perCategory);
    labels[i] = k;
    names.push(`${categories[k]}_${String((i % perCategory) + 1).padStart(2, '0')}`);
    // One stream per image: the same image whatever the other categories or counts.
    const rng = new Rng(seed, STREAM_IMAGES, DEFAULT_STIMULUS_CATEGORIES.indexOf(categories[k]), i % perCategory);
    PAINTERS[categories[k]](canvas, rng);
    // Exposure and sensor noise, so no two images share low-level statistics exactly.
    const gain = rng.range(0.85, 1.15);
    const out = pixels.subarray(i * size, (i + 1) * size);
    for (let p = 0; p < size; p++) out[p] = Math.max(0, Math.min(255, Math.round(canvas.rgb[p] * gain + rng.gaussian(0, 5))));
  }
  return { width, height, categories, labels, names, pixels };
}

/**
 * One layer's activations: stimuli x features, row-major, stimuli in the epochs' order. The fields of lib/onnx's
 * LayerActivations, so extracted activations pass as they are.
 */
export interface LayerRepresentation {
  layer: string;
  features: number;
  data: Float32Array;
}

export type LayerProjection = 'pc1' | 'random';

export interface HierarchyEpochOptions
  extends Pick<IeegOptions, 'seed' | 'sfreq' | 'tmin' | 'tmax' | 'contacts' | 'categories' | 'labels' | 'evoked'> {
  /** Areas in hierarchical order (default BA 17, 18, 19, 37, 20). */
  areas?: readonly string[];
  /** Layer index driving each area (default spread evenly: first area the first layer, last area the last). */
  areaLayers?: readonly number[];
  /** 1-D summary of a layer: its first principal component (default) or a seeded random projection. */
  projection?: LayerProjection;
  /**
   * Weight c of the layer-specific summary (see the header): 'pc1' of layer k becomes the top eigenvector of
   * G_k - c mean_j G_j, over the trace-normalised stimulus Gram matrices G_j of the layers j at least two away
   * from k (default 1; 0: each layer's plain first principal component).
   */
  specificity?: number;
  /**
   * Control representations over the same stimuli, as condensed Euclidean RDMs (lib/rsa euclideanRdm): e.g. the
   * layers of random-weights networks of the same architecture. Their trace-normalised Gram matrices join the
   * contrast of every layer they do not equal (the shared pixel layer is not contrasted with itself), weighted by
   * `controlSpecificity`.
   */
  control?: readonly ArrayLike<number>[];
  /** Weight of the control representations' mean Gram matrix in each layer's contrast (default 2). */
  controlSpecificity?: number;
  /** Band and window of the stimulus-driven power increase (default 30-150 Hz, 0.05-0.45 s). */
  fminHz?: number;
  fmaxHz?: number;
  tminS?: number;
  tmaxS?: number;
  /** Power ratio at the lowest and the highest projected value, geometric in between (default [1.2, 20]). */
  powerRange?: readonly [number, number];
  /** SD of the log power ratio from trial to trial, independent per contact (default 0.2). */
  ratioJitter?: number;
}

/** What was planted: contact -> area -> layer, and the drive of every layer. */
export interface HierarchyGroundTruth {
  generator: string;
  version: number;
  seed: number;
  areas: string[];
  layers: string[];
  areaLayers: number[];
  projection: LayerProjection;
  specificity: number;
  /** Control RDMs the drives were contrasted with (0: none), and their weight. */
  nControl: number;
  controlSpecificity: number;
  /** Seeds of the random-weights networks behind the control RDMs, where the caller records them. */
  controlSeeds?: number[];
  fminHz: number;
  fmaxHz: number;
  tminS: number;
  tmaxS: number;
  powerRange: [number, number];
  /** The driven contacts in channel order; contacts in no listed area carry nothing. */
  contacts: { contact: string; contactIndex: number; area: string; areaIndex: number; layer: number; layerName: string }[];
  /** Layers x stimuli: each layer's projection mapped to 0..1 (layerDrive), the drive of the power ratio. */
  drive: Float64Array;
}

export interface HierarchyEpochs extends SyntheticEpochs {
  hierarchy: HierarchyGroundTruth;
}

/**
 * Seeds of the random-weights networks (lib/onnx randomWeightsControl) whose layer RDMs a synthetic dataset of this
 * seed passes as `control`: drawn from the generator's own stream, at least 1000 and distinct, so they are
 * independent of the analysis's control network (its controlSeed, default 1), which then remains a held-out check.
 */
export function visualControlSeeds(seed: number, count: number = VISUAL_CONTROL_NETWORKS): number[] {
  const rng = new Rng(seed, STREAM_CONTROL_SEEDS);
  const seeds: number[] = [];
  while (seeds.length < count) {
    const s = 1000 + rng.int(2 ** 31 - 1001);
    if (!seeds.includes(s)) seeds.push(s);
  }
  return seeds;
}

/** A layer's centred stimuli x stimuli Gram matrix, and the centred rows' projection on one feature direction. */
function layerGram(layer: LayerRepresentation): { n: number; gram: Float64Array; project: (dir: Float64Array) => Float64Array } {
  const d = layer.features;
  const { data } = layer;
  const n = data.length / d;
  if (!Number.isInteger(d) || d < 1 || !Number.isInteger(n) || n < 2) {
    throw new RangeError(`layer ${layer.layer}: ${data.length} values are not stimuli x ${d} features`);
  }
  const means = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let f = 0; f < d; f++) means[f] += data[i * d + f];
  for (let f = 0; f < d; f++) means[f] /= n;
  let spread = 0;
  let raw = 0;
  for (let k = 0; k < n * d; k++) {
    spread += (data[k] - means[k % d]) ** 2;
    raw += data[k] ** 2;
  }
  // Relative test: the centring of identical rows leaves only rounding.
  if (!(spread > 1e-20 * raw)) throw new RangeError(`layer ${layer.layer} does not vary over stimuli`);
  const project = (dir: Float64Array): Float64Array =>
    Float64Array.from({ length: n }, (_, i) => {
      let s = 0;
      for (let f = 0; f < d; f++) s += (data[i * d + f] - means[f]) * dir[f];
      return s;
    });
  // Gram matrix of the centred rows, a block of features at a time (memory n x block, not n x d).
  const gram = new Float64Array(n * n);
  const block = Math.max(1, Math.min(d, Math.floor((1 << 20) / n)));
  const centred = new Float64Array(n * block);
  for (let f0 = 0; f0 < d; f0 += block) {
    const b = Math.min(block, d - f0);
    for (let i = 0; i < n; i++) for (let f = 0; f < b; f++) centred[i * b + f] = data[i * d + f0 + f] - means[f0 + f];
    for (let i = 0; i < n; i++) {
      for (let j = i; j < n; j++) {
        let s = 0;
        for (let f = 0; f < b; f++) s += centred[i * b + f] * centred[j * b + f];
        gram[i * n + j] += s;
      }
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) gram[i * n + j] = gram[j * n + i];
  return { n, gram, project };
}

/** The trace-normalised centred Gram matrix of points with these Euclidean distances (condensed): -J D^2 J / 2. */
function gramOfRdm(rdm: ArrayLike<number>, n: number): Float64Array {
  const sq = new Float64Array(n * n);
  let k = 0;
  for (let i = 0; i < n - 1; i++) {
    for (let j = i + 1; j < n; j++) {
      const d2 = rdm[k++] ** 2;
      sq[i * n + j] = d2;
      sq[j * n + i] = d2;
    }
  }
  const rowMeans = new Float64Array(n);
  let mean = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) rowMeans[i] += sq[i * n + j] / n;
    mean += rowMeans[i] / n;
  }
  const gram = new Float64Array(n * n);
  let trace = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) gram[i * n + j] = -0.5 * (sq[i * n + j] - rowMeans[i] - rowMeans[j] + mean);
    trace += gram[i * n + i];
  }
  if (!(trace > 0)) throw new RangeError('a control RDM is all zero');
  return gram.map((g) => g / trace);
}

/** Whether two trace-normalised Gram matrices are the same representation up to rounding (e.g. both the pixels). */
function sameMatrix(a: Float64Array, b: Float64Array): boolean {
  let diff = 0;
  let size = 0;
  for (let k = 0; k < a.length; k++) {
    diff = Math.max(diff, Math.abs(a[k] - b[k]));
    size = Math.max(size, Math.abs(b[k]));
  }
  return diff <= 1e-6 * size;
}

/** Top eigenvector (unit) of a symmetric positive semi-definite n x n matrix, by power iteration. */
function topEigenvector(gram: Float64Array, n: number, rng: Rng): Float64Array {
  const v = Float64Array.from({ length: n }, () => rng.gaussian());
  const next = new Float64Array(n);
  for (let it = 0; it < 5000; it++) {
    let norm = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += gram[i * n + j] * v[j];
      next[i] = s;
      norm += s * s;
    }
    norm = Math.sqrt(norm);
    if (!(norm > 0)) break;
    let change = 0;
    for (let i = 0; i < n; i++) {
      const u = next[i] / norm;
      change = Math.max(change, Math.abs(u - v[i]));
      v[i] = u;
    }
    if (change < 1e-12) break;
  }
  return v;
}

/**
 * Each layer's 1-D summary over stimuli, mapped to 0..1 by the normal CDF of its z-scores: uniform for Gaussian
 * scores, and one outlying stimulus cannot squash the others together as min-max scaling would. 'pc1': the scores
 * on the first principal component (power iteration on the stimuli's Gram matrix: n^2 d / 2 multiply-adds, memory
 * independent of d), signed so they rise with the features' sum; 'random': the projection on a seeded Gaussian
 * direction (n d).
 */
export function layerDrive(layer: LayerRepresentation, projection: LayerProjection, rng: Rng): Float64Array {
  return layerScore(layerGram(layer), layer, projection, rng).map((s) => normCdf(s));
}

/**
 * layerDrive before the mapping to 0..1 (z-scores over the stimuli). With `contrast` (n x n, trace-normalised Gram
 * matrices of other layers, already weighted), 'pc1' is instead the top eigenvector of this layer's
 * trace-normalised Gram matrix minus `contrast`: the stimulus direction along which this layer varies most
 * relative to the others (generateHierarchyEpochs' `specificity`).
 */
function layerScore(
  { n, gram, project }: ReturnType<typeof layerGram>,
  layer: LayerRepresentation,
  projection: LayerProjection,
  rng: Rng,
  contrast?: { matrix: Float64Array; weight: number },
): Float64Array {
  const d = layer.features;
  let score: Float64Array;
  if (projection === 'random') {
    score = project(Float64Array.from({ length: d }, () => rng.gaussian()));
  } else {
    let m = gram;
    if (contrast) {
      let trace = 0;
      for (let i = 0; i < n; i++) trace += gram[i * n + i];
      // Shifted by the weight: contrast's eigenvalues lie in [0, weight], so the matrix stays positive
      // semi-definite and the power iteration finds its largest eigenvalue, not its largest in magnitude.
      m = gram.map((g, k) => g / trace - contrast.matrix[k] + (k % (n + 1) === 0 ? contrast.weight : 0));
    }
    // The top eigenvector of the Gram matrix is the PC1 score vector up to scale.
    score = topEigenvector(m, n, rng);
    // Orient so the score rises with the summed features.
    const rowSums = project(new Float64Array(d).fill(1));
    if (rowSums.reduce((acc, r, i) => acc + r * score[i], 0) < 0) score = score.map((x) => -x);
  }
  const mean = score.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(score.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
  if (!(sd > 0)) throw new RangeError(`layer ${layer.layer}: the projection does not vary over stimuli`);
  return score.map((s) => (s - mean) / sd);
}

/**
 * sEEG epochs, one per stimulus in the activations' order, in which the contacts of area k (any hemisphere)
 * carry layer areaLayers[k]'s drive in their gamma power; no category effects are planted.
 */
export function generateHierarchyEpochs(
  activations: readonly LayerRepresentation[],
  options: HierarchyEpochOptions = {},
  onProgress?: (fraction: number) => void,
): HierarchyEpochs {
  if (activations.length === 0) throw new RangeError('generateHierarchyEpochs: no layers');
  const seed = options.seed ?? 1;
  const areas = [...(options.areas ?? VENTRAL_STREAM_AREAS)];
  const nLayers = activations.length;
  const areaLayers = [
    ...(options.areaLayers ??
      areas.map((_, k) => (areas.length === 1 ? 0 : Math.round((k * (nLayers - 1)) / (areas.length - 1))))),
  ];
  if (areaLayers.length !== areas.length) throw new RangeError(`${areaLayers.length} areaLayers for ${areas.length} areas`);
  for (const l of areaLayers) {
    if (!(Number.isInteger(l) && l >= 0 && l < nLayers)) throw new RangeError(`area layer ${l} is not in 0..${nLayers - 1}`);
  }
  const projection = options.projection ?? 'pc1';
  const fminHz = options.fminHz ?? 30;
  const fmaxHz = options.fmaxHz ?? 150;
  const tminS = options.tminS ?? 0.05;
  const tmaxS = options.tmaxS ?? 0.45;
  const [lo, hi] = options.powerRange ?? [1.2, 20];
  const ratioJitter = options.ratioJitter ?? 0.2;
  if (!(lo > 0 && hi > 0) || !(ratioJitter >= 0)) throw new RangeError('powerRange must be positive, ratioJitter >= 0');

  const specificity = options.specificity ?? 1;
  if (!(specificity >= 0)) throw new RangeError('specificity must be >= 0');
  const grams = activations.map((layer) => layerGram(layer));
  const nStimuli = grams[0].n;
  grams.forEach((g, l) => {
    if (g.n !== nStimuli) throw new RangeError(`layer ${activations[l].layer} has ${g.n} stimuli, not ${nStimuli}`);
  });
  const normalised = grams.map(({ n, gram }) => {
    let trace = 0;
    for (let i = 0; i < n; i++) trace += gram[i * n + i];
    return gram.map((g) => g / trace);
  });
  const controlSpecificity = options.controlSpecificity ?? 2;
  if (!(controlSpecificity >= 0)) throw new RangeError('controlSpecificity must be >= 0');
  const controls = (options.control ?? []).map((rdm, c) => {
    if (rdm.length !== (nStimuli * (nStimuli - 1)) / 2) throw new RangeError(`control RDM ${c} has ${rdm.length} entries, not ${(nStimuli * (nStimuli - 1)) / 2}`);
    return gramOfRdm(rdm, nStimuli);
  });
  const scores = activations.map((layer, l) => {
    const others = normalised.filter((_, j) => Math.abs(j - l) >= 2);
    const own = normalised[l];
    const controlled = controls.filter((g) => !sameMatrix(g, own));
    const terms: [number, Float64Array[]][] = [];
    if (specificity > 0 && others.length > 0) terms.push([specificity, others]);
    if (controlSpecificity > 0 && controlled.length > 0) terms.push([controlSpecificity, controlled]);
    let contrast: { matrix: Float64Array; weight: number } | undefined;
    if (terms.length > 0) {
      const matrix = new Float64Array(nStimuli * nStimuli);
      let weight = 0;
      for (const [w, gs] of terms) {
        weight += w;
        for (const g of gs) for (let k = 0; k < matrix.length; k++) matrix[k] += (w * g[k]) / gs.length;
      }
      contrast = { matrix, weight };
    }
    return layerScore(grams[l], layer, projection, new Rng(seed, STREAM_PROJECTION, l), contrast);
  });
  const drives = scores.map((z) => z.map((s) => normCdf(s)));
  if (options.labels !== undefined && options.labels.length !== nStimuli) {
    throw new RangeError(`${options.labels.length} labels for ${nStimuli} stimuli`);
  }
  const drive = new Float64Array(nLayers * nStimuli);
  drives.forEach((d, l) => drive.set(d, l * nStimuli));

  const contacts: ContactSpec[] = options.contacts ? [...options.contacts] : defaultIeegContacts(seed);
  const driven: HierarchyGroundTruth['contacts'] = [];
  contacts.forEach((c, contactIndex) => {
    const areaIndex = areas.indexOf(c.region);
    if (areaIndex < 0) return;
    const layer = areaLayers[areaIndex];
    driven.push({ contact: c.name, contactIndex, area: c.region, areaIndex, layer, layerName: activations[layer].layer });
  });
  const modulations = driven.map(({ contact, contactIndex, layer }) => {
    const rng = new Rng(seed, STREAM_TRIAL_JITTER, contactIndex);
    const d = drives[layer];
    const powerRatios = Float64Array.from(d, (u) => lo * Math.pow(hi / lo, u) * rng.logNormal(0, ratioJitter));
    return { contact, fminHz, fmaxHz, tminS, tmaxS, powerRatios };
  });

  const categories = [...(options.categories ?? ['stimulus'])];
  const epochs = generateIeegEpochs(
    {
      seed,
      sfreq: options.sfreq,
      tmin: options.tmin,
      tmax: options.tmax,
      categories,
      labels: options.labels ?? new Int32Array(nStimuli),
      contacts,
      effects: [],
      modulations,
      evoked: options.evoked,
    },
    onProgress,
  );
  return {
    ...epochs,
    hierarchy: {
      generator: VISUAL_GENERATOR,
      version: VISUAL_GENERATOR_VERSION,
      seed,
      areas,
      layers: activations.map((a) => a.layer),
      areaLayers,
      projection,
      specificity,
      nControl: controls.length,
      controlSpecificity,
      fminHz,
      fmaxHz,
      tminS,
      tmaxS,
      powerRange: [lo, hi],
      contacts: driven,
      drive,
    },
  };
}
