import { describe, expect, it } from 'vitest';
import { RandomForestClassifier } from '../ml/forest/forest';
import { Rng } from '../ml/forest/rng';
import type { TreeArrays } from '../ml/forest/tree';
import {
  analyzeContact,
  analyzeContactAsync,
  binTimes,
  clusterSignatures,
  contactFeatures,
  detrendTrials,
  keptTrials,
  logFreqs,
  meanLogPowerByCategory,
  paperParams,
  pickContact,
  predictiveCategories,
  predictiveThreshold,
  quickParams,
  resolveParams,
  shuffledNull,
  ternarySignature,
  type ContactFeatures,
  type ForestJob,
} from './index';

describe('presets', () => {
  it('paper: 146 frequencies 4..149 Hz, k0 by range, 16-sample bins, baselines 0-12 / 0-13, 3000 trees, 5 folds', () => {
    const p = paperParams();
    expect(p.freqs).toHaveLength(146);
    expect([p.freqs[0], p.freqs[145]]).toEqual([4, 149]);
    const k0 = p.nCycles as readonly number[];
    expect([k0[4], k0[5], k0[10], k0[11], k0[25], k0[26], k0[145]]).toEqual([3, 4, 4, 5, 5, 6, 6]);
    expect(p.binSize).toBe(16);
    expect(p.classifierBaseline).toEqual([0, 12]);
    expect(p.mapBaseline).toEqual([0, 13]);
    expect([p.nEstimators, p.nSplits, p.nullP, p.importance, p.rejectFactor]).toEqual([3000, 5, 1e-5, 'leaf-paths', 10]);
  });

  it('quick: 32 log-spaced frequencies with matching k0; overriding freqs recomputes k0', () => {
    const q = quickParams();
    expect(q.freqs).toHaveLength(32);
    expect([q.freqs[0], q.freqs[31]]).toEqual([4, 149]);
    expect(q.freqs.filter((f) => f <= 12).length).toBeGreaterThanOrEqual(9);
    expect([q.nEstimators, q.nSplits]).toEqual([150, 3]);
    const r = resolveParams({ freqs: [5, 10, 20, 100] }, 'quick');
    expect(r.nCycles).toEqual([3, 4, 5, 6]);
    expect(logFreqs(4, 16, 3)).toEqual([4, 8, 16]);
    expect(() => resolveParams({ nSplits: 1 })).toThrow(RangeError);
  });
});

describe('features', () => {
  it('detrend removes a line exactly (linear) or the mean (constant)', () => {
    const x = Float64Array.from({ length: 20 }, (_, i) => 3 + 0.5 * i + (i === 7 ? 1 : 0));
    const lin = detrendTrials(Float64Array.from([...x, ...x]), 10, 'linear');
    // Each 10-sample trial: residual has zero mean and zero slope.
    for (const o of [0, 10, 20, 30]) {
      const r = lin.subarray(o, o + 10);
      expect(r.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 10);
      expect(r.reduce((a, v, i) => a + v * (i - 4.5), 0)).toBeCloseTo(0, 10);
    }
    const line = detrendTrials(Float64Array.from({ length: 8 }, (_, i) => 2 - i), 8);
    line.forEach((v) => expect(v).toBeCloseTo(0, 12));
    const c = detrendTrials(Float64Array.from([1, 2, 3, 6]), 4, 'constant');
    expect(Array.from(c)).toEqual([-2, -1, 0, 3]);
  });

  it('rejects a trial whose peak exceeds factor x the mean per-trial SD', () => {
    const rng = new Rng(3);
    const n = 64;
    const data = new Float64Array(10 * n);
    for (let i = 0; i < data.length; i++) data[i] = rng.nextFloat() - 0.5;
    data[4 * n + 10] = 50;
    expect(Array.from(keptTrials(data, n, 10))).toEqual([0, 1, 2, 3, 5, 6, 7, 8, 9]);
    expect(keptTrials(data, n, null)).toHaveLength(10);
  });

  it('contactFeatures: 48 bins of 16 samples, ratio ~1 and log-ratio ~0 in the baseline; bin times', () => {
    const rng = new Rng(5);
    const nTimes = 768;
    const nEpochs = 3;
    const nChannels = 2;
    const raw = new Float32Array(nEpochs * nChannels * nTimes);
    for (let i = 0; i < raw.length; i++) raw[i] = rng.nextFloat() - 0.5;
    const ep = pickContact(raw, nEpochs, nChannels, nTimes, 1);
    expect(Array.from(ep.data.subarray(0, 5))).toEqual(Array.from(raw.subarray(nTimes, nTimes + 5)));
    const p = resolveParams({ freqs: [10, 40] }, 'quick');
    const f = contactFeatures(ep, 512, p);
    expect([f.nFreqs, f.nBins, f.trials.length]).toEqual([2, 48, 3]);
    expect(f.classifier).toHaveLength(3 * 2 * 48);
    for (let row = 0; row < 6; row++) {
      let mean = 0;
      for (let b = 0; b <= 12; b++) mean += f.classifier[row * 48 + b] / 13;
      expect(mean).toBeCloseTo(1, 5);
      const ratio = Math.exp(f.logPower[row * 48 + 20]) / f.classifier[row * 48 + 20];
      expect(ratio).toBeGreaterThan(0);
    }
    const { start, centre } = binTimes(48, -0.5, 512, 16);
    expect(start[16]).toBeCloseTo(0, 12);
    expect(centre[0]).toBeCloseTo(-0.5 + 1 / 64, 12);
  });
});

