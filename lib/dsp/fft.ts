/**
 * Thin helpers over fft.js (radix-4, power-of-two sizes only).
 * Complex arrays are interleaved Float64Arrays: [re0, im0, re1, im1, ...], length 2 * size.
 * Everything writes into caller-provided buffers so hot loops (Morlet TFR) allocate nothing.
 */
import FFT from 'fft.js';

/** Smallest power of two >= n (at least 2: fft.js rejects size 1). */
export function nextPow2(n: number): number {
  if (!Number.isFinite(n) || n < 0) throw new RangeError(`nextPow2: invalid length ${n}`);
  let p = 2;
  while (p < n) p *= 2;
  return p;
}

// fft.js builds a twiddle table per instance; instances keep no state between calls, so one per size is shared.
const plans = new Map<number, FFT>();

/** Cached fft.js plan for a power-of-two size. */
export function getPlan(size: number): FFT {
  let plan = plans.get(size);
  if (plan === undefined) {
    plan = new FFT(size);
    plans.set(size, plan);
  }
  return plan;
}

/** Allocates an interleaved complex buffer for `size` points. */
export function complexArray(size: number): Float64Array {
  return new Float64Array(2 * size);
}

/**
 * Full complex spectrum of a real signal zero-padded to `size` (a power of two).
 * `x` is read from `offset` for `length` samples; `scratch` (length `size`) holds the padded copy.
 */
export function rfftFull(
  x: ArrayLike<number>,
  size: number,
  out: Float64Array,
  scratch: Float64Array,
  offset = 0,
  length: number = x.length - offset,
): Float64Array {
  if (length > size) throw new RangeError(`rfftFull: ${length} samples do not fit in FFT size ${size}`);
  if (out.length !== 2 * size || scratch.length !== size) throw new RangeError('rfftFull: buffer sizes do not match');
  for (let i = 0; i < length; i++) scratch[i] = x[offset + i];
  scratch.fill(0, length);
  const plan = getPlan(size);
  plan.realTransform(out, scratch);
  // realTransform fills only the non-negative half; the rest is the conjugate mirror.
  plan.completeSpectrum(out);
  return out;
}

/** Forward FFT of an interleaved complex array (out !== input). */
export function fftComplex(input: Float64Array, out: Float64Array): Float64Array {
  if (input.length !== out.length) throw new RangeError('fftComplex: buffer sizes do not match');
  getPlan(input.length / 2).transform(out, input);
  return out;
}

/** Inverse FFT (with 1/N scaling) of an interleaved complex array (out !== input). */
export function ifftComplex(input: Float64Array, out: Float64Array): Float64Array {
  if (input.length !== out.length) throw new RangeError('ifftComplex: buffer sizes do not match');
  getPlan(input.length / 2).inverseTransform(out, input);
  return out;
}

/** Copies real samples into an interleaved complex buffer, zero-padding the tail. */
export function realToComplex(x: ArrayLike<number>, out: Float64Array): Float64Array {
  if (2 * x.length > out.length) throw new RangeError('realToComplex: output too small');
  out.fill(0);
  for (let i = 0; i < x.length; i++) out[2 * i] = x[i];
  return out;
}

/** out = a * b elementwise (complex, interleaved); out may alias a or b. */
export function complexMultiply(a: Float64Array, b: Float64Array, out: Float64Array): Float64Array {
  const n = a.length;
  if (b.length !== n || out.length !== n) throw new RangeError('complexMultiply: buffer sizes do not match');
  for (let i = 0; i < n; i += 2) {
    const ar = a[i];
    const ai = a[i + 1];
    const br = b[i];
    const bi = b[i + 1];
    out[i] = ar * br - ai * bi;
    out[i + 1] = ar * bi + ai * br;
  }
  return out;
}

/**
 * out = conj(a * b). Used for inverse transforms by the identity ifft(X) = conj(fft(conj(X))) / N,
 * which lets the caller skip fft.js's full 1/N pass and scale only the samples it keeps.
 */
export function complexMultiplyConj(a: Float64Array, b: Float64Array, out: Float64Array): Float64Array {
  const n = a.length;
  if (b.length !== n || out.length !== n) throw new RangeError('complexMultiplyConj: buffer sizes do not match');
  for (let i = 0; i < n; i += 2) {
    const ar = a[i];
    const ai = a[i + 1];
    const br = b[i];
    const bi = b[i + 1];
    out[i] = ar * br - ai * bi;
    out[i + 1] = -(ar * bi + ai * br);
  }
  return out;
}
