/**
 * Tiny seeded PRNG for reproducible permutation tests: xoshiro128** (Blackman & Vigna), state seeded by
 * splitmix32 so that any 32-bit seed (including 0) gives a well-mixed, non-zero state.
 */
export class Xoshiro128ss {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number) {
    let x = seed >>> 0;
    const splitmix32 = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = splitmix32();
    this.s1 = splitmix32();
    this.s2 = splitmix32();
    this.s3 = splitmix32();
    // An all-zero state would stay zero forever.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Generator with an explicit state (four 32-bit words, not all zero), e.g. to check reference vectors. */
  static fromState(s0: number, s1: number, s2: number, s3: number): Xoshiro128ss {
    if (((s0 | s1 | s2 | s3) >>> 0) === 0) throw new RangeError('xoshiro128**: state must not be all zero');
    const g = new Xoshiro128ss(0);
    g.s0 = s0 | 0;
    g.s1 = s1 | 0;
    g.s2 = s2 | 0;
    g.s3 = s3 | 0;
    return g;
  }

  /** Next uniform unsigned 32-bit integer. */
  nextUint32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform float in [0, 1) with 32 random bits. */
  nextFloat(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, k), k in 1..2^32; rejection sampling removes modulo bias. */
  nextBelow(k: number): number {
    const limit = 4294967296 - (4294967296 % k);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return x % k;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Fisher-Yates shuffle in place; shuffling an already shuffled array still gives a uniform permutation. */
export function shuffleInPlace(a: Int32Array | Uint32Array | number[], rng: Xoshiro128ss): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.nextBelow(i + 1);
    const tmp = a[i];
    a[i] = a[j];
    a[j] = tmp;
  }
}
