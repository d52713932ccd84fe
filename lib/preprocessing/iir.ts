/**
 * IIR filter design and zero-phase filtering, following scipy.signal (1.10): butter(..., output='sos'),
 * iirnotch, sosfilt, sosfilt_zi and sosfiltfilt. The design path is the same as SciPy's (analog prototype ->
 * frequency transform -> bilinear -> zpk2sos with 'nearest' pairing), so the sections come out in the same order
 * and match SciPy's coefficients, not only its frequency response.
 */

/** Second-order sections, one row [b0, b1, b2, a0, a1, a2] per section (SciPy's `sos`, a0 = 1). */
export type Sos = number[][];

export type Signal = ArrayLike<number>;

// ---- a minimal complex arithmetic, enough for pole/zero work ----

interface C {
  re: number;
  im: number;
}
const c = (re: number, im = 0): C => ({ re, im });
const add = (a: C, b: C): C => c(a.re + b.re, a.im + b.im);
const sub = (a: C, b: C): C => c(a.re - b.re, a.im - b.im);
const mul = (a: C, b: C): C => c(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re);
const scale = (a: C, s: number): C => c(a.re * s, a.im * s);
const conj = (a: C): C => c(a.re, -a.im);
const cabs = (a: C): number => Math.hypot(a.re, a.im);
function div(a: C, b: C): C {
  const d = b.re * b.re + b.im * b.im;
  return c((a.re * b.re + a.im * b.im) / d, (a.im * b.re - a.re * b.im) / d);
}
/** Principal square root, as numpy's complex sqrt. */
function csqrt(a: C): C {
  if (a.im === 0 && a.re >= 0) return c(Math.sqrt(a.re), a.im);
  const r = cabs(a);
  const re = Math.sqrt((r + a.re) / 2);
  const im = Math.sqrt((r - a.re) / 2);
  return c(re, a.im < 0 || (a.im === 0 && Object.is(a.im, -0)) ? -im : im);
}
const cprod = (xs: C[]): C => xs.reduce((p, x) => mul(p, x), c(1));

interface Zpk {
  z: C[];
  p: C[];
  k: number;
}

// ---- analog prototype and transforms (scipy.signal buttap, lp2*_zpk, bilinear_zpk) ----

function buttap(order: number): Zpk {
  const p: C[] = [];
  for (let m = -order + 1; m < order; m += 2) {
    const theta = (Math.PI * m) / (2 * order);
    // -exp(j*theta)
    p.push(c(-Math.cos(theta), -Math.sin(theta)));
  }
  return { z: [], p, k: 1 };
}

function lp2lp({ z, p, k }: Zpk, wo: number): Zpk {
  const degree = p.length - z.length;
  return { z: z.map((v) => scale(v, wo)), p: p.map((v) => scale(v, wo)), k: k * wo ** degree };
}

function lp2hp({ z, p, k }: Zpk, wo: number): Zpk {
  const degree = p.length - z.length;
  const w = c(wo);
  const zh = z.map((v) => div(w, v));
  const ph = p.map((v) => div(w, v));
  for (let i = 0; i < degree; i++) zh.push(c(0));
  const gain = div(cprod(z.map((v) => scale(v, -1))), cprod(p.map((v) => scale(v, -1)))).re;
  return { z: zh, p: ph, k: k * gain };
}

function lp2bp({ z, p, k }: Zpk, wo: number, bw: number): Zpk {
  const degree = p.length - z.length;
  const wo2 = c(wo * wo);
  const split = (xs: C[]): C[] => {
    const lp = xs.map((v) => scale(v, bw / 2));
    const roots = lp.map((v) => csqrt(sub(mul(v, v), wo2)));
    return [...lp.map((v, i) => add(v, roots[i])), ...lp.map((v, i) => sub(v, roots[i]))];
  };
  const zb = split(z);
  for (let i = 0; i < degree; i++) zb.push(c(0));
  return { z: zb, p: split(p), k: k * bw ** degree };
}

function bilinear({ z, p, k }: Zpk, fs: number): Zpk {
  const degree = p.length - z.length;
  const fs2 = c(2 * fs);
  const zz = z.map((v) => div(add(fs2, v), sub(fs2, v)));
  const pz = p.map((v) => div(add(fs2, v), sub(fs2, v)));
  for (let i = 0; i < degree; i++) zz.push(c(-1));
  const gain = div(cprod(z.map((v) => sub(fs2, v))), cprod(p.map((v) => sub(fs2, v)))).re;
  return { z: zz, p: pz, k: k * gain };
}

