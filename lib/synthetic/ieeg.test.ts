import FFT from 'fft.js';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_IEEG_CATEGORIES,
  IEEG_GENERATOR,
  IEEG_GENERATOR_VERSION,
  defaultIeegContacts,
  generateIeegEpochs,
  type SyntheticEpochs,
} from './index';

// The analyses below are written independently of the generator (own FFT band-pass, own periodogram), so they
// check the data, not the generator's arithmetic.

const N_FFT = 1024;
const fft = new FFT(N_FFT);

/** Epoch spectra of one channel, all epochs, mean removed, zero-padded to N_FFT. */
function channelSpectra(d: SyntheticEpochs, ch: number): Float64Array[] {
  const nCh = d.chNames.length;
  const x = new Float64Array(2 * N_FFT);
  const spectra: Float64Array[] = [];
  for (let e = 0; e < d.labels.length; e++) {
    const off = (e * nCh + ch) * d.nTimes;
    let mean = 0;
    for (let i = 0; i < d.nTimes; i++) mean += d.data[off + i];
    mean /= d.nTimes;
    x.fill(0);
    for (let i = 0; i < d.nTimes; i++) x[2 * i] = d.data[off + i] - mean;
    const X = new Float64Array(2 * N_FFT);
    fft.transform(X, x);
    spectra.push(X);
  }
  return spectra;
}

/** Mean power of the band-passed epoch (ideal filter) within [t0, t1) s, per epoch. */
function bandPowers(d: SyntheticEpochs, spectra: Float64Array[], fmin: number, fmax: number, t0: number, t1: number) {
  const Y = new Float64Array(2 * N_FFT);
  const y = new Float64Array(2 * N_FFT);
  const a = Math.round((t0 - d.tmin) * d.sfreq);
  const b = Math.round((t1 - d.tmin) * d.sfreq);
  return spectra.map((X) => {
    Y.set(X);
    for (let k = 0; k < N_FFT; k++) {
      const f = ((k <= N_FFT / 2 ? k : N_FFT - k) * d.sfreq) / N_FFT;
      if (f < fmin || f > fmax) {
        Y[2 * k] = 0;
        Y[2 * k + 1] = 0;
      }
    }
    fft.inverseTransform(y, Y);
    let s = 0;
    for (let i = a; i < b; i++) s += y[2 * i] ** 2;
    return s / (b - a);
  });
}

