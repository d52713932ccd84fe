import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openEdf } from '../formats/edf';
import { RECORDINGS, fileSource } from '../formats/test-utils';
import { Rng } from '../synthetic/random';
import {
  BandPowerStream,
  DEFAULT_EEG_BANDS,
  bandPowerFeatureNames,
  bandPowerFeatures,
  labelWindows,
  pickLabelledWindows,
  type FeatureWindows,
  type SampleLayout,
} from './features';

interface Fixture {
  bands: { name: string; fmin: number; fmax: number }[];
  cases: { sfreq: number; window_s: number; hop_s: number; n_fft: number; data: number[][]; starts: number[]; log_power: number[][][] }[];
}

const fixture = JSON.parse(readFileSync(path.join(__dirname, 'fixtures', 'bandpower.json'), 'utf8')) as Fixture;

function sine(sfreq: number, nTimes: number, hz: number, amplitude: number, phase = 0.3): Float64Array {
  return Float64Array.from({ length: nTimes }, (_, n) => amplitude * Math.sin((2 * Math.PI * hz * n) / sfreq + phase));
}

function noise(nChannels: number, nTimes: number, seed: number): Float64Array[] {
  const rng = new Rng(seed);
  return Array.from({ length: nChannels }, () => Float64Array.from({ length: nTimes }, () => rng.gaussian(0, 20e-6)));
}

/** Bit-for-bit equality, without a deep-equal walk over hundreds of thousands of numbers. */
function expectIdentical(a: Float64Array, b: Float64Array): void {
  expect(a.length).toBe(b.length);
  let differ = 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) differ++;
  expect(differ).toBe(0);
}

/** Streams `channels` in chunks of random size (1 frame up to `maxChunk`), collecting all windows. */
function streamInChunks(channels: Float64Array[], sfreq: number, layout: SampleLayout, seed: number, maxChunk: number, hopS?: number): FeatureWindows {
  const stream = new BandPowerStream(channels.length, sfreq, { hopS });
  const nTimes = channels[0].length;
  const rng = new Rng(seed);
  const parts: FeatureWindows[] = [];
  for (let t = 0; t < nTimes; ) {
    const n = Math.min(nTimes - t, 1 + rng.int(maxChunk));
    const chunk = new Float64Array(n * channels.length);
    channels.forEach((x, c) => {
      for (let i = 0; i < n; i++) chunk[layout === 'interleaved' ? i * channels.length + c : c * n + i] = x[t + i];
    });
    parts.push(stream.push(chunk, layout));
    t += n;
  }
  expect(stream.nSamples).toBe(nTimes);
  const nWindows = parts.reduce((a, p) => a + p.nWindows, 0);
  const starts = new Float64Array(nWindows);
  const data = new Float64Array(nWindows * stream.layout.nFeatures);
  let w = 0;
  for (const p of parts) {
    starts.set(p.starts, w);
    data.set(p.data, w * stream.layout.nFeatures);
    w += p.nWindows;
  }
  return { nWindows, starts, data };
}

describe('bandPowerFeatures', () => {
  it('equals scipy.signal.welch (Hann, one segment, constant detrend) summed over each band', () => {
    for (const c of fixture.cases) {
      const f = bandPowerFeatures(c.data, c.sfreq, { windowS: c.window_s, hopS: c.hop_s, bands: fixture.bands });
      expect(f.nFft).toBe(c.n_fft);
      expect(Array.from(f.starts)).toEqual(c.starts);
      const want = c.log_power.flat(2);
      expect(f.data.length).toBe(want.length);
      let maxErr = 0;
      for (let i = 0; i < want.length; i++) maxErr = Math.max(maxErr, Math.abs(f.data[i] - want[i]));
      expect(maxErr).toBeLessThan(1e-10);
    }
  });

  it("puts a planted sine's power A^2/2 exactly into its band", () => {
    // 256 Hz: the 1 s window is 256 samples, no zero padding, and every window holds whole cycles of a 10 Hz sine,
    // whose Hann spectrum is then exactly three bins (9, 10, 11 Hz), all inside the alpha band.
    const amplitude = 20e-6;
    const f = bandPowerFeatures([sine(256, 1024, 10, amplitude)], 256);
    const alpha = DEFAULT_EEG_BANDS.findIndex((b) => b.name === 'alpha');
    for (let w = 0; w < f.nWindows; w++) {
      const row = f.data.subarray(w * f.nFeatures, (w + 1) * f.nFeatures);
      expect(row[alpha]).toBeCloseTo(Math.log10((amplitude * amplitude) / 2), 12);
      for (let b = 0; b < row.length; b++) if (b !== alpha) expect(row[b]).toBeLessThan(-29);
    }
  });

  it('keeps the total power (Parseval) with zero padding at 160 Hz', () => {
    const amplitude = 7e-6;
    const whole = [{ name: 'all', fmin: 0, fmax: 1000 }];
    const f = bandPowerFeatures([sine(160, 480, 10, amplitude, 1.1)], 160, { bands: whole });
    expect(f.nFft).toBe(256);
    for (const v of f.data) expect(v).toBeCloseTo(Math.log10((amplitude * amplitude) / 2), 12);
    // Inside its band up to Hann sidelobes (nearly all of the power).
    const alpha = bandPowerFeatures([sine(160, 480, 10.5, amplitude)], 160, { bands: [{ name: 'alpha', fmin: 8, fmax: 13 }] });
    for (const v of alpha.data) expect(Math.abs(10 ** v / ((amplitude * amplitude) / 2) - 1)).toBeLessThan(2e-3);
  });

  it('lays out features channel by channel, bands within', () => {
    expect(bandPowerFeatureNames(['C3', 'C4'], DEFAULT_EEG_BANDS.slice(0, 2))).toEqual(['C3 delta', 'C3 theta', 'C4 delta', 'C4 theta']);
    const f = bandPowerFeatures([sine(160, 160, 20, 1e-5), sine(160, 160, 6, 1e-5)], 160);
    expect(f.nWindows).toBe(1);
    const beta = 3;
    const theta = 1;
    expect(f.data[0 * 5 + beta]).toBeGreaterThan(f.data[0 * 5 + theta] + 3);
    expect(f.data[1 * 5 + theta]).toBeGreaterThan(f.data[1 * 5 + beta] + 3);
  });

  it('gives a flat channel a finite floor and rejects impossible layouts', () => {
    const f = bandPowerFeatures([new Float64Array(200).fill(3e-6)], 160);
    expect(Array.from(f.data.subarray(0, 5))).toEqual([-30, -30, -30, -30, -30]);
    expect(bandPowerFeatures([new Float64Array(100)], 160).nWindows).toBe(0);
    expect(() => bandPowerFeatures([new Float64Array(200)], 160, { bands: [{ name: 'x', fmin: 10.1, fmax: 10.5 }] })).toThrow(/no FFT bin/);
    expect(() => bandPowerFeatures([new Float64Array(200)], 160, { bands: [{ name: 'x', fmin: 90, fmax: 100 }] })).toThrow(/within 0-80 Hz/);
    expect(() => bandPowerFeatures([new Float64Array(200)], 160, { hopS: 0.001 })).toThrow(/hop/);
    expect(() => new BandPowerStream(2, 160).push(new Float64Array(3))).toThrow(/frames/);
  });
});

