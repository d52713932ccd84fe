import { existsSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readElc } from '../atlas/montage';
import { asset } from '../atlas/test-assets';
import { bandPowerFeatures, labelWindows } from '../eeg/features';
import { permuteLabels } from '../ml/forest/cv';
import { crossValidateSom, evaluateSom, type SomEvaluation } from '../ml/som/quality';
import { DEFAULT_EEG_CHANNELS, generateEeg, type SyntheticRaw } from './eeg';

const elc = asset('montage', 'standard_1005.elc');

/** Same samples in every channel (a plain loop: deep equality over typed arrays is slow). */
function sameData(a: Float32Array[], b: Float32Array[]): boolean {
  return a.length === b.length && a.every((x, c) => x.length === b[c].length && x.every((v, i) => Object.is(v, b[c][i])));
}

/** Feature windows of 1 s every 0.5 s that lie inside a trial, with their class and trial. */
function trialWindows(raw: SyntheticRaw) {
  const f = bandPowerFeatures(raw.data, raw.sfreq, { hopS: 0.5 });
  const { labels, events } = labelWindows(f.starts, f.windowSamples, raw.sfreq, raw.annotations, raw.classes);
  const rows = Array.from(labels.keys()).filter((i) => labels[i] >= 0);
  const X = new Float64Array(rows.length * f.nFeatures);
  rows.forEach((r, i) => X.set(f.data.subarray(r * f.nFeatures, (r + 1) * f.nFeatures), i * f.nFeatures));
  return {
    X,
    nFeatures: f.nFeatures,
    bands: f.bands.map((b) => b.name),
    y: Int32Array.from(rows, (r) => labels[r]),
    trials: Int32Array.from(rows, (r) => events[r]),
  };
}