// ---- zpk2sos (pairing='nearest', digital) ----

const EPS = 2.220446049250313e-16;
const isReal = (v: C) => v.im === 0;

/** scipy.signal._cplxreal: one member (positive imaginary part) of each conjugate pair, then the real values. */
function cplxreal(zs: C[]): C[] {
  const tol = 100 * EPS;
  const sorted = [...zs].sort((a, b) => a.re - b.re || Math.abs(a.im) - Math.abs(b.im));
  const real: C[] = [];
  const pos: C[] = [];
  const neg: C[] = [];
  for (const v of sorted) {
    if (Math.abs(v.im) <= tol * cabs(v)) real.push(c(v.re));
    else if (v.im > 0) pos.push(v);
    else neg.push(v);
  }
  if (pos.length !== neg.length) throw new Error('complex values without matching conjugates');
  const used = new Array<boolean>(neg.length).fill(false);
  const paired = pos.map((v) => {
    // SciPy matches by sort order; matching by nearest conjugate gives the same pairs and is robust to ties.
    let best = -1;
    for (let j = 0; j < neg.length; j++) {
      if (!used[j] && (best < 0 || cabs(sub(v, conj(neg[j]))) < cabs(sub(v, conj(neg[best]))))) best = j;
    }
    used[best] = true;
    if (cabs(sub(v, conj(neg[best]))) > 1e-8 * Math.max(1, cabs(v))) throw new Error('complex value without a matching conjugate');
    return scale(add(v, conj(neg[best])), 0.5);
  });
  return [...paired, ...real];
}

/** Index of the value closest to the unit circle (the "worst" pole); first on ties, like np.argmin. */
function idxWorst(xs: C[], among?: number[]): number {
  const idx = among ?? xs.map((_, i) => i);
  let best = idx[0];
  for (const i of idx) if (Math.abs(1 - cabs(xs[i])) < Math.abs(1 - cabs(xs[best]))) best = i;
  return best;
}

function nearestIdx(from: C[], to: C, which: 'any' | 'real' | 'complex'): number {
  const order = from.map((_, i) => i).sort((a, b) => cabs(sub(from[a], to)) - cabs(sub(from[b], to)) || a - b);
  if (which === 'any') return order[0];
  const i = order.find((j) => isReal(from[j]) === (which === 'real'));
  if (i === undefined) throw new Error(`no ${which} value left to pair`);
  return i;
}

function poly(roots: C[]): number[] {
  let coef: C[] = [c(1)];
  for (const r of roots) {
    const next: C[] = [...coef, c(0)];
    for (let i = 1; i < next.length; i++) next[i] = sub(next[i], mul(r, coef[i - 1]));
    coef = next;
  }
  return coef.map((v) => v.re);
}

function singleSection(z: C[], p: C[]): number[] {
  const row = [0, 0, 0, 0, 0, 0];
  const b = poly(z);
  const a = poly(p);
  b.forEach((v, i) => (row[3 - b.length + i] = v));
  a.forEach((v, i) => (row[6 - a.length + i] = v));
  return row;
}