/** Mean band power on trials of `category` over mean band power on all other trials, per channel. */
function categoryRatios(d: SyntheticEpochs, category: string, fmin: number, fmax: number, t0: number, t1: number) {
  const cat = d.categories.indexOf(category);
  return d.chNames.map((_, ch) => {
    const p = bandPowers(d, channelSpectra(d, ch), fmin, fmax, t0, t1);
    let sIn = 0;
    let nIn = 0;
    let sOut = 0;
    let nOut = 0;
    p.forEach((v, e) => {
      if (d.labels[e] === cat) {
        sIn += v;
        nIn++;
      } else {
        sOut += v;
        nOut++;
      }
    });
    return sIn / nIn / (sOut / nOut);
  });
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function firstDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

let d: SyntheticEpochs;
const progress: number[] = [];
beforeAll(() => {
  d = generateIeegEpochs({ seed: 1 }, (f) => progress.push(f));
});

const plantedIndices = (category: string) => d.groundTruth.predictiveContacts[category].map((n) => d.chNames.indexOf(n));

describe('generateIeegEpochs: shapes and metadata', () => {
  it('has the default layout: 8 categories x 30 trials, 48 sEEG contacts, 768 samples at 512 Hz from -0.5 s', () => {
    expect(d.sfreq).toBe(512);
    expect(d.tmin).toBe(-0.5);
    expect(d.nTimes).toBe(768);
    expect(d.categories).toEqual([...DEFAULT_IEEG_CATEGORIES]);
    expect(d.chNames).toHaveLength(48);
    expect(d.labels).toHaveLength(240);
    expect(d.data).toHaveLength(240 * 48 * 768);
    expect(d.positions).toHaveLength(48 * 3);
    expect(d.chTypes.every((t) => t === 'seeg')).toBe(true);
    expect(d.regions).toHaveLength(48);
    expect(d.hemispheres).toHaveLength(48);
    expect(d.coordFrame).toBe('mni_tal');
  });

  it('draws 30 trials of each category in shuffled order', () => {
    const counts = new Array(d.categories.length).fill(0);
    for (const l of d.labels) counts[l]++;
    expect(counts).toEqual(new Array(8).fill(30));
    const sorted = [...d.labels].sort((a, b) => a - b);
    expect([...d.labels]).not.toEqual(sorted);
  });

  it('is in volts, tens of microvolts RMS, finite', () => {
    let s = 0;
    for (const v of d.data) s += v * v;
    const rms = Math.sqrt(s / d.data.length);
    expect(Number.isFinite(rms)).toBe(true);
    expect(rms).toBeGreaterThan(10e-6);
    expect(rms).toBeLessThan(100e-6);
  });

  it('reports progress monotonically up to 1, once per epoch', () => {
    expect(progress).toHaveLength(240);
    for (let i = 1; i < progress.length; i++) expect(progress[i]).toBeGreaterThan(progress[i - 1]);
    expect(progress[0]).toBeGreaterThan(0);
    expect(progress.at(-1)).toBe(1);
  });

  it('follows the requested sfreq and epoch window', () => {
    const small = generateIeegEpochs({ sfreq: 256, tmin: -0.2, tmax: 0.8, trialsPerCategory: 2, effects: [] });
    expect(small.nTimes).toBe(256);
    expect(small.data).toHaveLength(16 * 48 * 256);
  });
});

describe('generateIeegEpochs: determinism', () => {
  it('gives identical data, montage and ground truth for the same seed', () => {
    const again = generateIeegEpochs({ seed: 1 });
    expect(firstDifference(again.data, d.data)).toBe(-1);
    expect([...again.labels]).toEqual([...d.labels]);
    expect([...again.positions]).toEqual([...d.positions]);
    expect(again.groundTruth).toEqual(d.groundTruth);
  });

  it('gives different data for another seed', () => {
    const other = generateIeegEpochs({ seed: 2 });
    let differing = 0;
    for (let i = 0; i < d.data.length; i++) if (other.data[i] !== d.data[i]) differing++;
    expect(differing / d.data.length).toBeGreaterThan(0.99);
    expect([...other.positions]).not.toEqual([...d.positions]);
    expect(other.groundTruth.seed).toBe(2);
  });
});

describe('generateIeegEpochs: montage', () => {
  it('names contacts shaft + index, unique, hemisphere matching name and x', () => {
    expect(new Set(d.chNames).size).toBe(d.chNames.length);
    d.chNames.forEach((name, i) => {
      expect(name).toMatch(/^[LR][A-Z]\d+$/);
      expect(name[0]).toBe(d.hemispheres[i]);
      const x = d.positions[3 * i];
      if (d.hemispheres[i] === 'L') expect(x).toBeLessThan(0);
      else expect(x).toBeGreaterThan(0);
    });
  });

  it('covers BA 17, 18, 19, 37, 20 and other cortex in both hemispheres', () => {
    for (const region of ['BA17', 'BA18', 'BA19', 'BA37', 'BA20', 'other']) {
      const hemis = new Set(d.hemispheres.filter((_, i) => d.regions[i] === region));
      expect(hemis).toEqual(new Set(['L', 'R']));
    }
  });

  it('places contacts inside their areas (MNI mm)', () => {
    d.regions.forEach((region, i) => {
      const [x, y, z] = [d.positions[3 * i], d.positions[3 * i + 1], d.positions[3 * i + 2]];
      if (region === 'BA37') {
        // Ventral temporal cortex (fusiform).
        expect(z).toBeLessThan(0);
        expect(y).toBeGreaterThan(-70);
        expect(y).toBeLessThan(-30);
      } else if (region === 'BA17') {
        expect(Math.abs(x)).toBeLessThan(22);
        expect(y).toBeLessThan(-75);
      } else if (region === 'BA18' || region === 'BA19') {
        expect(y).toBeLessThan(-65);
      } else if (region === 'BA20') {
        expect(z).toBeLessThan(-10);
        expect(y).toBeGreaterThan(-45);
        expect(Math.abs(x)).toBeGreaterThan(35);
      } else {
        // Frontal.
        expect(y).toBeGreaterThan(-15);
        expect(z).toBeGreaterThan(20);
      }
    });
  });

  it('exposes the same montage through defaultIeegContacts', () => {
    const contacts = defaultIeegContacts(1);
    expect(contacts.map((c) => c.name)).toEqual(d.chNames);
    expect(contacts.flatMap((c) => c.position.map((v) => Math.fround(v)))).toEqual([...d.positions]);
  });
});

describe('generateIeegEpochs: ground truth', () => {
  it('records generator, version and seed', () => {
    expect(d.groundTruth.generator).toBe(IEEG_GENERATOR);
    expect(d.groundTruth.version).toBe(IEEG_GENERATOR_VERSION);
    expect(d.groundTruth.seed).toBe(1);
  });

  it('plants face gamma in 3 BA37 contacts, house theta/alpha in 3 BA19, tool beta in 1 left frontal contact', () => {
    const { effects, predictiveContacts } = d.groundTruth;
    const byCategory = (c: string) => effects.filter((e) => e.category === c);
    expect(byCategory('face')).toHaveLength(3);
    for (const e of byCategory('face')) {
      expect(d.regions[e.contactIndex]).toBe('BA37');
      expect(e).toMatchObject({ fminHz: 70, fmaxHz: 150, tminS: 0.1, tmaxS: 0.35, direction: 'increase' });
      expect(e.powerRatio).toBeGreaterThanOrEqual(3);
    }
    expect(byCategory('house')).toHaveLength(3);
    for (const e of byCategory('house')) {
      expect(d.regions[e.contactIndex]).toBe('BA19');
      expect(e).toMatchObject({ fminHz: 4, fmaxHz: 12, tminS: 0.2, tmaxS: 0.5, direction: 'decrease' });
      expect(e.powerRatio).toBeLessThanOrEqual(1 / 3);
    }
    const tool = byCategory('tool');
    expect(tool).toHaveLength(1);
    expect(d.regions[tool[0].contactIndex]).toBe('other');
    expect(d.hemispheres[tool[0].contactIndex]).toBe('L');
    expect(tool[0]).toMatchObject({ fminHz: 15, fmaxHz: 30, direction: 'decrease' });
    for (const e of effects) {
      expect(d.chNames[e.contactIndex]).toBe(e.contact);
      expect(d.categories[e.categoryIndex]).toBe(e.category);
    }
    expect(Object.keys(predictiveContacts)).toEqual(d.categories);
    expect(predictiveContacts.face).toEqual(byCategory('face').map((e) => e.contact));
    for (const c of ['animal', 'scene', 'pseudoword', 'characters', 'scrambled']) expect(predictiveContacts[c]).toEqual([]);
  });

  it('lists the evoked (responsive, unspecific) contacts: all visual-area contacts, no frontal ones', () => {
    const evoked = new Set(d.groundTruth.evokedContacts);
    d.chNames.forEach((name, i) => expect(evoked.has(name)).toBe(d.regions[i] !== 'other'));
  });
});

describe('generateIeegEpochs: the planted effects are in the data', () => {
  it('faces raise 70-150 Hz power at 100-350 ms > 2x on planted BA37 contacts, ~1x elsewhere', () => {
    const ratios = categoryRatios(d, 'face', 70, 150, 0.1, 0.35);
    const planted = plantedIndices('face');
    for (const ch of planted) expect(ratios[ch]).toBeGreaterThan(2);
    const others = ratios.filter((_, ch) => !planted.includes(ch));
    for (const r of others) {
      expect(r).toBeGreaterThan(0.75);
      expect(r).toBeLessThan(1.33);
    }
    expect(median(others)).toBeGreaterThan(0.9);
    expect(median(others)).toBeLessThan(1.1);
    // The unplanted fusiform neighbours in particular carry nothing.
    ratios.forEach((r, ch) => {
      if (d.regions[ch] === 'BA37' && !planted.includes(ch)) {
        expect(r).toBeGreaterThan(0.8);
        expect(r).toBeLessThan(1.25);
      }
    });
  });

  it('faces do not change gamma before stimulus onset on the planted contacts', () => {
    const ratios = categoryRatios(d, 'face', 70, 150, -0.45, -0.1);
    for (const ch of plantedIndices('face')) {
      expect(ratios[ch]).toBeGreaterThan(0.75);
      expect(ratios[ch]).toBeLessThan(1.33);
    }
  });

  it('houses lower 4-12 Hz power at 200-500 ms on planted BA19 contacts', () => {
    const ratios = categoryRatios(d, 'house', 4, 12, 0.2, 0.5);
    const planted = plantedIndices('house');
    for (const ch of planted) expect(ratios[ch]).toBeLessThan(0.6);
    const others = ratios.filter((_, ch) => !planted.includes(ch));
    expect(median(others)).toBeGreaterThan(0.85);
    expect(median(others)).toBeLessThan(1.15);
    expect(Math.max(...planted.map((ch) => ratios[ch]))).toBeLessThan(Math.min(...others));
  });

  it('tools lower 15-30 Hz power at 200-600 ms on the planted frontal contact', () => {
    const ratios = categoryRatios(d, 'tool', 15, 30, 0.2, 0.6);
    const planted = plantedIndices('tool');
    for (const ch of planted) expect(ratios[ch]).toBeLessThan(0.6);
    const others = ratios.filter((_, ch) => !planted.includes(ch));
    expect(median(others)).toBeGreaterThan(0.85);
    expect(median(others)).toBeLessThan(1.15);
  });

  it('changes nothing but the planted contacts on trials of their category, and only inside the band', () => {
    const plain = generateIeegEpochs({ seed: 1, effects: [] });
    expect(plain.groundTruth.effects).toEqual([]);
    const nCh = d.chNames.length;
    const planted = new Set(d.groundTruth.effects.map((e) => `${e.contactIndex}:${e.categoryIndex}`));
    const diff = new Float64Array(2 * N_FFT);
    const D = new Float64Array(2 * N_FFT);
    let changedTrials = 0;
    for (let e = 0; e < d.labels.length; e++) {
      for (let ch = 0; ch < nCh; ch++) {
        const off = (e * nCh + ch) * d.nTimes;
        const a = d.data.subarray(off, off + d.nTimes);
        const b = plain.data.subarray(off, off + d.nTimes);
        if (!planted.has(`${ch}:${d.labels[e]}`)) {
          expect(firstDifference(a, b)).toBe(-1);
          continue;
        }
        if (firstDifference(a, b) === -1) continue; // a trial the effect skipped (hitRate < 1)
        changedTrials++;
        const effect = d.groundTruth.effects.find((x) => x.contactIndex === ch && x.categoryIndex === d.labels[e]);
        if (!effect) throw new Error('unreachable');
        diff.fill(0);
        for (let i = 0; i < d.nTimes; i++) diff[2 * i] = a[i] - b[i];
        fft.transform(D, diff);
        let inBand = 0;
        let all = 0;
        for (let k = 1; k < N_FFT / 2; k++) {
          const f = (k * d.sfreq) / N_FFT;
          const p = D[2 * k] ** 2 + D[2 * k + 1] ** 2;
          all += p;
          // The window's ramps widen the band by a few hertz.
          if (f >= effect.fminHz - 8 && f <= effect.fmaxHz + 8) inBand += p;
        }
        expect(inBand / all).toBeGreaterThan(0.9);
        // And only around the planted window (± ramps and latency jitter).
        let inWindow = 0;
        let total = 0;
        for (let i = 0; i < d.nTimes; i++) {
          const t = d.tmin + i / d.sfreq;
          const p = (a[i] - b[i]) ** 2;
          total += p;
          if (t >= effect.tminS - 0.12 && t <= effect.tmaxS + 0.12) inWindow += p;
        }
        expect(inWindow / total).toBeGreaterThan(0.99);
      }
    }
    // 7 planted contacts x 30 trials, about 90% of which carry the effect.
    expect(changedTrials).toBeGreaterThan(0.75 * 7 * 30);
    expect(changedTrials).toBeLessThanOrEqual(7 * 30);
  });
});

describe('generateIeegEpochs: background', () => {
  /** Mean Hann-windowed periodogram of the baseline (-500..0 ms) over all trials of the given contacts. */
  function baselineSpectrum(channels: number[]): { freqs: number[]; power: Float64Array } {
    const n = 256;
    const f = new FFT(n);
    const x = new Float64Array(2 * n);
    const X = new Float64Array(2 * n);
    const power = new Float64Array(n / 2);
    const nCh = d.chNames.length;
    for (let e = 0; e < d.labels.length; e++) {
      for (const ch of channels) {
        const off = (e * nCh + ch) * d.nTimes;
        let mean = 0;
        for (let i = 0; i < n; i++) mean += d.data[off + i];
        mean /= n;
        for (let i = 0; i < n; i++) {
          x[2 * i] = (d.data[off + i] - mean) * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n));
          x[2 * i + 1] = 0;
        }
        f.transform(X, x);
        for (let k = 0; k < n / 2; k++) power[k] += X[2 * k] ** 2 + X[2 * k + 1] ** 2;
      }
    }
    return { freqs: Array.from({ length: n / 2 }, (_, k) => (k * d.sfreq) / n), power };
  }

  function meanIn(s: { freqs: number[]; power: Float64Array }, lo: number, hi: number): number {
    let sum = 0;
    let count = 0;
    s.freqs.forEach((f, k) => {
      if (f >= lo && f <= hi) {
        sum += s.power[k];
        count++;
      }
    });
    return sum / count;
  }

  it('falls with frequency (1/f) and has an alpha peak over occipital cortex', () => {
    const occipital = d.regions.flatMap((r, i) => (['BA17', 'BA18', 'BA19'].includes(r) ? [i] : []));
    const s = baselineSpectrum(occipital);
    const bands = [
      [2, 4],
      [18, 24],
      [35, 45],
      [60, 70],
      [90, 110],
    ];
    const levels = bands.map(([lo, hi]) => meanIn(s, lo, hi));
    for (let i = 1; i < levels.length; i++) expect(levels[i]).toBeLessThan(levels[i - 1]);
    // Log-log slope between 20 and 100 Hz: a power law, not white.
    const slope = Math.log(levels[4] / levels[1]) / Math.log(100 / 21);
    expect(slope).toBeLessThan(-0.8);
    expect(slope).toBeGreaterThan(-3);
    // Alpha: 8-12 Hz stands above the straight line (log-log) through its flanks.
    const low = meanIn(s, 5, 6);
    const high = meanIn(s, 15, 17);
    const expected = Math.exp(Math.log(low) + (Math.log(high) - Math.log(low)) * (Math.log(10 / 5.5) / Math.log(16 / 5.5)));
    expect(meanIn(s, 9, 11)).toBeGreaterThan(1.5 * expected);
  });

  it('has a category-unspecific evoked response in visual cortex', () => {
    const ch = d.regions.indexOf('BA17');
    const nCh = d.chNames.length;
    const avg = new Float64Array(d.nTimes);
    for (let e = 0; e < d.labels.length; e++) {
      for (let i = 0; i < d.nTimes; i++) avg[i] += d.data[(e * nCh + ch) * d.nTimes + i] / d.labels.length;
    }
    const at = (t: number) => Math.round((t - d.tmin) * d.sfreq);
    const base = Array.from(avg.subarray(at(-0.5), at(-0.1)));
    const mean = base.reduce((a, b) => a + b, 0) / base.length;
    const sd = Math.sqrt(base.reduce((a, b) => a + (b - mean) ** 2, 0) / base.length);
    const trough = Math.min(...Array.from(avg.subarray(at(0.05), at(0.12))));
    expect(mean - trough).toBeGreaterThan(4 * sd);
  });
});

