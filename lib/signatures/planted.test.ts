/**
 * Ground truth: the Level 1 pipeline (quick preset) on synthetic sEEG with planted category effects finds the planted
 * contacts at the shuffled-null threshold, locates their effects in time and frequency, and signs them correctly.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_IEEG_EFFECTS, defaultIeegContacts, generateIeegEpochs, type PlantedEffect } from '../synthetic';
import {
  assembleContact,
  binTimes,
  clusterSignatures,
  contactFeatures,
  fitJobLocally,
  pickContact,
  planContact,
  predictiveByCategory,
  predictiveCategories,
  predictiveThreshold,
  resolveParams,
  shuffledNull,
  type ContactAnalysis,
  type ContactFeatures,
} from './index';

// Effects as the generator's defaults, on fixed contacts (only these 9 are generated, to keep the test fast):
// face-selective broadband gamma in fusiform (BA37), house theta/alpha decrease in lateral occipital (BA19),
// tool beta decrease in premotor cortex. Decreases need to be deep (house power x0.05 in 4-12 Hz): single-trial
// power is roughly exponential, so a milder decrease hides among the background's own low values.
const PLANTED: Record<string, string[]> = { face: ['RF2', 'RF3', 'RF5'], house: ['LO1', 'LO4', 'RO3'], tool: ['LM3'] };
// Not planted: a fusiform neighbour and an early visual contact with a strong category-unspecific evoked response.
const CONTROLS = ['LF1', 'LC2'];
const contacts = [...Object.values(PLANTED).flat(), ...CONTROLS];
const EFFECTS = DEFAULT_IEEG_EFFECTS.map((e) => ({
  ...e,
  region: undefined,
  count: undefined,
  contacts: PLANTED[e.category],
}));
const data = generateIeegEpochs({
  seed: 1,
  trialsPerCategory: 30,
  contacts: defaultIeegContacts(1).filter((c) => contacts.includes(c.name)),
  effects: EFFECTS,
});
const truth = data.groundTruth;
const nClasses = data.categories.length;
const params = resolveParams({}, 'quick');

interface Result {
  name: string;
  features: ContactFeatures;
  leafPaths: ContactAnalysis;
  classGini: ContactAnalysis;
  nullF1: Float64Array;
  /** Cross-validated F1 of one more, independent label shuffle. */
  shuffledF1: Float64Array;
}
const results: Result[] = [];
let threshold = Number.NaN;

beforeAll(() => {
  const nEpochs = data.labels.length;
  const nChannels = data.chNames.length;
  for (const name of contacts) {
    const ch = data.chNames.indexOf(name);
    const features = contactFeatures(pickContact(data.data, nEpochs, nChannels, data.nTimes, ch), data.sfreq, params);
    const plan = planContact(features, data.labels, nClasses, params, ch);
    const trees = plan.jobs.map(fitJobLocally);
    // Same forests, both readings of category importance.
    const leafPaths = assembleContact(plan, features, { ...params, importance: 'leaf-paths' }, trees);
    const classGini = assembleContact(plan, features, { ...params, importance: 'class-gini' }, trees);
    const nullF1 = shuffledNull(features, data.labels, nClasses, params, 1000 + ch, 2);
    const shuffledF1 = shuffledNull(features, data.labels, nClasses, params, 2000 + ch);
    results.push({ name, features, leafPaths, classGini, nullF1, shuffledF1 });
  }
  threshold = predictiveThreshold(
    results.map((r) => r.nullF1),
    params.nullP,
  ).value;
}, 300_000);

function effectsOf(category: string): PlantedEffect[] {
  return truth.effects.filter((e) => e.category === category && contacts.includes(e.contact));
}

const { start: binStart } = binTimes(48, data.tmin, data.sfreq, params.binSize);
const binDur = params.binSize / data.sfreq;

/** Frequency index and time bin of a map's maximum. */
function peakOf(map: ArrayLike<number>, nBins: number): { f: number; b: number } {
  let best = 0;
  for (let i = 1; i < map.length; i++) if (map[i] > map[best]) best = i;
  return { f: Math.floor(best / nBins), b: best % nBins };
}

/** Inside the planted box, or one frequency step / one time bin outside it. */
function nearBox(freqs: Float64Array, f: number, b: number, e: PlantedEffect): boolean {
  const fLo = freqs[Math.max(0, f - 1)];
  const fHi = freqs[Math.min(freqs.length - 1, f + 1)];
  const freqOk = fHi >= e.fminHz && fLo <= e.fmaxHz;
  const tStart = binStart[b];
  const timeOk = tStart + binDur > e.tminS - binDur && tStart < e.tmaxS + binDur;
  return freqOk && timeOk;
}

function strictlyInBox(freqs: Float64Array, f: number, b: number, e: PlantedEffect): boolean {
  const centre = binStart[b] + binDur / 2;
  return freqs[f] >= e.fminHz && freqs[f] <= e.fmaxHz && centre >= e.tminS && centre <= e.tmaxS;
}

