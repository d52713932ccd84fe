import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { binPower } from './baseline';
import { decimatedLength, morlet, paperCycles, paperFreqs, sinePowerGain, tfrMorlet, tfrMorletBinned } from './morlet';

interface FixtureCase {
  name: string;
  sfreq: number;
  shape: [number, number, number];
  freqs: number[];
  nCycles: number[];
  decim: number;
  zeroMean: boolean;
  data: string;
  powerShape: number[];
  power: string;
}
interface FixtureWavelet {
  sfreq: number;
  freq: number;
  nCycles: number;
  zeroMean: boolean;
  re: string;
  im: string;
}
interface Fixture {
  mne: string;
  cases: FixtureCase[];
  wavelets: FixtureWavelet[];
}

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/tfr_morlet_mne.json', import.meta.url), 'utf8'),
) as Fixture;

function decode(b64: string): Uint8Array {
  // Copy into a fresh buffer so typed-array views are aligned.
  return new Uint8Array(Buffer.from(b64, 'base64'));
}
const f32 = (b64: string): Float32Array => new Float32Array(decode(b64).buffer);
const f64 = (b64: string): Float64Array => new Float64Array(decode(b64).buffer);

/** max |a - b| / max |b| over the array, and the worst elementwise relative error above a floor. */
function relErrors(a: ArrayLike<number>, b: ArrayLike<number>): { global: number; elementwise: number } {
  let maxB = 0;
  for (let i = 0; i < b.length; i++) maxB = Math.max(maxB, Math.abs(b[i]));
  let global = 0;
  let elementwise = 0;
  for (let i = 0; i < b.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    global = Math.max(global, d / maxB);
    // Elementwise relative error only where the value is not lost in float32 rounding of the largest value.
    if (Math.abs(b[i]) > 1e-6 * maxB) elementwise = Math.max(elementwise, d / Math.abs(b[i]));
  }
  return { global, elementwise };
}

function sine(n: number, sfreq: number, freq: number, amp: number, phase = 0.3): Float64Array {
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = amp * Math.sin((2 * Math.PI * freq * i) / sfreq + phase);
  return x;
}

function argmax(x: ArrayLike<number>, from = 0, to = x.length, stride = 1): number {
  let best = from;
  for (let i = from; i < to; i += stride) if (x[i] > x[best]) best = i;
  return best;
}

describe('morlet wavelets', () => {
  it.each(fixture.wavelets.map((w) => [`${w.freq} Hz, ${w.nCycles} cycles, zero_mean=${w.zeroMean}`, w] as const))(
    'match mne.time_frequency.morlet: %s',
    (_label, w) => {
      const [ours] = morlet(w.sfreq, [w.freq], w.nCycles, { zeroMean: w.zeroMean });
      const re = f64(w.re);
      const im = f64(w.im);
      expect(ours.re.length).toBe(re.length);
      expect(relErrors(ours.re, re).global).toBeLessThan(1e-12);
      expect(relErrors(ours.im, im).global).toBeLessThan(1e-12);
      // MNE's normalisation: ||W|| = sqrt(2).
      let sumSq = 0;
      for (let i = 0; i < re.length; i++) sumSq += ours.re[i] ** 2 + ours.im[i] ** 2;
      expect(sumSq).toBeCloseTo(2, 12);
    },
  );

  it('validates frequencies and n_cycles', () => {
    expect(() => morlet(512, [0, 10], 7)).toThrow(RangeError);
    expect(() => morlet(512, [5, 10, 20], [3, 4])).toThrow(RangeError);
    expect(morlet(512, [5, 10], [3]).length).toBe(2);
  });
});

describe('tfrMorlet against MNE-Python tfr_array_morlet', () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const data = f32(c.data);
    const expected = f32(c.power);
    const power = tfrMorlet(data, c.shape, c.sfreq, new Float64Array(c.freqs), new Float64Array(c.nCycles), {
      decim: c.decim,
      zeroMean: c.zeroMean,
    });
    expect(c.powerShape).toEqual([c.shape[0], c.shape[1], c.freqs.length, decimatedLength(c.shape[2], c.decim)]);
    expect(power.length).toBe(expected.length);
    const err = relErrors(power, expected);
    expect(err.global).toBeLessThan(1e-5);
    expect(err.elementwise).toBeLessThan(1e-4);
    // Float64 input takes the same path.
    const power64 = tfrMorlet(Float64Array.from(data), c.shape, c.sfreq, c.freqs, c.nCycles, {
      decim: c.decim,
      zeroMean: c.zeroMean,
    });
    expect(relErrors(power64, power).global).toBe(0);
  });
});