/** scipy.signal.zpk2sos(z, p, k) for a digital system with the default 'nearest' pairing. */
export function zpk2sos(zeros: C[], poles: C[], k: number): Sos {
  if (zeros.length === 0 && poles.length === 0) return [[k, 0, 0, 1, 0, 0]];
  let p = [...poles];
  let z = [...zeros];
  while (p.length < z.length) p.push(c(0));
  while (z.length < p.length) z.push(c(0));
  const nSections = Math.floor((p.length + 1) / 2);
  if (p.length % 2 === 1) {
    p.push(c(0));
    z.push(c(0));
  }
  z = cplxreal(z);
  p = cplxreal(p);
  const take = (xs: C[], i: number): C => xs.splice(i, 1)[0];
  const sos: Sos = new Array<number[]>(nSections);
  // Built from the last section back, so the poles closest to the unit circle end up last.
  for (let si = nSections - 1; si >= 0; si--) {
    const p1 = take(p, idxWorst(p));
    const nRealP = p.filter(isReal).length;
    if (isReal(p1) && nRealP === 0) {
      const z1 = take(z, nearestIdx(z, p1, 'real'));
      sos[si] = singleSection([z1, c(0)], [p1, c(0)]);
    } else if (p.length + 1 === z.length && !isReal(p1) && nRealP === 1 && z.filter(isReal).length === 1) {
      // One real pole and one real zero left: this complex pole must take a complex zero.
      const z1 = take(z, nearestIdx(z, p1, 'complex'));
      sos[si] = singleSection([z1, conj(z1)], [p1, conj(p1)]);
    } else {
      let p2: C;
      if (isReal(p1)) {
        const realIdx = p.map((v, i) => (isReal(v) ? i : -1)).filter((i) => i >= 0);
        p2 = take(p, idxWorst(p, realIdx));
      } else {
        p2 = conj(p1);
      }
      if (z.length > 0) {
        const z1 = take(z, nearestIdx(z, p1, 'any'));
        if (!isReal(z1)) {
          sos[si] = singleSection([z1, conj(z1)], [p1, p2]);
        } else if (z.length > 0) {
          const z2 = take(z, nearestIdx(z, p1, 'real'));
          sos[si] = singleSection([z1, z2], [p1, p2]);
        } else {
          sos[si] = singleSection([z1], [p1, p2]);
        }
      } else {
        sos[si] = singleSection([], [p1, p2]);
      }
    }
  }
  for (let j = 0; j < 3; j++) sos[0][j] *= k;
  return sos;
}

export type BType = 'lowpass' | 'highpass' | 'bandpass';

/**
 * Butterworth digital filter as second-order sections: scipy.signal.butter(order, freq, btype, fs=sfreq,
 * output='sos'). `freq` in Hz: one edge for lowpass/highpass, [low, high] for bandpass.
 */
export function butter(order: number, freq: number | readonly [number, number], btype: BType, sfreq: number): Sos {
  if (!Number.isInteger(order) || order < 1) throw new RangeError(`order must be a positive integer, got ${order}`);
  const edges = typeof freq === 'number' ? [freq] : [...freq];
  if ((btype === 'bandpass') !== (edges.length === 2)) throw new RangeError(`${btype} needs ${btype === 'bandpass' ? 'two edges' : 'one edge'}`);
  const nyq = sfreq / 2;
  for (const f of edges) {
    if (!(f > 0 && f < nyq)) throw new RangeError(`edge ${f} Hz must lie strictly between 0 and Nyquist (${nyq} Hz)`);
  }
  if (edges.length === 2 && !(edges[0] < edges[1])) throw new RangeError(`band edges must increase, got ${edges.join(', ')}`);
  // Pre-warp on SciPy's normalised scale (fs = 2) so the bilinear transform hits the edges exactly.
  const warped = edges.map((f) => 4 * Math.tan((Math.PI * (f / nyq)) / 2));
  let zpk = buttap(order);
  if (btype === 'lowpass') zpk = lp2lp(zpk, warped[0]);
  else if (btype === 'highpass') zpk = lp2hp(zpk, warped[0]);
  else zpk = lp2bp(zpk, Math.sqrt(warped[0] * warped[1]), warped[1] - warped[0]);
  const d = bilinear(zpk, 2);
  return zpk2sos(d.z, d.p, d.k);
}

/**
 * Second-order IIR notch at `freq` Hz with quality factor Q (-3 dB width freq/Q): scipy.signal.iirnotch,
 * returned as one section.
 */
export function iirnotch(freq: number, Q: number, sfreq: number): Sos {
  const nyq = sfreq / 2;
  if (!(freq > 0 && freq < nyq)) throw new RangeError(`notch frequency ${freq} Hz must lie strictly between 0 and Nyquist (${nyq} Hz)`);
  if (!(Q > 0)) throw new RangeError(`Q must be positive, got ${Q}`);
  const w0 = (freq / nyq) * Math.PI;
  const bw = (freq / nyq / Q) * Math.PI;
  // With SciPy's -3 dB gain (1/sqrt(2)) the bandwidth factor sqrt(1 - gb^2)/gb is exactly 1.
  const beta = Math.tan(bw / 2);
  const gain = 1 / (1 + beta);
  const cw = Math.cos(w0);
  return [[gain, -2 * cw * gain, gain, 1, -2 * gain * cw, 2 * gain - 1]];
}

