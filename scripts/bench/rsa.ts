/**
 * `npm run bench:rsa`: Level 2's heavy step on the same data here and in a NumPy/SciPy reference
 * (scripts/reference/rsa_bench.py), in the same run: layer RDMs (Euclidean), contact RDMs (|x_i - x_j|), and the
 * permutation test of every contact against every layer with the same 10,000 relabellings on both sides.
 * Default size: 1,000 contacts x 9 layers x 250 stimuli (the paper's stimulus count). Prints both times, their
 * ratio, peak memory, and whether both sides reach the same p-values. Also times Brainglass with sequential early
 * stopping (stopAfter 11: the same p <= 0.001 decisions), which is how the app runs it.
 *
 *     npx tsx scripts/bench/rsa.ts [--contacts 1000] [--threads N] [--permutations 10000] [--variant standard|paper]
 *
 * Contacts are split over worker threads (one per core by default), each running permutationTestContacts on its
 * share with the models ranked once in the main thread; every contact sees the same permutations, so the split
 * does not change any result.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker, isMainThread, parentPort } from 'node:worker_threads';
import { ndarray, toNpy } from '../../lib/arrays';
import {
  Xoshiro128ss,
  euclideanRdm,
  permutationTestContacts,
  prepareModels,
  shuffleInPlace,
  type ContactsPermutationResult,
  type PermutationOptions,
  type PreparedModels,
  type RsaVariant,
} from '../../lib/rsa';
import { Rng } from '../../lib/synthetic';
import { PYTHON, ensureReference } from './reference';

interface Task {
  responses: Float32Array;
  nStimuli: number;
  prepared: PreparedModels;
  options: Omit<PermutationOptions, 'keepNull'>;
}

interface Reference {
  seconds: { rdms: number; ranks: number; permutations: number; total: number };
  maxRssMb: number;
  rho: number[];
  p: number[];
}

const SEED = 2018;

function argument(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

/**
 * Layers: a few stimulus factors with a falling spectrum each (like a CNN layer's leading components), independent
 * across layers. Contacts: one in ten follows a layer's first factor plus noise, the rest noise only.
 */
function syntheticData(nContacts: number, nLayers: number, nStimuli: number, nFeatures: number) {
  const rng = new Rng(SEED);
  const factors: Float64Array[] = [];
  const activations = new Float32Array(nLayers * nStimuli * nFeatures);
  for (let l = 0; l < nLayers; l++) {
    const layer = activations.subarray(l * nStimuli * nFeatures, (l + 1) * nStimuli * nFeatures);
    for (let k = 0; k < 8; k++) {
      const z = Float64Array.from({ length: nStimuli }, () => rng.gaussian());
      if (k === 0) factors.push(z);
      const u = Float64Array.from({ length: nFeatures }, () => rng.gaussian() / (k + 1));
      for (let i = 0; i < nStimuli; i++) for (let f = 0; f < nFeatures; f++) layer[i * nFeatures + f] += z[i] * u[f];
    }
  }
  const responses = new Float32Array(nContacts * nStimuli);
  for (let c = 0; c < nContacts; c++) {
    const driven = c % 10 === 0 ? factors[(c / 10) % nLayers] : null;
    for (let i = 0; i < nStimuli; i++) responses[c * nStimuli + i] = (driven ? driven[i] : 0) + rng.gaussian();
  }
  return { activations, responses };
}

/** The relabellings permutationTestBatch draws for a seed, in order (one shuffle of the running order each). */
function permutations(nPermutations: number, nStimuli: number, seed: number): Int32Array {
  const rng = new Xoshiro128ss(seed);
  const perm = Int32Array.from({ length: nStimuli }, (_, i) => i);
  const out = new Int32Array(nPermutations * nStimuli);
  for (let t = 0; t < nPermutations; t++) {
    shuffleInPlace(perm, rng);
    out.set(perm, t * nStimuli);
  }
  return out;
}