describe('tfrMorlet known answers', () => {
  const sfreq = 512;

  it.each([
    [6, 3],
    [10, 4],
    [20, 5],
    [40, 6],
    [100, 6],
    [149, 6],
  ])('a stationary sine at %d Hz (%d cycles) has power A^2 * sqrt(pi) * sfreq * sigma_t', (f0, cycles) => {
    const amp = 2.5;
    const n = 4096;
    const x = sine(n, sfreq, f0, amp);
    const p = tfrMorlet(x, [1, 1, n], sfreq, [f0], [cycles]);
    const expected = amp * amp * sinePowerGain(sfreq, f0, cycles);
    // Away from the edges (wavelets are at most ~1.2 s long here).
    for (const t of [1024, 1500, 2048, 3000]) expect(Math.abs(p[t] / expected - 1)).toBeLessThan(0.01);
    // The closed form is exact up to the neglected e^{-2 n^2} image term.
    expect(Math.abs(p[2048] / expected - 1)).toBeLessThan(1e-3);
  });

  it('zero-mean wavelets follow their own closed form', () => {
    const amp = 1.7;
    const n = 4096;
    for (const [f0, cycles] of [
      [7, 3],
      [12, 4],
    ]) {
      const p = tfrMorlet(sine(n, sfreq, f0, amp), [1, 1, n], sfreq, [f0], [cycles], { zeroMean: true });
      const expected = amp * amp * sinePowerGain(sfreq, f0, cycles, { zeroMean: true });
      // Residual: the e^{-n^2} image term, about 2e-4 for 3 cycles.
      expect(Math.abs(p[2048] / expected - 1)).toBeLessThan(5e-4);
      // For 3 cycles the zero-mean gain differs from the plain one by more than that (about 2e-3).
      if (cycles === 3) expect(Math.abs(expected / (amp * amp * sinePowerGain(sfreq, f0, cycles)) - 1)).toBeGreaterThan(1e-3);
    }
  });

  it.each([7, 10, 23, 40, 80, 120])('a sine at %d Hz peaks at its frequency over the paper grid', (f0) => {
    const n = 768;
    const amp = 3;
    const freqs = paperFreqs();
    const cycles = paperCycles(freqs);
    const p = tfrMorlet(sine(n, sfreq, f0, amp), [1, 1, n], sfreq, freqs, cycles);
    const t = n / 2;
    const column = new Float64Array(freqs.length);
    const amplitude = new Float64Array(freqs.length);
    for (let k = 0; k < freqs.length; k++) {
      column[k] = p[k * n + t];
      amplitude[k] = Math.sqrt(column[k] / sinePowerGain(sfreq, freqs[k], cycles[k]));
    }
    // Gain-corrected power (the amplitude estimate) peaks exactly at f0 and reads back A within 1 %.
    const k0 = argmax(amplitude);
    expect(freqs[k0]).toBe(f0);
    expect(Math.abs(amplitude[k0] / amp - 1)).toBeLessThan(0.01);
    // Raw power is weighted by sigma_t ~ n_cycles / f, which pulls its peak below f0 (by about f0 / (2 n^2)).
    // Off-centre, power(f) = A^2 gain(f) exp(-(2 pi (f - f0) sigma_t(f))^2): the raw peak lands where that does.
    const predicted = new Float64Array(freqs.length);
    for (let k = 0; k < freqs.length; k++) {
      const sigmaT = cycles[k] / (2 * Math.PI * freqs[k]);
      predicted[k] = amp * amp * sinePowerGain(sfreq, freqs[k], cycles[k]) * Math.exp(-((2 * Math.PI * (freqs[k] - f0) * sigmaT) ** 2));
    }
    const kRaw = argmax(column);
    expect(kRaw).toBe(argmax(predicted));
    expect(freqs[kRaw]).toBeLessThanOrEqual(f0);
    for (let k = kRaw - 2; k <= kRaw + 2; k++) expect(Math.abs(column[k] / predicted[k] - 1)).toBeLessThan(0.01);
  });

  it('a burst at a known time has its power maximum at that time and frequency', () => {
    const n = 768;
    const f0 = 80;
    const t0 = 500; // sample index (~476 ms after stimulus onset in a -500..1000 ms epoch)
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const dt = (i - t0) / sfreq;
      x[i] = Math.exp(-(dt * dt) / (2 * 0.03 ** 2)) * Math.cos(2 * Math.PI * f0 * dt);
    }
    const freqs = paperFreqs();
    const cycles = paperCycles(freqs);
    const p = tfrMorlet(x, [1, 1, n], sfreq, freqs, cycles);
    const k80 = f0 - 4;
    const row = p.subarray(k80 * n, (k80 + 1) * n);
    expect(Math.abs(argmax(row) - t0)).toBeLessThanOrEqual(1);
    // the global maximum over the whole map sits at the burst's time, in the burst's band
    const g = argmax(p);
    const k = Math.floor(g / n);
    expect(Math.abs((g % n) - t0)).toBeLessThanOrEqual(1);
    expect(Math.abs(freqs[k] - f0)).toBeLessThanOrEqual(3);
  });

  it('decim keeps every decim-th sample of the full transform and handles several epochs and channels', () => {
    const shape = [3, 2, 300] as const;
    const data = new Float32Array(shape[0] * shape[1] * shape[2]);
    for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 0.37) + 0.5 * Math.cos(i * 1.91) + ((i * 7919) % 13) / 13;
    const freqs = [5, 12, 30, 60];
    const cycles = paperCycles(freqs);
    const full = tfrMorlet(data, shape, 256, freqs, cycles);
    for (const decim of [2, 3, 7]) {
      const nOut = decimatedLength(300, decim);
      const dec = tfrMorlet(data, shape, 256, freqs, cycles, { decim });
      expect(dec.length).toBe(3 * 2 * 4 * nOut);
      for (let r = 0; r < 3 * 2 * 4; r++) {
        for (let t = 0; t < nOut; t++) expect(dec[r * nOut + t]).toBe(full[r * 300 + t * decim]);
      }
    }
    // each (epoch, channel) is transformed independently: the same signal gives the same map
    const one = tfrMorlet(data.subarray(600, 900), [1, 1, 300], 256, freqs, cycles);
    expect([...one]).toEqual([...full.subarray(4 * 300 * 2, 4 * 300 * 3)]);
  });

  it('fills a caller-provided buffer, and the binned variant equals binPower of the full power', () => {
    const shape = [2, 3, 768] as const;
    const data = new Float64Array(2 * 3 * 768);
    for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 0.21) * (1 + (i % 768) / 768) + ((i * 40503) % 17) / 17;
    const freqs = paperFreqs().subarray(0, 146);
    const cycles = paperCycles(freqs);
    const full = tfrMorlet(data, shape, 512, freqs, cycles);
    const out = new Float32Array(full.length).fill(-1);
    expect(tfrMorlet(data, shape, 512, freqs, cycles, { out })).toBe(out);
    expect(out).toEqual(full);
    expect(() => tfrMorlet(data, shape, 512, freqs, cycles, { out: new Float32Array(5) })).toThrow(RangeError);

    const binned = tfrMorletBinned(data, shape, 512, freqs, cycles);
    const ref = binPower(full, 768, 16);
    expect(binned.length).toBe(2 * 3 * 146 * 48);
    for (let i = 0; i < ref.length; i++) expect(Math.abs(binned[i] - ref[i])).toBeLessThanOrEqual(2e-7 * ref[i]);
    // with decim and a bin size that leaves a remainder: 768 -> 256 -> 25 bins of 10
    const b2 = tfrMorletBinned(data, shape, 512, freqs, cycles, { decim: 3, binSize: 10 });
    const r2 = binPower(tfrMorlet(data, shape, 512, freqs, cycles, { decim: 3 }), 256, 10);
    expect(b2.length).toBe(2 * 3 * 146 * 25);
    for (let i = 0; i < r2.length; i++) expect(Math.abs(b2[i] - r2[i])).toBeLessThanOrEqual(2e-7 * r2[i]);
  });

  it('rejects inconsistent shapes and decim', () => {
    expect(() => tfrMorlet(new Float32Array(10), [1, 1, 11], 512, [10], [5])).toThrow(RangeError);
    expect(() => tfrMorlet(new Float32Array(10), [1, 1, 10], 512, [100], [5], { decim: 0 })).toThrow(RangeError);
    expect(() => tfrMorlet(new Float32Array(10), [1, 1, 10], 512, [100], [5], { decim: 1.5 })).toThrow(RangeError);
  });

  it('benchmark: 160 epochs x 1 channel x 768 samples x 146 paper frequencies', () => {
    const shape = [160, 1, 768] as const;
    const data = new Float32Array(160 * 768);
    for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 0.1) + ((i * 2654435761) % 1000) / 1000 - 0.5;
    const freqs = paperFreqs();
    const cycles = paperCycles(freqs);
    tfrMorlet(data.subarray(0, 768), [1, 1, 768], 512, freqs, cycles); // warm up the JIT and FFT plans
    let t0 = performance.now();
    const p = tfrMorlet(data, shape, 512, freqs, cycles);
    const fresh = performance.now() - t0;
    t0 = performance.now();
    tfrMorlet(data, shape, 512, freqs, cycles, { out: p });
    const reused = performance.now() - t0;
    t0 = performance.now();
    tfrMorletBinned(data, shape, 512, freqs, cycles);
    const binned = performance.now() - t0;
    console.log(
      `tfrMorlet 160x1x768 x 146 freqs: fresh output ${fresh.toFixed(0)} ms, reused output ${reused.toFixed(0)} ms, ` +
        `binned ${binned.toFixed(0)} ms`,
    );
    expect(p.length).toBe(160 * 146 * 768);
    // Loose bound: shared CI machines are noisy; the point is to catch order-of-magnitude regressions.
    expect(reused).toBeLessThan(20_000);
  });
});

describe('paper defaults', () => {
  it('146 frequencies 4..149 Hz with k0 3/4/5/6 per band', () => {
    const f = paperFreqs();
    expect(f.length).toBe(146);
    expect(f[0]).toBe(4);
    expect(f[145]).toBe(149);
    const c = paperCycles(f);
    const count = (k: number): number => c.filter((v) => v === k).length;
    expect([count(3), count(4), count(5), count(6)]).toEqual([5, 6, 15, 120]);
    expect([...paperCycles([4, 8, 9, 14, 15, 29, 30, 149])]).toEqual([3, 3, 4, 4, 5, 5, 6, 6]);
  });
});