describe('Level 1 on planted synthetic data (quick preset)', () => {
  it('the shuffled-null threshold is above chance and below the planted face/house F1', () => {
    expect(threshold).toBeGreaterThan(1 / nClasses);
    expect(threshold).toBeLessThan(0.6);
  });

  for (const category of ['face', 'house']) {
    it(`finds the planted ${category} contacts (precision and recall >= 0.9)`, () => {
      const c = data.categories.indexOf(category);
      const found = predictiveByCategory(
        results.map((r) => r.leafPaths),
        threshold,
        nClasses,
      )[c].map((i) => results[i].name);
      const expected = effectsOf(category).map((e) => e.contact);
      const hits = found.filter((n) => expected.includes(n)).length;
      expect(expected.length).toBeGreaterThanOrEqual(3);
      const f1s = results.map((r) => `${r.name} ${r.leafPaths.f1PerClass[c]!.toFixed(2)}`).join(', ');
      expect(hits / Math.max(1, found.length), `found ${found.join(',')} at ${threshold.toFixed(2)}: ${f1s}`).toBeGreaterThanOrEqual(0.9);
      expect(hits / expected.length, `found ${found.join(',')} at ${threshold.toFixed(2)}: ${f1s}`).toBeGreaterThanOrEqual(0.9);
    });
  }

  it('shuffled labels give no predictive contact', () => {
    for (const r of results) {
      const over = predictiveCategories(r.shuffledF1, threshold).filter(Boolean).length;
      expect(over, `${r.name}: ${Array.from(r.shuffledF1, (v) => v.toFixed(2)).join(' ')}`).toBe(0);
    }
  });

  it("each planted contact's class-gini importance map peaks in (or next to) its planted box", () => {
    for (const e of [...effectsOf('face'), ...effectsOf('house')]) {
      const r = results.find((x) => x.name === e.contact) as Result;
      const { f, b } = peakOf(r.classGini.importance[e.categoryIndex], r.features.nBins);
      expect(nearBox(r.features.freqs, f, b, e), `${e.contact} ${e.category}: ${r.features.freqs[f]} Hz, bin ${b}`).toBe(true);
    }
  });

  it('leaf-paths (the paper) and MDI also peak in the box, where one effect dominates the contact', () => {
    for (const e of [...effectsOf('face'), ...effectsOf('house')]) {
      const r = results.find((x) => x.name === e.contact) as Result;
      for (const map of [r.leafPaths.importance[e.categoryIndex], r.leafPaths.mdi]) {
        const { f, b } = peakOf(map, r.features.nBins);
        expect(nearBox(r.features.freqs, f, b, e), `${e.contact}: ${r.features.freqs[f]} Hz, bin ${b}`).toBe(true);
      }
    }
  });

  it("but leaf-paths maps are not category-specific: a house contact's face map peaks in the house box too", () => {
    const face = data.categories.indexOf('face');
    for (const e of effectsOf('house')) {
      const r = results.find((x) => x.name === e.contact) as Result;
      const lp = peakOf(r.leafPaths.importance[face], r.features.nBins);
      const cg = peakOf(r.classGini.importance[face], r.features.nBins);
      expect(nearBox(r.features.freqs, lp.f, lp.b, e), `${e.contact} leaf-paths`).toBe(true);
      expect(nearBox(r.features.freqs, cg.f, cg.b, e), `${e.contact} class-gini`).toBe(false);
    }
  });

  it('ternary signatures carry the planted direction inside the box', () => {
    for (const e of [...effectsOf('face'), ...effectsOf('house')]) {
      const r = results.find((x) => x.name === e.contact) as Result;
      const sig = r.classGini.signatures[e.categoryIndex];
      const want = e.direction === 'increase' ? 1 : -1;
      let agree = 0;
      let disagree = 0;
      for (let f = 0; f < r.features.nFreqs; f++) {
        for (let b = 0; b < r.features.nBins; b++) {
          if (!strictlyInBox(r.features.freqs, f, b, e)) continue;
          const s = sig[f * r.features.nBins + b];
          if (s === want) agree++;
          else if (s === -want) disagree++;
        }
      }
      expect(agree, `${e.contact}`).toBeGreaterThan(0);
      expect(agree / (agree + disagree), `${e.contact}`).toBeGreaterThanOrEqual(0.9);
    }
  });

  it('clustering the face and house signatures separates the two (ward and cosine-complete)', () => {
    const members = [...effectsOf('face'), ...effectsOf('house')];
    const maps = members.map((e) => (results.find((x) => x.name === e.contact) as Result).classGini.signatures[e.categoryIndex]);
    for (const method of ['ward', 'cosine-complete'] as const) {
      const { labels, clusters } = clusterSignatures(maps, { method, k: 2 });
      const faceLabel = labels[0];
      members.forEach((e, i) => expect(labels[i] === faceLabel, `${method} ${e.contact}`).toBe(e.category === 'face'));
      expect(clusters).toHaveLength(2);
    }
  });
});
