import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  bipolarReference,
  butter,
  defaultPadlen,
  detrend,
  epochs,
  filterData,
  iirnotch,
  lineHarmonics,
  notch,
  parseContactName,
  rejectTrials,
  sosfiltfilt,
  sosfiltZi,
  type BType,
} from './index';

interface Design {
  order: number;
  wn: number | [number, number];
  btype: BType;
  fs: number;
  sos: number[][];
}
interface Fixture {
  butter: Design[];
  signal: string;
  sosfiltfilt: { design: number; y: string }[];
  sosfiltfiltPadlen: { design: number; padlen: number; y: string };
  sosfiltfiltNoPad: { design: number; y: string };
  sosfiltZi: { design: number; zi: number[][] };
  iirnotch: { w0: number; Q: number; fs: number; b: number[]; a: number[] }[];
  notch: { fs: number; freqs: number[]; Q: number; y: string };
  detrend: { x: string; linear: string; constant: string };
  mneEpochs: {
    sfreq: number;
    raw: string;
    events: [number, number, number][];
    tmin: number;
    tmax: number;
    keptEvents: [number, number, number][];
    shape: [number, number, number];
    data: string;
  };
}

const fixture = JSON.parse(
  readFileSync(path.join(path.dirname(new URL(import.meta.url).pathname), 'fixtures', 'scipy_filters.json'), 'utf8'),
) as Fixture;

function f64(b64: string): Float64Array {
  const buf = Buffer.from(b64, 'base64');
  return new Float64Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}

/** Largest difference relative to the reference's largest magnitude (values near zero make per-element ratios meaningless). */
function relErr(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  expect(actual.length).toBe(expected.length);
  let scale = 0;
  let err = 0;
  for (let i = 0; i < expected.length; i++) {
    scale = Math.max(scale, Math.abs(expected[i]));
    err = Math.max(err, Math.abs(actual[i] - expected[i]));
  }
  return scale === 0 ? err : err / scale;
}

const x = f64(fixture.signal);

describe('butter (against scipy.signal.butter(..., output="sos"))', () => {
  for (const d of fixture.butter) {
    it(`${d.btype} order ${d.order} at ${JSON.stringify(d.wn)} Hz, fs ${d.fs}`, () => {
      const sos = butter(d.order, typeof d.wn === 'number' ? d.wn : [d.wn[0], d.wn[1]], d.btype, d.fs);
      expect(sos.length).toBe(d.sos.length);
      sos.forEach((row, i) => expect(relErr(row, d.sos[i])).toBeLessThan(1e-9));
    });
  }

  it('rejects edges outside (0, Nyquist) and the wrong number of edges', () => {
    expect(() => butter(4, 300, 'lowpass', 512)).toThrow(RangeError);
    expect(() => butter(4, 40, 'bandpass', 512)).toThrow(RangeError);
    expect(() => butter(4, [40, 30], 'bandpass', 512)).toThrow(RangeError);
    expect(() => butter(0, 40, 'lowpass', 512)).toThrow(RangeError);
  });
});