function checkSos(sos: Sos): void {
  if (sos.length === 0) throw new RangeError('sos has no sections');
  for (const s of sos) {
    if (s.length !== 6) throw new RangeError('each section needs 6 coefficients');
    if (s[3] !== 1) throw new RangeError('sections must be normalised (a0 = 1)');
  }
}

/** Initial state for a step response (scipy.signal.lfilter_zi) of one normalised biquad. */
function biquadZi(b0: number, b1: number, b2: number, a1: number, a2: number): [number, number] {
  // Solve (I - companion(a).T) zi = b[1:] - a[1:] * b0, written out for 2x2.
  const r0 = b1 - a1 * b0;
  const r1 = b2 - a2 * b0;
  const m00 = 1 + a1;
  const m01 = -1;
  const m10 = a2;
  const m11 = 1;
  const det = m00 * m11 - m01 * m10;
  return [(r0 * m11 - m01 * r1) / det, (m00 * r1 - m10 * r0) / det];
}

/** scipy.signal.sosfilt_zi: per-section state for a steady unit step (multiply by the first sample). */
export function sosfiltZi(sos: Sos): number[][] {
  checkSos(sos);
  let gain = 1;
  return sos.map(([b0, b1, b2, , a1, a2]) => {
    const [z0, z1] = biquadZi(b0, b1, b2, a1, a2);
    const zi = [gain * z0, gain * z1];
    // Each section's DC gain scales the step seen by the next section.
    gain *= (b0 + b1 + b2) / (1 + a1 + a2);
    return zi;
  });
}

/** Causal filtering through the sections (transposed direct form II, scipy.signal.sosfilt). */
export function sosfilt(sos: Sos, x: Signal, zi?: number[][]): Float64Array {
  checkSos(sos);
  const y = Float64Array.from(x);
  sos.forEach(([b0, b1, b2, , a1, a2], s) => {
    let z0 = zi ? zi[s][0] : 0;
    let z1 = zi ? zi[s][1] : 0;
    for (let i = 0; i < y.length; i++) {
      const xi = y[i];
      const yi = b0 * xi + z0;
      z0 = b1 * xi - a1 * yi + z1;
      z1 = b2 * xi - a2 * yi;
      y[i] = yi;
    }
  });
  return y;
}

export interface FiltfiltOptions {
  /** Samples of odd extension at each end; default 3 * ntaps as SciPy (ntaps = 2 * sections + 1, less trivial orders). */
  padlen?: number;
  /** 'odd' (SciPy's default) or 'none'. */
  padtype?: 'odd' | 'none';
}

/**
 * SciPy's default sosfiltfilt padding, 3 * ntaps with ntaps = 2 * nSections + 1, less min(#sections with b2 = 0,
 * #sections with a2 = 0) so first-order sections do not pad for taps they do not have.
 */
export function defaultPadlen(sos: Sos): number {
  const zb = sos.filter((s) => s[2] === 0).length;
  const za = sos.filter((s) => s[5] === 0).length;
  return 3 * (2 * sos.length + 1 - Math.min(zb, za));
}

/**
 * Zero-phase filtering (forward then backward) as scipy.signal.sosfiltfilt: odd extension at both ends, the
 * filter state started at steady state for the first sample, so edges do not ring.
 */
export function sosfiltfilt(sos: Sos, x: Signal, options: FiltfiltOptions = {}): Float64Array {
  checkSos(sos);
  const n = x.length;
  const edge = options.padtype === 'none' ? 0 : (options.padlen ?? defaultPadlen(sos));
  if (n <= edge) throw new RangeError(`the signal (${n} samples) must be longer than padlen (${edge})`);
  const ext = new Float64Array(n + 2 * edge);
  for (let i = 0; i < n; i++) ext[edge + i] = x[i];
  for (let i = 0; i < edge; i++) {
    ext[edge - 1 - i] = 2 * x[0] - x[i + 1];
    ext[edge + n + i] = 2 * x[n - 1] - x[n - 2 - i];
  }
  const zi = sosfiltZi(sos);
  const withStart = (v: number) => zi.map(([a, b]) => [a * v, b * v]);
  const fwd = sosfilt(sos, ext, withStart(ext[0]));
  fwd.reverse();
  const back = sosfilt(sos, fwd, withStart(fwd[0]));
  back.reverse();
  return back.slice(edge, edge + n);
}
