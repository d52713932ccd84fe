/**
 * Seeded pseudo-random numbers for the synthetic data generators: xoshiro128** (Blackman & Vigna), 32-bit state
 * words via Math.imul, so the same seed gives the same numbers on every JavaScript engine.
 * Not for cryptography.
 */

/** murmur3's 32-bit finaliser: a bijection that spreads every input bit over the output. */
function fmix32(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

const GOLDEN = 0x9e3779b9;

function checkSeed(seed: number): void {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
}

/**
 * A 32-bit seed for an independent stream `keys` of `seed` (e.g. one stream per epoch), so that what one part of a
 * generator draws never shifts the numbers of another part.
 */
export function deriveSeed(seed: number, ...keys: number[]): number {
  checkSeed(seed);
  // Both halves of a 53-bit seed count; negative seeds wrap like two's complement.
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 0x100000000) >>> 0;
  let h = fmix32(lo ^ fmix32(hi + GOLDEN));
  for (const key of keys) {
    checkSeed(key);
    h = fmix32((h + GOLDEN) ^ fmix32((key >>> 0) + Math.imul(Math.floor(key / 0x100000000) >>> 0, GOLDEN)));
  }
  return h;
}

const TWO_POW_32 = 0x100000000;

/** xoshiro128** generator with uniform, integer and Gaussian draws. */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare = 0;
  private hasSpare = false;

  /** `seed` and optional stream keys, as in {@link deriveSeed}. */
  constructor(seed: number, ...keys: number[]) {
    // splitmix32 fills the 128-bit state from one 32-bit seed, as the xoshiro authors recommend.
    let z = deriveSeed(seed, ...keys);
    const next = (): number => {
      z = (z + GOLDEN) >>> 0;
      return fmix32(z);
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    // The all-zero state is the one fixed point of xoshiro.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** A generator started from an explicit 128-bit state (for reference test vectors and saved states). */
  static fromState(s0: number, s1: number, s2: number, s3: number): Rng {
    const rng = new Rng(0);
    rng.s0 = s0 | 0;
    rng.s1 = s1 | 0;
    rng.s2 = s2 | 0;
    rng.s3 = s3 | 0;
    if ((rng.s0 | rng.s1 | rng.s2 | rng.s3) === 0) throw new RangeError('Rng.fromState: the all-zero state is invalid');
    return rng;
  }

  /** Next raw 32-bit unsigned integer. */
  nextUint32(): number {
    const s1 = this.s1;
    const r = Math.imul(s1, 5);
    const result = Math.imul((r << 7) | (r >>> 25), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** Uniform in (0, 1): safe to take the logarithm of. */
  uniformOpen(): number {
    return (this.nextUint32() + 0.5) / TWO_POW_32;
  }

  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Integer in [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`Rng.int: n must be a positive integer, got ${n}`);
    return Math.floor(this.uniform() * n);
  }

  /** Normal draw (Box-Muller; the second value of each pair is kept for the next call). */
  gaussian(mean = 0, sd = 1): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return mean + sd * this.spare;
    }
    const radius = Math.sqrt(-2 * Math.log(this.uniformOpen()));
    const angle = 2 * Math.PI * this.uniform();
    this.spare = radius * Math.sin(angle);
    this.hasSpare = true;
    return mean + sd * radius * Math.cos(angle);
  }

  /** exp of a normal draw: a positive factor with median exp(mu) and log-spread sigma. */
  logNormal(mu = 0, sigma = 1): number {
    return Math.exp(this.gaussian(mu, sigma));
  }

  /** Fisher-Yates shuffle in place; returns the array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }

  /** `k` distinct items drawn without replacement, in draw order. */
  sample<T>(items: readonly T[], k: number): T[] {
    if (k > items.length) throw new RangeError(`Rng.sample: cannot draw ${k} of ${items.length}`);
    return this.shuffle(items.slice()).slice(0, k);
  }
}

/** A generator for `seed` (and optional stream keys). */
export function createRng(seed: number, ...keys: number[]): Rng {
  return new Rng(seed, ...keys);
}