describe('sosfiltfilt (against scipy.signal.sosfiltfilt)', () => {
  it('sosfilt_zi', () => {
    const zi = sosfiltZi(fixture.butter[fixture.sosfiltZi.design].sos);
    zi.forEach((row, i) => expect(relErr(row, fixture.sosfiltZi.zi[i])).toBeLessThan(1e-9));
  });

  for (const c of fixture.sosfiltfilt) {
    const d = fixture.butter[c.design];
    it(`default odd padding, ${d.btype} order ${d.order} at ${JSON.stringify(d.wn)} Hz`, () => {
      expect(relErr(sosfiltfilt(d.sos, x), f64(c.y))).toBeLessThan(1e-9);
    });
  }

  it('explicit padlen and no padding', () => {
    const p = fixture.sosfiltfiltPadlen;
    expect(relErr(sosfiltfilt(fixture.butter[p.design].sos, x, { padlen: p.padlen }), f64(p.y))).toBeLessThan(1e-9);
    const n = fixture.sosfiltfiltNoPad;
    expect(relErr(sosfiltfilt(fixture.butter[n.design].sos, x, { padtype: 'none' }), f64(n.y))).toBeLessThan(1e-9);
  });

  it("uses SciPy's padlen: 3 * (2 * sections + 1), less first-order sections", () => {
    expect(defaultPadlen(butter(4, [70, 150], 'bandpass', 512))).toBe(27);
    expect(defaultPadlen(butter(4, 40, 'lowpass', 512))).toBe(15);
    expect(defaultPadlen(butter(1, 10, 'lowpass', 100))).toBe(6);
    expect(() => sosfiltfilt(butter(4, 40, 'lowpass', 512), new Float64Array(15))).toThrow(RangeError);
  });
});

describe('iirnotch and notch (against scipy.signal.iirnotch / filtfilt)', () => {
  for (const c of fixture.iirnotch) {
    it(`${c.w0} Hz, Q ${c.Q}, fs ${c.fs}`, () => {
      const [row] = iirnotch(c.w0, c.Q, c.fs);
      expect(relErr(row.slice(0, 3), c.b)).toBeLessThan(1e-9);
      expect(relErr(row.slice(3), c.a)).toBeLessThan(1e-9);
    });
  }

  it('notches 50 Hz and harmonics below Nyquist, one filtfilt each', () => {
    expect(lineHarmonics(50, 512)).toEqual([50, 100, 150, 200, 250]);
    expect(lineHarmonics(50, 500)).toEqual([50, 100, 150, 200]);
    expect(lineHarmonics(60, 1000)).toEqual([60, 120, 180, 240, 300, 360, 420, 480]);
    const y = notch(x, fixture.notch.fs, { lineFreq: 50, Q: fixture.notch.Q });
    expect(relErr(y, f64(fixture.notch.y))).toBeLessThan(1e-9);
  });

  it('planted: removes a 50 Hz line to < 1% while 10 Hz stays within 1%', () => {
    const sfreq = 512;
    const n = 10 * sfreq;
    const mains = new Float64Array(n);
    const alpha = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      mains[i] = Math.sin((2 * Math.PI * 50 * i) / sfreq);
      alpha[i] = Math.sin((2 * Math.PI * 10 * i) / sfreq + 0.3);
    }
    const y = notch(
      mains.map((v, i) => v + alpha[i]),
      sfreq,
    );
    // amplitude of each component by projection, away from the edges
    const amp = (sig: Float64Array, f: number) => {
      let re = 0;
      let im = 0;
      const a = sfreq;
      const b = n - sfreq;
      for (let i = a; i < b; i++) {
        re += sig[i] * Math.cos((2 * Math.PI * f * i) / sfreq);
        im += sig[i] * Math.sin((2 * Math.PI * f * i) / sfreq);
      }
      return (2 * Math.hypot(re, im)) / (b - a);
    };
    expect(amp(y, 50)).toBeLessThan(0.01);
    expect(Math.abs(amp(y, 10) - 1)).toBeLessThan(0.01);
    // zero phase: the 10 Hz component is not shifted
    let err = 0;
    for (let i = sfreq; i < n - sfreq; i++) err = Math.max(err, Math.abs(y[i] - alpha[i]));
    expect(err).toBeLessThan(0.02);
  });

  it('filters each channel of channel-major data on its own', () => {
    const two = new Float64Array(800);
    two.set(x, 0);
    two.set(x.map((v) => -2 * v), 400);
    const y = notch(two, 512, { nTimes: 400 });
    const one = notch(x, 512);
    expect(relErr(y.subarray(0, 400), one)).toBeLessThan(1e-12);
    expect(relErr(y.subarray(400), one.map((v) => -2 * v))).toBeLessThan(1e-12);
  });
});