describe('signature helpers', () => {
  it('ternarySignature: importance > mean + 1 SD, signed by mean log power', () => {
    // mean 0.1, SD 0.2 -> cut 0.3: only features 0 and 3 pass.
    const imp = [0.5, 0.0, 0.0, 0.4, 0.0, 0.0, -0.3, 0.2];
    const m = imp.reduce((a, b) => a + b) / imp.length;
    const sd = Math.sqrt(imp.reduce((a, v) => a + (v - m) ** 2, 0) / imp.length);
    expect(m + sd).toBeLessThan(0.4);
    expect(m + sd).toBeGreaterThan(0.2);
    const sig = ternarySignature(imp, [-1, 1, 1, 2, 1, 1, 1, 1]);
    expect(Array.from(sig)).toEqual([-1, 0, 0, 1, 0, 0, 0, 0]);
    expect(Array.from(ternarySignature([1, 1, 1], [1, 1, 1]))).toEqual([0, 0, 0]);
  });

  it('meanLogPowerByCategory averages each category over its trials', () => {
    const lp = Float32Array.from([1, 2, 3, 4, 5, 6]);
    const m = meanLogPowerByCategory(lp, Int32Array.from([0, 1, 0]), 3);
    expect(Array.from(m[0])).toEqual([3, 4]);
    expect(Array.from(m[1])).toEqual([3, 4]);
    expect(Array.from(m[2])).toEqual([0, 0]);
  });

  it('predictiveThreshold pools contacts and categories; predictive means strictly above', () => {
    const values = Array.from({ length: 101 }, (_, i) => i / 100);
    expect(predictiveThreshold(values, 0.01)).toEqual({ value: expect.closeTo(0.99, 12), method: 'empirical', nullValues: 101 });
    expect(predictiveThreshold([values.slice(0, 50), values.slice(50)], 0.01).value).toBeCloseTo(0.99, 12);
    expect(predictiveCategories([0.5, 0.99, 1], 0.99)).toEqual([false, false, true]);
  });

  it('predictiveThreshold: fewer than 1/p null values extrapolate the normal tail, never below the empirical quantile', () => {
    // 2m values at 0.125 +- a: mean 0.125, sample SD a * sqrt(2m / (2m - 1)) = 0.05.
    const m = 50;
    const a = 0.05 * Math.sqrt((2 * m - 1) / (2 * m));
    const values = Array.from({ length: 2 * m }, (_, i) => 0.125 + (i % 2 ? a : -a));
    const t = predictiveThreshold(values, 1e-5);
    expect(t.method).toBe('normal-tail');
    expect(t.value).toBeCloseTo(0.125 + 4.264890793922825 * 0.05, 10);
    // A heavy upper outlier: the empirical quantile (interpolated just below the maximum) is higher, and wins.
    const outlier = predictiveThreshold([...values, 0.99], 1e-5);
    expect(outlier.value).toBeCloseTo(0.99 - 1e-5 * 100 * (0.99 - (0.125 + a)), 10);
  });

  it('clusterSignatures: prototypes are member means; one map; empty input', () => {
    const a = [1, 1, 0, 0];
    const b = [1, 0, 0, 0];
    const c = [0, 0, -1, -1];
    const res = clusterSignatures([a, c, b], { method: 'cosine-complete', k: 2 });
    expect(res.labels[0]).toBe(res.labels[2]);
    expect(res.labels[1]).not.toBe(res.labels[0]);
    const ab = res.clusters.find((cl) => cl.members.length === 2);
    expect(Array.from(ab?.prototype ?? [])).toEqual([1, 0.5, 0, 0]);
    expect(res.linkage).toHaveLength(8);
    expect(res.links).toHaveLength(2);
    const one = clusterSignatures([a], { k: 5 });
    expect(one.clusters).toEqual([{ id: 1, members: [0], prototype: Float32Array.from(a) }]);
    expect(clusterSignatures([]).clusters).toEqual([]);
  });
});