describe('generateIeegEpochs: options', () => {
  const contacts = defaultIeegContacts(3).slice(0, 10);

  it('plants effects on named contacts and records them', () => {
    const out = generateIeegEpochs({
      seed: 3,
      contacts,
      categories: ['a', 'b'],
      trialsPerCategory: 30,
      effects: [{ category: 'b', contacts: ['LC2'], fminHz: 70, fmaxHz: 150, tminS: 0.1, tmaxS: 0.4, powerRatio: 5 }],
    });
    expect(out.chNames).toEqual(contacts.map((c) => c.name));
    expect(out.groundTruth.predictiveContacts).toEqual({ a: [], b: ['LC2'] });
    const ratios = categoryRatios(out, 'b', 70, 150, 0.1, 0.4);
    expect(ratios[out.chNames.indexOf('LC2')]).toBeGreaterThan(2.5);
    expect(ratios[out.chNames.indexOf('LC1')]).toBeLessThan(1.3);
  });

  it('drops default effects that the chosen categories or contacts cannot hold', () => {
    const out = generateIeegEpochs({ categories: ['house', 'scene'], trialsPerCategory: 2 });
    expect(out.groundTruth.effects.every((e) => e.category === 'house')).toBe(true);
    expect(out.groundTruth.predictiveContacts.house).toHaveLength(3);
    // Calcarine and lingual shafts only: no BA37, BA19 or frontal contacts to plant on.
    const early = generateIeegEpochs({ contacts: contacts.slice(0, 8), trialsPerCategory: 1 });
    expect(early.groundTruth.effects).toEqual([]);
  });

  it('rejects effects it cannot place and invalid options', () => {
    const effect = { category: 'face', region: 'BA37', fminHz: 70, fmaxHz: 150, tminS: 0.1, tmaxS: 0.35, powerRatio: 4 };
    expect(() => generateIeegEpochs({ effects: [{ ...effect, category: 'car' }] })).toThrow(/unknown category/);
    expect(() => generateIeegEpochs({ effects: [{ ...effect, contacts: ['XX1'] }] })).toThrow(/unknown contact/);
    expect(() => generateIeegEpochs({ effects: [{ ...effect, count: 11 }] })).toThrow(/10 there/);
    expect(() => generateIeegEpochs({ effects: [{ ...effect, tmaxS: 2 }] })).toThrow(/within the epoch/);
    expect(() => generateIeegEpochs({ effects: [{ ...effect, fmaxHz: 300 }] })).toThrow(/within 0-256 Hz/);
    expect(() => generateIeegEpochs({ effects: [{ ...effect, powerRatio: 1 }] })).toThrow(/powerRatio/);
    expect(() => generateIeegEpochs({ seed: 1.5 })).toThrow(/seed/);
    expect(() => generateIeegEpochs({ tmin: 1, tmax: 0 })).toThrow(/tmax/);
    expect(() => generateIeegEpochs({ trialsPerCategory: 0 })).toThrow(/trialsPerCategory/);
    expect(() => generateIeegEpochs({ categories: ['a', 'a'] })).toThrow(/unique/);
    expect(() => generateIeegEpochs({ contacts: [contacts[0], contacts[0]] })).toThrow(/duplicate/);
  });
});