describe('filterData', () => {
  it('band-pass keeps the passband and removes the rest (planted sines)', () => {
    const sfreq = 512;
    const n = 4 * sfreq;
    const s = new Float64Array(n);
    for (let i = 0; i < n; i++) s[i] = Math.sin((2 * Math.PI * 100 * i) / sfreq) + Math.sin((2 * Math.PI * 10 * i) / sfreq);
    const y = filterData(s, sfreq, 70, 150);
    let err = 0;
    for (let i = sfreq; i < n - sfreq; i++) err = Math.max(err, Math.abs(y[i] - Math.sin((2 * Math.PI * 100 * i) / sfreq)));
    expect(err).toBeLessThan(0.02);
    expect(filterData(s, sfreq, null, null)).toEqual(s);
  });

  it('matches sosfiltfilt of the same design', () => {
    const d = fixture.butter[1];
    expect(relErr(filterData(x, d.fs, null, 40), f64(fixture.sosfiltfilt[1].y))).toBeLessThan(1e-9);
  });
});

describe('detrend (against scipy.signal.detrend)', () => {
  it('linear and constant', () => {
    const z = f64(fixture.detrend.x);
    expect(relErr(detrend(z), f64(fixture.detrend.linear))).toBeLessThan(1e-9);
    expect(relErr(detrend(z, 'constant'), f64(fixture.detrend.constant))).toBeLessThan(1e-9);
  });

  it('removes an exact line to zero', () => {
    const y = detrend(Float64Array.from({ length: 50 }, (_, i) => 3 - 0.25 * i));
    expect(Math.max(...y.map(Math.abs))).toBeLessThan(1e-12);
  });
});

describe('bipolarReference', () => {
  it('parses shaft and contact number', () => {
    expect(parseContactName('LO1')).toEqual({ shaft: 'LO', number: 1 });
    expect(parseContactName("A'12")).toEqual({ shaft: "A'", number: 12 });
    expect(parseContactName('ECG')).toBeNull();
    expect(parseContactName('12')).toBeNull();
  });

  it('pairs neighbouring contacts of one shaft; the pair keeps the first position', () => {
    const names = ['LO2', 'LO1', 'LO3', "A'1", "A'2", 'LO5', 'ECG', "A'4"];
    const nT = 3;
    const data = new Float64Array(names.length * nT);
    names.forEach((_, c) => {
      for (let t = 0; t < nT; t++) data[c * nT + t] = 10 * c + t * c;
    });
    const pos = new Float64Array(names.length * 3).map((_, i) => i);
    const r = bipolarReference(names, data, pos);
    expect(r.chNames).toEqual(['LO1-LO2', 'LO2-LO3', "A'1-A'2"]);
    expect(r.pairs).toEqual([
      [1, 0],
      [0, 2],
      [3, 4],
    ]);
    expect([...r.positions!]).toEqual([3, 4, 5, 0, 1, 2, 9, 10, 11]);
    // LO1 - LO2 = (10 + t) - (0)
    expect([...r.data.subarray(0, 3)]).toEqual([10, 11, 12]);
    expect([...r.data.subarray(3, 6)]).toEqual([-20, -22, -24]);
    expect(r.unpaired).toEqual(['LO5', 'ECG', "A'4"]);
    expect(bipolarReference(names, data).positions).toBeNull();
  });

  it('rejects duplicate contacts and mismatched shapes', () => {
    expect(() => bipolarReference(['LO1', 'LO01'], new Float64Array(2))).toThrow();
    expect(() => bipolarReference(['LO1', 'LO2'], new Float64Array(3))).toThrow(RangeError);
  });
});