describe('generateEeg', () => {
  it('writes a seeded continuous recording with one annotation per trial', () => {
    const raw = generateEeg({ seed: 3, trialsPerClass: 2 });
    expect(raw.chNames).toEqual(DEFAULT_EEG_CHANNELS);
    expect(raw.chNames.length).toBe(32);
    expect(raw.sfreq).toBe(160);
    expect(raw.data.length).toBe(32);
    expect(raw.data.every((x) => x.length === raw.nSamples)).toBe(true);
    expect(raw.annotations.map((a) => a.description).sort()).toEqual(['left', 'left', 'rest', 'rest', 'right', 'right']);
    raw.annotations.forEach((a, i) => {
      expect(a.duration).toBe(4);
      if (i > 0) {
        const gap = a.onset - (raw.annotations[i - 1].onset + raw.annotations[i - 1].duration);
        expect(gap).toBeGreaterThanOrEqual(2 - 1e-9);
        expect(gap).toBeLessThanOrEqual(3 + 1e-9);
      }
    });
    expect(raw.annotations[0].onset).toBe(2);
    // Scalp EEG amplitudes: tens of microvolts.
    let ss = 0;
    for (const x of raw.data) for (const v of x) ss += v * v;
    const rms = Math.sqrt(ss / (32 * raw.nSamples));
    expect(rms).toBeGreaterThan(5e-6);
    expect(rms).toBeLessThan(50e-6);

    const again = generateEeg({ seed: 3, trialsPerClass: 2 });
    expect(sameData(again.data, raw.data)).toBe(true);
    expect(again.annotations).toEqual(raw.annotations);
    expect(sameData(generateEeg({ seed: 4, trialsPerClass: 2 }).data, raw.data)).toBe(false);
  });

  it('states its planted effects', () => {
    const { groundTruth } = generateEeg({ seed: 3, trialsPerClass: 1, intertrialS: [0, 0] });
    expect(groundTruth.effects.map((e) => [e.label, e.channel, e.fmin, e.fmax, e.powerRatio])).toEqual([
      ['left', 'C4', 8, 13, 0.35],
      ['left', 'C4', 13, 30, 0.5],
      ['right', 'C3', 8, 13, 0.35],
      ['right', 'C3', 13, 30, 0.5],
    ]);
    expect(groundTruth.effects[0].channels[0]).toBe('C4');
    expect(groundTruth.effects[0].channels).not.toContain('C3');
  });

  it.skipIf(!existsSync(elc))('places channels at their standard_1005 positions, and takes any montage', () => {
    const montage = readElc(readFileSync(elc, 'utf8'));
    const raw = generateEeg({ trialsPerClass: 1 });
    raw.chNames.forEach((name, i) => {
      expect(Array.from(raw.positions.subarray(3 * i, 3 * i + 3))).toEqual(Array.from(Float32Array.from(montage.positions[montage.names.indexOf(name)])));
    });
    const dense = generateEeg({ trialsPerClass: 1, chNames: ['FC3', 'C1', 'C3', 'C5', 'CP3', 'FC4', 'C2', 'C4', 'C6', 'CP4'], montage });
    expect(dense.data.length).toBe(10);
    expect(() => generateEeg({ trialsPerClass: 1, chNames: ['C1', 'C3', 'C4'] })).toThrow(/pass a montage/);
  });

  it('rejects effects it cannot plant', () => {
    const classes = (channel: string, fmax: number) => [{ label: 'a', effects: [{ channel, fmin: 8, fmax, powerRatio: 0.5 }] }];
    expect(() => generateEeg({ classes: classes('C5', 13) })).toThrow(/not a channel/);
    expect(() => generateEeg({ classes: classes('C3', 90) })).toThrow(/0-80 Hz/);
    expect(() => generateEeg({ trialsPerClass: 0 })).toThrow(/trialsPerClass/);
  });

  describe('with the default motor imagery classes', () => {
    let raw: SyntheticRaw;
    let w: ReturnType<typeof trialWindows>;
    let evaluation: SomEvaluation;
    // A small map keeps the 50-odd fits of cross-validation and shuffles quick.
    const options = () => ({ som: { rows: 6, cols: 6, epochs: 5 }, groups: w.trials, nShuffles: 8, seed: 1 });
    beforeAll(() => {
      raw = generateEeg({ seed: 1 });
      w = trialWindows(raw);
      evaluation = evaluateSom(w.X, w.y, raw.classes, options());
    }, 60_000);

    const mean = (channel: string, band: string, label: string) => {
      const col = raw.chNames.indexOf(channel) * w.bands.length + w.bands.indexOf(band);
      const k = raw.classes.indexOf(label);
      let s = 0;
      let n = 0;
      for (let i = 0; i < w.y.length; i++) {
        if (w.y[i] !== k) continue;
        s += w.X[i * w.nFeatures + col];
        n++;
      }
      return s / n;
    };

    it('desynchronises mu and beta over the hemisphere opposite the imagined hand', () => {
      // log10 power ratios against rest; planted 0.35 (-0.46) and 0.5 (-0.30) at the source under the electrode.
      const drop = (channel: string, band: string, label: string) => mean(channel, band, label) - mean(channel, band, 'rest');
      expect(drop('C4', 'alpha', 'left')).toBeLessThan(-0.3);
      expect(drop('C4', 'beta', 'left')).toBeLessThan(-0.2);
      expect(drop('C3', 'alpha', 'right')).toBeLessThan(-0.3);
      expect(drop('C3', 'beta', 'right')).toBeLessThan(-0.2);
      for (const [channel, label] of [
        ['C3', 'left'],
        ['C4', 'right'],
        ['Oz', 'left'],
        ['Oz', 'right'],
      ]) {
        expect(Math.abs(drop(channel, 'alpha', label))).toBeLessThan(0.08);
      }
      // Occipital alpha dominates the posterior spectrum.
      expect(mean('Oz', 'alpha', 'rest')).toBeGreaterThan(mean('Oz', 'beta', 'rest'));
    });

    it('gives a map that tells the actions apart well above chance', () => {
      const { crossValidation: cv, chance, pairs } = evaluation;
      expect(chance.mean).toBeGreaterThan(0.25);
      expect(chance.mean).toBeLessThan(0.42);
      expect(cv.accuracy).toBeGreaterThan(0.6);
      expect(cv.accuracy).toBeGreaterThan(chance.p95 + 0.2);
      const pair = (a: string, b: string) => pairs.find((p) => p.classA === a && p.classB === b)!;
      expect(pair('left', 'right').accuracy).toBeGreaterThan(0.8);
      expect(pair('left', 'rest').accuracy).toBeGreaterThan(0.7);
      expect(pair('right', 'rest').accuracy).toBeGreaterThan(0.7);
      for (const p of pairs) expect(p.overlap).toBeLessThan(0.8);
      expect(pair('left', 'right').overlap).toBeLessThan(0.6);
    });

    it('stays within the chance interval when the trials’ labels are shuffled', () => {
      const trialLabels = Int32Array.from(raw.annotations, (a) => raw.classes.indexOf(a.description));
      const shuffled = permuteLabels(trialLabels, 7);
      const yShuffled = Int32Array.from(w.trials, (t) => shuffled[t]);
      const cv = crossValidateSom(w.X, yShuffled, raw.classes, options());
      const { mean: m, sd } = evaluation.chance;
      expect(Math.abs(cv.accuracy - m)).toBeLessThan(3 * sd + 0.03);
    });
  });
});