describe('generateIeegEpochs: given epoch order and trial-by-trial modulations', () => {
  const contacts = defaultIeegContacts(2).slice(0, 3);
  const labels = [1, 0, 0, 1, 1, 0, 1, 0, 1, 1];
  const base = { seed: 2, contacts, categories: ['a', 'b'], labels, effects: [], evoked: false };

  it('keeps the given labels in order', () => {
    const out = generateIeegEpochs(base);
    expect(Array.from(out.labels)).toEqual(labels);
    expect(out.data).toHaveLength(labels.length * 3 * out.nTimes);
    expect(() => generateIeegEpochs({ ...base, labels: [0, 2] })).toThrow(/labels\[1\]/);
    expect(() => generateIeegEpochs({ ...base, labels: [] })).toThrow(/labels/);
  });

  it('scales band power by each epoch\'s ratio, on that contact and inside its band and window only', () => {
    const powerRatios = labels.map((_, e) => (e % 2 === 0 ? 1 : 9));
    const modulation = { contact: contacts[1].name, fminHz: 60, fmaxHz: 120, tminS: 0.1, tmaxS: 0.4, powerRatios };
    const plain = generateIeegEpochs(base);
    const out = generateIeegEpochs({ ...base, modulations: [modulation] });
    const inBand = bandPowers(out, channelSpectra(out, 1), 65, 115, 0.15, 0.35);
    const inBandPlain = bandPowers(plain, channelSpectra(plain, 1), 65, 115, 0.15, 0.35);
    inBand.forEach((p, e) => expect(p / inBandPlain[e]).toBeCloseTo(powerRatios[e], 0));
    const outside = bandPowers(out, channelSpectra(out, 1), 10, 40, 0.15, 0.35);
    const outsidePlain = bandPowers(plain, channelSpectra(plain, 1), 10, 40, 0.15, 0.35);
    outside.forEach((p, e) => expect(p / outsidePlain[e]).toBeCloseTo(1, 1));
    // Other contacts, and the modulated one on ratio-1 epochs, are unchanged (up to float32 rounding).
    const nTimes = out.nTimes;
    for (let e = 0; e < labels.length; e++) {
      for (let ch = 0; ch < 3; ch++) {
        if (ch === 1 && powerRatios[e] !== 1) continue;
        const o = (e * 3 + ch) * nTimes;
        for (let i = 0; i < nTimes; i++) expect(Math.abs(out.data[o + i] - plain.data[o + i])).toBeLessThan(1e-9);
      }
    }
  });

  it('rejects modulations it cannot apply', () => {
    const m = { contact: contacts[0].name, fminHz: 60, fmaxHz: 120, tminS: 0.1, tmaxS: 0.4, powerRatios: labels.map(() => 2) };
    expect(() => generateIeegEpochs({ ...base, modulations: [{ ...m, contact: 'XX9' }] })).toThrow(/unknown contact/);
    expect(() => generateIeegEpochs({ ...base, modulations: [{ ...m, powerRatios: [2] }] })).toThrow(/1 power ratios for 10/);
    expect(() => generateIeegEpochs({ ...base, modulations: [{ ...m, powerRatios: labels.map(() => 0) }] })).toThrow(/positive/);
    expect(() => generateIeegEpochs({ ...base, modulations: [{ ...m, fmaxHz: 400 }] })).toThrow(/Hz/);
    expect(() => generateIeegEpochs({ ...base, modulations: [{ ...m, tmaxS: 3 }] })).toThrow(/epoch/);
  });
});