/**
 * Worker threads running this file again, through tsx's loader so they can import TypeScript. They are started
 * (and have loaded the code) before any timing starts.
 */
async function startWorkers(count: number): Promise<Worker[]> {
  const boot = `import { register } from 'tsx/esm/api'; register(); await import(${JSON.stringify(import.meta.url)});`;
  return Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Worker>((resolve, reject) => {
          const worker = new Worker(boot, { eval: true });
          worker.once('message', () => resolve(worker));
          worker.once('error', reject);
        }),
    ),
  );
}

function runOn(worker: Worker, task: Task): Promise<ContactsPermutationResult> {
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.postMessage(task);
  });
}

async function testOnThreads(
  workers: Worker[],
  responses: Float32Array,
  nStimuli: number,
  prepared: PreparedModels,
  options: Task['options'],
): Promise<{ rho: Float64Array; p: Float64Array; nPermutations: Int32Array }> {
  const nContacts = responses.length / nStimuli;
  const nModels = prepared.weights.length;
  const per = Math.ceil(nContacts / workers.length);
  const parts = await Promise.all(
    workers
      .slice(0, Math.ceil(nContacts / per))
      .map((w, k) => runOn(w, { responses: responses.slice(k * per * nStimuli, (k + 1) * per * nStimuli), nStimuli, prepared, options })),
  );
  const rho = new Float64Array(nContacts * nModels);
  const p = new Float64Array(nContacts * nModels);
  const used = new Int32Array(nContacts * nModels);
  parts.forEach((r, k) => {
    rho.set(r.rho, k * per * nModels);
    p.set(r.p, k * per * nModels);
    used.set(r.nPermutations, k * per * nModels);
  });
  return { rho, p, nPermutations: used };
}