describe('epochs', () => {
  const sfreq = 100;
  const ch0 = Float64Array.from({ length: 1000 }, (_, i) => i);
  const ch1 = Float64Array.from({ length: 1000 }, (_, i) => -i);

  it('cuts tmin..tmax inclusive around each event, MNE-style', () => {
    const ev = epochs([ch0, ch1], sfreq, [[100, 1], [500, 0, 2], [19, 1], [950, 1]], -0.2, 0.5);
    expect(ev.nTimes).toBe(71);
    expect(ev.nEpochs).toBe(2);
    expect(ev.events).toEqual([[100, 1], [500, 2]]);
    expect(ev.dropped).toEqual([2, 3]);
    expect(ev.tmin).toBeCloseTo(-0.2, 12);
    expect(ev.data[0]).toBe(80);
    expect(ev.data[70]).toBe(150);
    expect(ev.data[71]).toBe(-80);
    expect(ev.data[2 * 71]).toBe(480);
  });

  it('matches mne.Epochs(raw, events, -0.2, 0.5, baseline=(None, 0)).get_data()', () => {
    const m = fixture.mneEpochs;
    const ev = epochs(f64(m.raw), m.sfreq, m.events, m.tmin, m.tmax, { nChannels: 3, baseline: [null, 0] });
    expect([ev.nEpochs, ev.nChannels, ev.nTimes]).toEqual(m.shape);
    expect(ev.events).toEqual(m.keptEvents.map(([s, , c]) => [s, c]));
    expect(relErr(ev.data, f64(m.data))).toBeLessThan(1e-12);
  });

  it('baseline, event codes, flat input and the paper-length window', () => {
    const flat = new Float64Array(2000);
    flat.set(ch0, 0);
    flat.set(ch1, 1000);
    const ev = epochs(flat, sfreq, [[100, 1], [500, 2]], -0.2, 0.5, { nChannels: 2, baseline: [null, 0], eventCodes: [2] });
    expect(ev.nEpochs).toBe(1);
    // baseline mean of samples 480..500 is 490
    expect(ev.data[0]).toBe(-10);
    expect(ev.data[71]).toBe(10);
    const paper = epochs([new Float64Array(2048)], 512, [[1000, 1]], -0.5, 1, { includeTmax: false });
    expect(paper.nTimes).toBe(768);
  });
});

describe('rejectTrials (METHODS.md: max |x| > 10 x mean per-trial SD, after detrend)', () => {
  it('flags exactly the planted artefact trials, per contact', () => {
    const nEpochs = 40;
    const nChannels = 3;
    const nTimes = 256;
    let seed = 12345;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
    const data = new Float64Array(nEpochs * nChannels * nTimes);
    for (let e = 0; e < nEpochs; e++) {
      for (let c = 0; c < nChannels; c++) {
        const off = (e * nChannels + c) * nTimes;
        // drifts that detrending must remove before they look like artefacts
        for (let t = 0; t < nTimes; t++) data[off + t] = gauss() + 0.5 * e + 0.05 * t * (c + 1);
      }
    }
    const planted: [number, number][] = [
      [3, 0],
      [17, 0],
      [8, 2],
    ];
    for (const [e, c] of planted) data[(e * nChannels + c) * nTimes + 100] += 40;
    const r = rejectTrials({ data, nEpochs, nChannels, nTimes, chNames: ['a', 'b', 'c'] });
    expect(r.report.map((x) => x.rejectedEpochs)).toEqual([[3, 17], [], [8]]);
    expect(r.report[0].chName).toBe('a');
    expect(r.report[1].meanSd).toBeGreaterThan(0.9);
    expect(r.report[1].meanSd).toBeLessThan(1.1);
    expect(r.report[1].threshold).toBeCloseTo(10 * r.report[1].meanSd, 12);
    expect([...r.rejected].reduce((a, b) => a + b, 0)).toBe(3);
    expect(r.rejected[3 * nChannels + 0]).toBe(1);
    expect(r.rejected[8 * nChannels + 2]).toBe(1);
    // a lower factor flags more
    expect(rejectTrials({ data, nEpochs, nChannels, nTimes }, 3).report[1].nRejected).toBeGreaterThan(0);
  });
});