describe('BandPowerStream', () => {
  const sfreq = 160;
  const channels = noise(4, 1000, 5);
  const batch = bandPowerFeatures(channels, sfreq);

  it.each(['interleaved', 'channel-major'] as const)('matches the batch features bit for bit (%s chunks of random size)', (layout) => {
    for (const [seed, maxChunk] of [
      [1, 7],
      [2, 90],
      [3, 400],
    ]) {
      const streamed = streamInChunks(channels, sfreq, layout, seed, maxChunk);
      expectIdentical(streamed.starts, batch.starts);
      expectIdentical(streamed.data, batch.data);
    }
  });

  it('matches with a hop longer than the window, and after reset', () => {
    const sparse = bandPowerFeatures(channels, sfreq, { hopS: 1.3 });
    const streamed = streamInChunks(channels, sfreq, 'interleaved', 4, 300, 1.3);
    expectIdentical(streamed.data, sparse.data);
    const stream = new BandPowerStream(1, sfreq);
    stream.push(new Float64Array(500).fill(1));
    stream.reset();
    const again = stream.push(channels[0]);
    expectIdentical(again.data, bandPowerFeatures([channels[0]], sfreq).data);
  });

  const edf = path.join(RECORDINGS, 'S001R01.edf');
  it.skipIf(!existsSync(edf))('matches batch on S001R01.edf (EDF+, 64 channels, 160 Hz) streamed in random chunks', async () => {
    const source = fileSource(edf);
    try {
      const reader = await openEdf(source);
      const { sfreq: fs, nSamples, channels: info } = reader.info;
      expect(info.length).toBe(64);
      expect(fs).toBe(160);
      const data = await reader.readSamples(
        info.map((_, i) => i),
        0,
        nSamples,
      );
      const whole = bandPowerFeatures(data, fs);
      expect(whole.nWindows).toBe(Math.floor((nSamples - 160) / 16) + 1);
      expect(whole.data.every((v) => v > -16 && v < -6)).toBe(true);
      for (const layout of ['interleaved', 'channel-major'] as const) {
        const streamed = streamInChunks(data, fs, layout, 11, 200);
        expectIdentical(streamed.data, whole.data);
      }
    } finally {
      source.close();
    }
  });
});

describe('labelWindows', () => {
  it('labels windows that lie wholly inside an event of a known class', () => {
    const starts = Float64Array.from([0, 16, 32, 48, 64, 80, 96]);
    const annotations = [
      { onset: 0.1, duration: 1.1, description: 'left' },
      { onset: 0.4, duration: 1.0, description: 'BAD' },
      { onset: 0.5, duration: 0.9, description: 'rest' },
    ];
    const { labels, events } = labelWindows(starts, 16, 160, annotations, ['rest', 'left']);
    // 'left' covers samples 16..192, 'rest' 80..224; 16-sample windows starting at 16..176 fit the first.
    expect(Array.from(labels)).toEqual([-1, 1, 1, 1, 1, 0, 0]);
    expect(Array.from(events)).toEqual([-1, 0, 0, 0, 0, 2, 2]);
  });

  it('picks the labelled windows as classifier rows with their trial', () => {
    const features = { nWindows: 4, nFeatures: 2, starts: Float64Array.from([0, 16, 32, 48]), data: Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8]) };
    const picked = pickLabelledWindows(features, { labels: Int32Array.from([-1, 1, -1, 0]), events: Int32Array.from([-1, 4, -1, 6]) });
    expect(Array.from(picked.X)).toEqual([3, 4, 7, 8]);
    expect(Array.from(picked.y)).toEqual([1, 0]);
    expect(Array.from(picked.trials)).toEqual([4, 6]);
    expect(Array.from(picked.starts)).toEqual([16, 48]);
  });
});