async function main(): Promise<void> {
  const nContacts = Number(argument('contacts', '1000'));
  const nThreads = Number(argument('threads', String(os.availableParallelism())));
  const nPerm = Number(argument('permutations', '10000'));
  const variant = argument('variant', 'standard') as RsaVariant;
  const nLayers = 9;
  const nStimuli = 250;
  const nFeatures = 256;
  ensureReference();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-rsa-'));
  const { activations, responses } = syntheticData(nContacts, nLayers, nStimuli, nFeatures);
  const npy = (name: string, data: Float32Array | Int32Array, shape: number[], axes: string[]) =>
    writeFileSync(path.join(dir, name), toNpy(ndarray(data instanceof Int32Array ? 'int32' : 'float32', data, shape, axes)));
  npy('activations.npy', activations, [nLayers, nStimuli, nFeatures], ['layers', 'stimuli', 'features']);
  npy('responses.npy', responses, [nContacts, nStimuli], ['contacts', 'stimuli']);
  npy('permutations.npy', permutations(nPerm, nStimuli, SEED), [nPerm, nStimuli], ['permutations', 'stimuli']);

  const workers = await startWorkers(Math.min(nThreads, nContacts));
  const t0 = performance.now();
  const models = Array.from({ length: nLayers }, (_, l) =>
    euclideanRdm(activations.subarray(l * nStimuli * nFeatures, (l + 1) * nStimuli * nFeatures), nStimuli, nFeatures),
  );
  const prepared = prepareModels(models, variant);
  const t1 = performance.now();
  // CPU time of all threads: the cost per contact whatever else runs on the machine.
  const cpu0 = process.cpuUsage();
  const full = await testOnThreads(workers, responses, nStimuli, prepared, { nPermutations: nPerm, seed: SEED });
  const cpu = process.cpuUsage(cpu0);
  const t2 = performance.now();
  const early = await testOnThreads(workers, responses, nStimuli, prepared, { nPermutations: nPerm, seed: SEED, stopAfter: 11 });
  const t3 = performance.now();
  const oursMb = process.resourceUsage().maxRSS / 1024;
  await Promise.all(workers.map((w) => w.terminate()));

  const out = execFileSync(PYTHON, [path.join(import.meta.dirname, '../reference/rsa_bench.py'), dir, variant], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const ref = JSON.parse(out.trim().split('\n').pop()!) as Reference;
  rmSync(dir, { recursive: true, force: true });

  const pairs = nContacts * nLayers;
  let maxRhoDiff = 0;
  let pSame = 0;
  let sigOurs = 0;
  let sigRef = 0;
  let sigEarly = 0;
  let sigDisagree = 0;
  let earlyDisagree = 0;
  let permsEarly = 0;
  for (let k = 0; k < pairs; k++) {
    maxRhoDiff = Math.max(maxRhoDiff, Math.abs(full.rho[k] - ref.rho[k]));
    if (full.p[k] === ref.p[k]) pSame++;
    const a = full.p[k] <= 0.001;
    const b = ref.p[k] <= 0.001;
    const e = early.p[k] <= 0.001;
    sigOurs += +a;
    sigRef += +b;
    sigEarly += +e;
    sigDisagree += +(a !== b);
    earlyDisagree += +(a !== e);
    permsEarly += early.nPermutations[k];
  }
  const ours = (t2 - t0) / 1000;
  const oursEarly = (t1 - t0 + t3 - t2) / 1000;
  const perTest = (cpu.user + cpu.system) / 1e6 / nContacts;
  const s = (v: number) => `${v.toFixed(2)} s`;
  const row = (label: string, text: string) => console.log(`${label.padEnd(18)}${text}`);
  console.log(
    `Level 2 benchmark: ${nContacts} contacts x ${nLayers} layers x ${nStimuli} stimuli (${nFeatures} features), ` +
      `${nPerm.toLocaleString('en')} permutations, '${variant}' score; Brainglass on ${workers.length} worker threads, ` +
      `NumPy with its BLAS threads; load average ${os.loadavg()[0].toFixed(1)} on ${os.availableParallelism()} cores`,
  );
  row('RDMs + ranks', `Brainglass ${s((t1 - t0) / 1000)}   NumPy/SciPy ${s(ref.seconds.rdms + ref.seconds.ranks)}`);
  row(
    'Full test',
    `Brainglass ${s(ours)}   NumPy/SciPy ${s(ref.seconds.total)}   ratio ${(ref.seconds.total / ours).toFixed(2)} ` +
      '(NumPy time / Brainglass time; > 1: Brainglass faster)',
  );
  row(
    'Early stopping',
    `Brainglass ${s(oursEarly)} (stopAfter 11, ${(permsEarly / pairs).toFixed(0)} permutations per pair on average)   ` +
      `ratio ${(ref.seconds.total / oursEarly).toFixed(2)} against the full NumPy test`,
  );
  row(
    'Agreement',
    `max |rho difference| ${maxRhoDiff.toExponential(1)}; p identical for ${pSame}/${pairs} pairs; p <= 0.001: ` +
      `Brainglass ${sigOurs}, NumPy ${sigRef}, early-stopped ${sigEarly}; decisions differing: ${sigDisagree} (NumPy), ` +
      `${earlyDisagree} (early stopping)`,
  );
  row('Peak memory', `Brainglass ${oursMb.toFixed(0)} MB (this process, all threads)   NumPy ${ref.maxRssMb.toFixed(0)} MB`);
  row(
    'Cost per contact',
    `${perTest.toFixed(2)} s of CPU for ${nLayers} layers x ${nPerm.toLocaleString('en')} permutations; paper scale ` +
      `(11,293 contacts x 15 band/windows, full test): ${((perTest * 11_293 * 15) / 3600).toFixed(0)} thread-hours`,
  );
}

if (isMainThread) {
  await main();
} else {
  parentPort!.on('message', (task: Task) => {
    const result = permutationTestContacts(task.responses, task.nStimuli, task.prepared, task.options);
    const buffers = [result.rho, result.p, result.pShare, result.nPermutations].map((a) => a.buffer as ArrayBuffer);
    parentPort!.postMessage(result, buffers);
  });
  parentPort!.postMessage('ready');
}
