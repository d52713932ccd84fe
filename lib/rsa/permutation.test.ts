import { describe, expect, it } from 'vitest';
import { permutationTest, permutationTestBatch, permutationTestContacts, permuteRdm, prepareModels } from './permutation';
import { Xoshiro128ss, shuffleInPlace } from './prng';
import { absDiffRdm, euclideanRdm } from './rdm';
import { spearmanRdm, spearmanRdmPaper, type RsaVariant } from './spearman';

function normals(rng: Xoshiro128ss, count: number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const u = 1 - rng.nextFloat();
    out[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextFloat());
  }
  return out;
}

/** A model RDM from random activations and a brain RDM from one noisy feature of the same stimuli. */
function planted(seed: number, n: number, d: number, noise: number): { model: Float64Array; brain: Float64Array } {
  const rng = new Xoshiro128ss(seed);
  const x = normals(rng, n * d);
  const eps = normals(rng, n);
  const resp = Array.from({ length: n }, (_, i) => x[i * d] + noise * eps[i]);
  return { model: euclideanRdm(x, n, d), brain: absDiffRdm(resp) };
}

describe('permutation test', () => {
  it.each(['standard', 'paper'] as const)('%s: fast null equals naive relabel-and-rerank', (variant: RsaVariant) => {
    const n = 15;
    const { model, brain } = planted(1, n, 4, 1);
    // Five models exercise both the four-at-a-time and the one-at-a-time dot products.
    const rng = new Xoshiro128ss(21);
    const models = [model, ...[0, 1, 2, 3].map(() => euclideanRdm(normals(rng, n * 3), n, 3))];
    // Integer responses: many ties in the brain RDM.
    const tied = absDiffRdm(Array.from({ length: n }, (_, i) => i % 4));
    const score = variant === 'paper' ? spearmanRdmPaper : spearmanRdm;
    // An odd count also exercises the unpaired last permutation.
    const nPerm = 61;
    for (const b of [brain, tied]) {
      const results = permutationTestBatch(b, models, { nPermutations: nPerm, seed: 9, variant, keepNull: true });
      models.forEach((mdl, l) => {
        const res = results[l];
        expect(res.rho).toBeCloseTo(score(mdl, b), 12);
        const prng = new Xoshiro128ss(9);
        const perm = Int32Array.from({ length: n }, (_, i) => i);
        let count = 0;
        for (let t = 0; t < nPerm; t++) {
          shuffleInPlace(perm, prng);
          const naive = score(mdl, permuteRdm(b, perm));
          expect(Math.abs(res.nullDistribution![t] - naive)).toBeLessThan(1e-12);
          if (naive >= res.rho - 1e-12) count++;
        }
        expect(res.count).toBe(count);
        expect(res.p).toBe((count + 1) / (nPerm + 1));
        expect(res.pShare).toBe(count / nPerm);
      });
    }
  });

  it("paper rho is an increasing affine map of standard rho, so both give the same permutation p", () => {
    // Without zero off-diagonal distances, full-matrix ranks are affine in condensed ranks and the diagonal is fixed.
    const { model, brain } = planted(12, 25, 4, 1);
    const opts = { nPermutations: 500, seed: 4, keepNull: true };
    const std = permutationTest(model, brain, { ...opts, variant: 'standard' });
    const pap = permutationTest(model, brain, { ...opts, variant: 'paper' });
    expect(pap.rho).toBeGreaterThan(std.rho);
    expect(pap.count).toBe(std.count);
    expect(pap.p).toBe(std.p);
  });

  it('permuteRdm relabels rows and columns together', () => {
    // Full [[0,1,2],[1,0,3],[2,3,0]] relabelled by (2,0,1): (0,1)->(2,0)=2, (0,2)->(2,1)=3, (1,2)->(0,1)=1
    expect(Array.from(permuteRdm([1, 2, 3], [2, 0, 1]))).toEqual([2, 3, 1]);
  });

  it('planted relation: p < 0.01 (standard and paper)', () => {
    const { model, brain } = planted(2, 40, 8, 0.3);
    for (const variant of ['standard', 'paper'] as const) {
      const res = permutationTest(model, brain, { nPermutations: 2000, seed: 3, variant });
      expect(res.rho).toBeGreaterThan(0.1);
      expect(res.p).toBeLessThan(0.01);
      expect(res.nPermutations).toBe(2000);
      expect(res.variant).toBe(variant);
    }
  });

  it('default is 10,000 permutations; p never 0, pShare may be', () => {
    const { model } = planted(4, 30, 5, 0.1);
    // A monotone transform of the model: rho = 1, reached by no other labelling of continuous random data.
    const res = permutationTest(model, model.map(Math.sqrt));
    expect(res.rho).toBeCloseTo(1, 12);
    expect(res.nPermutations).toBe(10_000);
    expect(res.count).toBe(0);
    expect(res.pShare).toBe(0);
    expect(res.p).toBe(1 / 10_001);
  });

  it('null: p-values are roughly uniform', () => {
    const ps: number[] = [];
    for (let s = 0; s < 300; s++) {
      const rng = new Xoshiro128ss(1000 + s);
      const n = 10;
      const model = euclideanRdm(normals(rng, n * 3), n, 3);
      const brain = absDiffRdm(normals(rng, n));
      ps.push(permutationTest(model, brain, { nPermutations: 199, seed: s }).p);
    }
    ps.sort((a, b) => a - b);
    // Kolmogorov-Smirnov distance to U(0, 1); the 1% critical value for 300 samples is about 0.094.
    let ks = 0;
    ps.forEach((p, i) => {
      ks = Math.max(ks, Math.abs((i + 1) / ps.length - p), Math.abs(i / ps.length - p));
    });
    expect(ks).toBeLessThan(0.094);
    const small = ps.filter((p) => p <= 0.05).length / ps.length;
    expect(small).toBeGreaterThan(0.01);
    expect(small).toBeLessThan(0.1);
  });

  it('batch equals one-by-one with the same seed; prepared models are reusable', () => {
    const rng = new Xoshiro128ss(5);
    const n = 20;
    const models = [0, 1, 2].map(() => euclideanRdm(normals(rng, n * 6), n, 6));
    const { brain } = planted(6, n, 6, 0.5);
    for (const variant of ['standard', 'paper'] as const) {
      const opts = { nPermutations: 300, seed: 8, variant };
      const batch = permutationTestBatch(brain, models, opts);
      const prepared = permutationTestBatch(brain, prepareModels(models, variant), { nPermutations: 300, seed: 8 });
      models.forEach((m, l) => {
        const single = permutationTest(m, brain, opts);
        expect(batch[l]).toEqual(single);
        expect(prepared[l]).toEqual(single);
      });
    }
    expect(() => permutationTestBatch(brain, prepareModels(models, 'paper'), { variant: 'standard' })).toThrow(
      RangeError,
    );
    expect(() => permutationTestBatch(brain.subarray(1), models)).toThrow(RangeError);
  });

  it('early stopping (Besag-Clifford) agrees with the prefix of the full null', () => {
    const rng = new Xoshiro128ss(31);
    const n = 12;
    const models = [0, 1, 2, 3, 4, 5].map(() => euclideanRdm(normals(rng, n * 3), n, 3));
    const brain = absDiffRdm(normals(rng, n));
    const full = permutationTestBatch(brain, models, { nPermutations: 400, seed: 2, keepNull: true });
    const seq = permutationTestBatch(brain, models, { nPermutations: 400, seed: 2, keepNull: true, stopAfter: 5 });
    const stopTimes = new Set<number>();
    models.forEach((_, l) => {
      const f = full[l];
      const s = seq[l];
      expect(s.rho).toBe(f.rho);
      let count = 0;
      let t = 0;
      while (t < 400 && count < 5) if (f.nullDistribution![t++] >= f.rho - 1e-12) count++;
      if (count < 5) {
        expect(s).toEqual({ ...f, nullDistribution: s.nullDistribution });
        return;
      }
      stopTimes.add(t);
      expect(s.stoppedEarly).toBe(true);
      expect(s.nPermutations).toBe(t);
      expect(s.count).toBe(5);
      expect(s.p).toBe(5 / t);
      // Models that keep running after others stop must still see exactly the same permutations.
      expect(Array.from(s.nullDistribution!)).toEqual(Array.from(f.nullDistribution!.subarray(0, t)));
    });
    expect(stopTimes.size).toBeGreaterThan(2);
  });

  it('early stopping leaves a planted relation untouched', () => {
    const { model, brain } = planted(2, 40, 8, 0.3);
    const full = permutationTest(model, brain, { nPermutations: 2000, seed: 3 });
    const seq = permutationTest(model, brain, { nPermutations: 2000, seed: 3, stopAfter: 11 });
    expect(seq).toEqual(full);
    expect(seq.stoppedEarly).toBe(false);
    expect(() => permutationTest(model, brain, { stopAfter: 0 })).toThrow(RangeError);
  });

  it('a NaN model in a batch does not disturb the others', () => {
    const { model, brain } = planted(8, 10, 3, 1);
    const constant = new Float64Array(model.length).fill(1);
    const [bad, good] = permutationTestBatch(brain, [constant, model], { nPermutations: 99, seed: 5 });
    expect(Number.isNaN(bad.rho)).toBe(true);
    expect(good).toEqual(permutationTest(model, brain, { nPermutations: 99, seed: 5 }));
  });

  it('NaN rho and p for a constant brain RDM (standard)', () => {
    const { model } = planted(7, 8, 3, 1);
    const res = permutationTest(model, new Float64Array(28).fill(2), { nPermutations: 50 });
    expect(Number.isNaN(res.rho)).toBe(true);
    expect(Number.isNaN(res.p)).toBe(true);
    expect(Number.isNaN(res.pShare)).toBe(true);
  });

  it('contacts batch: each contact equals its own batch test, whatever else is in the batch', () => {
    const rng = new Xoshiro128ss(41);
    const n = 16;
    const models = [0, 1, 2].map(() => euclideanRdm(normals(rng, n * 4), n, 4));
    const responses = normals(rng, 5 * n);
    const opts = { nPermutations: 199, seed: 6, stopAfter: 7 };
    const progress: number[] = [];
    const all = permutationTestContacts(responses, n, models, { ...opts, onProgress: (f) => progress.push(f) });
    expect(all.nContacts).toBe(5);
    expect(all.nModels).toBe(3);
    expect(progress.at(-1)).toBe(1);
    const tail = permutationTestContacts(responses.subarray(3 * n), n, prepareModels(models), opts);
    for (let c = 0; c < 5; c++) {
      const single = permutationTestBatch(absDiffRdm(responses.subarray(c * n, (c + 1) * n)), models, opts);
      single.forEach((r, l) => {
        const k = c * 3 + l;
        expect([all.rho[k], all.p[k], all.pShare[k], all.nPermutations[k]]).toEqual([r.rho, r.p, r.pShare, r.nPermutations]);
        if (c >= 3) expect(tail.p[(c - 3) * 3 + l]).toBe(r.p);
      });
    }
    expect(() => permutationTestContacts(responses.subarray(1), n, models)).toThrow(RangeError);
    expect(() => permutationTestContacts(responses, 20, models)).toThrow(/stimuli/);
  });
});
