import { describe, expect, it } from 'vitest';
import { pickContact } from '../signatures/features';
import { defaultIeegContacts, generateIeegEpochs } from '../synthetic';
import {
  LEVEL2_BANDS,
  bandResponses,
  bandWindowLabels,
  responsivePositive,
  responsiveness,
  type FrequencyBand,
} from './brain-features';

const SFREQ = 512;

/** Trials of a sine at `freq` Hz whose amplitude steps from `before` to `after` at stimulus onset. */
function steppedSine(freq: number, nTrials: number, tmin: number, nTimes: number, before: number, after: number): Float32Array {
  const data = new Float32Array(nTrials * nTimes);
  for (let e = 0; e < nTrials; e++) {
    for (let i = 0; i < nTimes; i++) {
      const t = tmin + i / SFREQ;
      data[e * nTimes + i] = (t < 0 ? before : after) * Math.sin(2 * Math.PI * freq * t + 0.7 * e);
    }
  }
  return data;
}

describe('band/window responses', () => {
  it('labels and layout: 5 bands x 3 windows = 15, band-major', () => {
    const labels = bandWindowLabels();
    expect(labels).toHaveLength(15);
    expect(labels.slice(0, 3)).toEqual(['theta 50-250 ms', 'theta 150-350 ms', 'theta 250-450 ms']);
    expect(labels[14]).toBe('high gamma 250-450 ms');
  });

  it('a sine whose amplitude doubles at onset gives a power ratio of 4', () => {
    // A stationary sine has constant wavelet power, quadratic in its amplitude at every wavelet frequency, so every
    // sub-bin's ratio is (2 / 1)^2. The epoch starts 0.5 s before the baseline so no wavelet reaches the padding;
    // only the step's broadband transient still reaches 50 ms in the longest (30-40 Hz) wavelets, by 0.13%.
    const tmin = -1;
    const nTimes = 2 * SFREQ;
    for (const [band, freq] of [['low gamma', 45], ['high gamma', 110]] as const) {
      const bands = LEVEL2_BANDS.filter((b) => b.name === band);
      const res = bandResponses(steppedSine(freq, 3, tmin, nTimes, 1, 2), nTimes, SFREQ, tmin, { bands });
      expect(res.responses).toHaveLength(3 * 3);
      res.responses.forEach((v, i) => expect(Math.abs(v - 4)).toBeLessThan(i % 3 === 0 ? 6e-3 : 1e-4));
      // The window/baseline power of the whole band shows the same ratio.
      res.windowPower.forEach((v, i) => expect(v / res.baselinePower[Math.floor(i / 3)]).toBeCloseTo(4, 2));
    }
  });

  it('the feature is the largest sub-bin ratio', () => {
    // Only the 110 Hz sine steps up (x3 in amplitude); the 45 Hz one stays, so low gamma sub-bins far from 110 Hz
    // keep ratio ~1 while the one nearest 110 Hz carries the rise.
    const tmin = -1;
    const nTimes = 2 * SFREQ;
    const data = new Float32Array(nTimes);
    for (let i = 0; i < nTimes; i++) {
      const t = tmin + i / SFREQ;
      data[i] = Math.sin(2 * Math.PI * 45 * t) + (t < 0 ? 1 : 3) * Math.sin(2 * Math.PI * 110 * t);
    }
    const single: FrequencyBand[] = [
      { name: 'a', subBins: [[41, 50]], nCycles: 6 },
      { name: 'b', subBins: [[105, 115]], nCycles: 6 },
      { name: 'ab', subBins: [[41, 50], [105, 115]], nCycles: 6 },
    ];
    const res = bandResponses(data, nTimes, SFREQ, tmin, { bands: single, windows: [[0.1, 0.3]] });
    const [a, b, ab] = res.responses;
    expect(a).toBeCloseTo(1, 2);
    expect(b).toBeCloseTo(9, 1);
    expect(ab).toBe(Math.max(a, b));
  });

  it('freqStep 1 is the authors\' 1 Hz grid; the default 2 Hz step gives nearly the same responses', () => {
    const synthetic = generateIeegEpochs({ seed: 5, categories: ['stimulus'], trialsPerCategory: 8, effects: [] });
    const { data } = pickContact(synthetic.data, 8, synthetic.chNames.length, synthetic.nTimes, 0);
    const fine = bandResponses(data, synthetic.nTimes, SFREQ, synthetic.tmin, { freqStep: 1 });
    const coarse = bandResponses(data, synthetic.nTimes, SFREQ, synthetic.tmin);
    expect(Array.from(fine.freqs.subarray(0, 4))).toEqual([5, 6, 7, 8]);
    expect(fine.freqs).toHaveLength(4 + 6 + 16 + 41 + 81);
    expect(coarse.freqs.length).toBeLessThan(fine.freqs.length / 1.9);
    let worst = 0;
    fine.responses.forEach((v, i) => (worst = Math.max(worst, Math.abs(Math.log(coarse.responses[i] / v)))));
    expect(worst).toBeLessThan(0.1);
  });

  it('rejects spans outside the epoch and bands above Nyquist', () => {
    expect(() => bandResponses(new Float32Array(2 * 300), 300, SFREQ, -0.5)).toThrow(/window/);
    expect(() => bandResponses(new Float32Array(400), 400, SFREQ, -0.3)).toThrow(/baseline/);
    const ok = new Float32Array(768);
    expect(() => bandResponses(ok, 768, SFREQ, -0.5, { bands: [{ name: 'x', subBins: [[200, 300]], nCycles: 6 }] })).toThrow(
      /Hz/,
    );
    expect(() => bandResponses(ok, 700, SFREQ, -0.5)).toThrow(RangeError);
  });
});