/** Tiny two-category contact: category 1 has feature 3 raised; 2 frequencies x 4 bins. */
function tinyFeatures(): { features: ContactFeatures; labels: Int32Array } {
  const rng = new Rng(9);
  const n = 40;
  const nF = 8;
  const classifier = new Float32Array(n * nF);
  const logPower = new Float32Array(n * nF);
  const labels = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 2;
    for (let j = 0; j < nF; j++) {
      const v = rng.nextFloat() + (j === 3 && labels[i] === 1 ? 2 : 0);
      classifier[i * nF + j] = v;
      logPower[i * nF + j] = Math.log(v + 0.1);
    }
  }
  // One more epoch that was rejected: it has a label but no features.
  const trials = Int32Array.from({ length: n }, (_, i) => i);
  return {
    features: { nEpochs: n + 1, trials, freqs: Float64Array.from([10, 20]), nFreqs: 2, nBins: 4, classifier, logPower },
    labels,
  };
}

describe('analyzeContact', () => {
  const params = resolveParams({ nEstimators: 30, nSplits: 4, importance: 'class-gini' }, 'quick');
  const { features, labels } = tinyFeatures();

  it('decodes the planted feature, maps sum to 1, signature marks it as an increase', () => {
    const a = analyzeContact(features, labels, 2, params, 1);
    expect(a.f1PerClass[1]).toBeGreaterThan(0.9);
    expect(a.confusion.reduce((s, v) => s + v, 0)).toBe(40);
    expect(a.predictions).toHaveLength(40);
    for (const m of [...a.importance, a.mdi]) expect(m.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 10);
    expect(a.importance[1].indexOf(Math.max(...a.importance[1]))).toBe(3);
    expect(a.signatures[1][3]).toBe(1);
    expect(a.meanLogPower[1]).toHaveLength(8);
  });

  it('is deterministic; an async fitter that splits trees over chunks gives the same result', async () => {
    const a = analyzeContact(features, labels, 2, params, 7);
    const b = analyzeContact(features, labels, 2, params, 7);
    expect(b).toEqual(a);
    // As a worker pool would: grow each job's trees in three seed chunks, concatenate in order.
    const chunked = async (job: ForestJob): Promise<TreeArrays[]> => {
      const rf = new RandomForestClassifier(job.options);
      const seeds = rf.treeSeeds();
      const cuts = [0, 10, 20, seeds.length];
      const parts = await Promise.all(
        cuts.slice(1).map(async (end, i) => rf.fitTrees(job.X, job.y, job.nClasses, seeds.subarray(cuts[i], end))),
      );
      return parts.flat();
    };
    expect(await analyzeContactAsync(features, labels, 2, params, 7, chunked)).toEqual(a);
  });

  it('shuffledNull gives one F1 row per permutation, near chance on shuffled labels', () => {
    const nul = shuffledNull(features, labels, 2, params, 3, 4);
    expect(nul).toHaveLength(8);
    const mean = nul.reduce((s, v) => s + v, 0) / nul.length;
    expect(mean).toBeLessThan(0.8);
    expect(shuffledNull(features, labels, 2, params, 3, 4)).toEqual(nul);
  });

  it('checks labels', () => {
    expect(() => analyzeContact(features, labels.subarray(1), 2, params)).toThrow(/label every epoch/);
    expect(() => analyzeContact(features, Int32Array.from(labels, () => 5), 2, params)).toThrow(RangeError);
  });
});
