/**
 * Speed of the RSA permutation test at the paper's size: 250 stimuli (31,125 pairs), one brain RDM against 9 model
 * RDMs (layers), 10,000 permutations, one thread.
 *     npx tsx scripts/reference/rsa_bench.ts
 */
import { permutationTestBatch, prepareModels } from '../../lib/rsa/permutation';
import { Xoshiro128ss } from '../../lib/rsa/prng';
import { absDiffRdm, euclideanRdm } from '../../lib/rsa/rdm';
import type { RsaVariant } from '../../lib/rsa/spearman';

const n = 250;
const d = 64;
const rng = new Xoshiro128ss(2018);
const models = Array.from({ length: 9 }, () => {
  const x = new Float32Array(n * d);
  for (let i = 0; i < x.length; i++) x[i] = rng.nextFloat() - 0.5;
  return euclideanRdm(x, n, d);
});
const brain = absDiffRdm(Array.from({ length: n }, () => rng.nextFloat()));

for (const variant of ['standard', 'paper'] as RsaVariant[]) {
  // Warm-up so the JIT has compiled the hot loops before timing.
  permutationTestBatch(brain, models, { nPermutations: 200, variant });
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const prepared = prepareModels(models, variant);
  const t1 = performance.now();
  const results = permutationTestBatch(brain, prepared, { nPermutations: 10_000, seed: 1 });
  const t2 = performance.now();
  const cpu = process.cpuUsage(c0);
  const ps = results.map((r) => r.p.toFixed(3)).join(' ');
  console.log(
    `${variant}: prepare 9 models ${(t1 - t0).toFixed(0)} ms; 1 brain x 9 models x 10,000 permutations ` +
      `${((t2 - t1) / 1000).toFixed(2)} s wall (${((t2 - t1) / 10_000 / 9 * 1e3).toFixed(1)} us per model-permutation), ` +
      `${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU incl. prepare; null p: ${ps}`,
  );
}

// Early stopping on the same null brain: stopAfter = 11 keeps every p <= 0.001 decision of the full test.
{
  const prepared = prepareModels(models, 'standard');
  const t0 = performance.now();
  const results = permutationTestBatch(brain, prepared, { nPermutations: 10_000, seed: 1, stopAfter: 11 });
  const t1 = performance.now();
  const used = results.map((r) => r.nPermutations).join(' ');
  console.log(`standard, stopAfter 11, null brain: ${(t1 - t0).toFixed(0)} ms; permutations used per model: ${used}`);
}