describe('responsive-positive selection', () => {
  it('finds a planted gamma increase at 50-250 ms, not in theta, and drops a significant decrease', () => {
    const contacts = defaultIeegContacts(7).slice(0, 6);
    const synthetic = generateIeegEpochs({
      seed: 7,
      categories: ['stimulus'],
      trialsPerCategory: 60,
      contacts,
      evoked: false,
      effects: [
        // Broadband gamma increase on contact 0; alpha decrease on contact 1.
        { category: 'stimulus', contacts: [contacts[0].name], fminHz: 30, fmaxHz: 150, tminS: 0.05, tmaxS: 0.25, powerRatio: 3 },
        { category: 'stimulus', contacts: [contacts[1].name], fminHz: 8, fmaxHz: 14, tminS: 0.1, tmaxS: 0.45, powerRatio: 0.2 },
      ],
    });
    const nEpochs = synthetic.labels.length;
    const tests = contacts.map((_, ch) => {
      const { data } = pickContact(synthetic.data, nEpochs, contacts.length, synthetic.nTimes, ch);
      return responsiveness(bandResponses(data, synthetic.nTimes, synthetic.sfreq, synthetic.tmin));
    });
    const labels = bandWindowLabels();
    const { positive, pCorrected } = responsivePositive(tests);
    const positiveOf = (ch: number) => labels.filter((_, k) => positive[ch * labels.length + k] === 1);
    expect(positiveOf(0)).toEqual(expect.arrayContaining(['low gamma 50-250 ms', 'high gamma 50-250 ms']));
    expect(positiveOf(0).filter((l) => l.startsWith('theta'))).toEqual([]);
    // The decrease is significant but not positive.
    const alpha150 = labels.indexOf('alpha 150-350 ms');
    expect(pCorrected[1 * labels.length + alpha150]).toBeLessThan(0.05);
    expect(tests[1].increase[alpha150]).toBe(0);
    expect(positiveOf(1).filter((l) => l.startsWith('alpha'))).toEqual([]);
    for (let ch = 2; ch < contacts.length; ch++) expect(positiveOf(ch)).toEqual([]);
  });

  it('NaN p-values count as not significant', () => {
    const tests = [
      { pValues: Float64Array.of(NaN, 1e-6), increase: Uint8Array.of(1, 1) },
      { pValues: Float64Array.of(1e-6, 1e-6), increase: Uint8Array.of(1, 0) },
    ];
    const { positive } = responsivePositive(tests);
    expect(Array.from(positive)).toEqual([0, 1, 1, 0]);
  });
});
