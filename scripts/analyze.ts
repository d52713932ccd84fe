/**
 * `npm run --silent analyze -- signatures <epochs.npz | --synthetic SEED> --out DIR [flags]`: the Level 1 analysis
 * from the command line, with the same code as the platform's job (one worker thread per core). Writes
 * contacts.csv, importance.npy (contacts x categories x freqs x times) with importance.json naming the axes, and
 * signatures.json (threshold, predictive contacts, clusters) with one prototypes-<category>.npy per category.
 * Progress goes to stderr.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ndarray, toNpy } from '@/lib/arrays';
import { readEpochsNpz, type EpochsData } from '@/lib/formats';
import { signaturesParams } from '@/lib/jobs';
import { contactsCsv, summarizeSignatures } from '@/lib/signatures';
import { generateIeegEpochs } from '@/lib/synthetic';
import { signatureParamsOf } from '@/workers/handlers/signatures';
import { runInThread } from '@/workers/threads/pool';
import { openFileSource } from './lib/file-source';

const usage = `usage: npm run --silent analyze -- signatures <epochs.npz | --synthetic SEED [--trials N]> --out DIR
  [--preset quick|paper] [--trees N] [--folds N] [--importance class-gini|leaf-paths] [--null N] [--p P]
  [--seed N] [--cluster ward|cosine-complete] [--k N] [--labels labels.csv] [--all-contacts] [--threads N]
  --synthetic SEED   the planted synthetic dataset (--trials per category, default 30) instead of a file
  --null N           shuffled-label repetitions per contact for the null (default 2)
  --p P              level of the predictive threshold (default 1e-5)
  --all-contacts     let non-responsive contacts be predictive too (the paper keeps responsive ones only)`;

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

// Level 3 lives in its own module: `analyze -- statespace --help`.
if (process.argv[2] === 'statespace') {
  const { main } = await import('./analyze-statespace');
  process.exit(await main(process.argv.slice(3)));
}
// Level 2: `analyze -- rsa --help`.
if (process.argv[2] === 'rsa') {
  const { main } = await import('./analyze-rsa');
  process.exit(await main(process.argv.slice(3)));
}

const { values: flags, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    help: { type: 'boolean', short: 'h' },
    out: { type: 'string' },
    synthetic: { type: 'string' },
    trials: { type: 'string' },
    'all-contacts': { type: 'boolean', default: false },
    preset: { type: 'string', default: 'quick' },
    trees: { type: 'string' },
    folds: { type: 'string' },
    importance: { type: 'string' },
    null: { type: 'string', default: '2' },
    p: { type: 'string' },
    seed: { type: 'string', default: '0' },
    cluster: { type: 'string', default: 'ward' },
    k: { type: 'string', default: '5' },
    labels: { type: 'string' },
    threads: { type: 'string', default: String(os.availableParallelism()) },
  },
});
const [command, input] = positionals;
if (flags.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
if (command !== 'signatures' || !flags.out || (!input && flags.synthetic === undefined)) fail(usage);
const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
const parsed = signaturesParams.safeParse({
  datasetId: input ?? `synthetic:${flags.synthetic}`,
  name: path.basename(flags.out),
  preset: flags.preset,
  nEstimators: num(flags.trees),
  nSplits: num(flags.folds),
  importance: flags.importance,
  nNull: num(flags.null),
  nullP: num(flags.p),
  seed: num(flags.seed),
  clusterMethod: flags.cluster,
  k: num(flags.k),
  responsiveOnly: !flags['all-contacts'],
});
if (!parsed.success) fail(parsed.error.issues.map((i) => `--${String(i.path[0])}: ${i.message}`).join('\n'));
const options = parsed.data;
const params = signatureParamsOf(options);

async function loadEpochs(): Promise<EpochsData & { regions?: string[]; categories?: string[] }> {
  if (flags.synthetic !== undefined) {
    const s = generateIeegEpochs({ seed: Number(flags.synthetic), trialsPerCategory: num(flags.trials) });
    return { ...s, nEpochs: s.labels.length, labels: Array.from(s.labels, (l) => s.categories[l]!), regions: s.regions, categories: s.categories };
  }
  const source = await openFileSource(input!);
  try {
    return await readEpochsNpz(source);
  } finally {
    await source.close();
  }
}

const epochs = await loadEpochs();
let labels = epochs.labels;
if (flags.labels) {
  // One label per trial, one per line; a first line that names the column is skipped.
  const lines = readFileSync(flags.labels, 'utf8').split(/\r?\n/).map((l) => l.split(',')[0]!.trim()).filter(Boolean);
  labels = lines.length === epochs.nEpochs + 1 ? lines.slice(1) : lines;
  if (labels.length !== epochs.nEpochs) fail(`${flags.labels}: expected ${epochs.nEpochs} labels (one per trial), found ${labels.length}`);
}
if (!labels) fail(`${input}: no labels; give them in the .npz ('labels') or with --labels labels.csv`);
const categories = epochs.categories ?? [...new Set(labels)];
if (categories.length < 2) fail(`need at least two categories, found ${categories.join(', ')}`);
const y = Int32Array.from(labels, (l) => categories.indexOf(l));
const nChannels = epochs.chNames.length;
const { nEpochs, nTimes } = epochs;

type Outcome = Awaited<ReturnType<typeof runInThread<'signatureContact'>>>;
const results: Outcome[] = new Array(nChannels);
let next = 0;
let done = 0;
const started = Date.now();
await Promise.all(
  Array.from({ length: Math.max(1, Math.min(Number(flags.threads), nChannels)) }, async () => {
    while (next < nChannels) {
      const ch = next++;
      const data = new Float32Array(nEpochs * nTimes);
      for (let e = 0; e < nEpochs; e++) data.set(epochs.data.subarray((e * nChannels + ch) * nTimes, (e * nChannels + ch + 1) * nTimes), e * nTimes);
      results[ch] = await runInThread('signatureContact', {
        data,
        nTimes,
        sfreq: epochs.sfreq,
        tmin: epochs.tmin,
        labels: y,
        nClasses: categories.length,
        params,
        seed: options.seed + ch * 7919,
        nNull: options.nNull,
      });
      done++;
      process.stderr.write(`\r${done}/${nChannels} contacts (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    }
  }),
);
process.stderr.write('\n');

const { nFreqs, nBins } = results[0]!;
const size = nFreqs * nBins;
const regions = epochs.regions ?? epochs.chNames.map(() => null);
const summary = await summarizeSignatures(
  results.map((r, i) => ({ name: epochs.chNames[i]!, region: regions[i] ?? null, f1: r.f1, nullF1: r.nullF1, responsivenessP: r.responsivenessP, signature: (c: number) => r.maps.subarray((c * 3 + 2) * size, (c * 3 + 3) * size) })),
  categories,
  { nullP: params.nullP, method: options.clusterMethod, k: options.k, responsiveOnly: options.responsiveOnly },
);

mkdirSync(flags.out!, { recursive: true });
const out = (name: string) => path.join(flags.out!, name);
writeFileSync(
  out('contacts.csv'),
  contactsCsv(
    results.map((r, i) => {
      const name = epochs.chNames[i]!;
      const { nSignificant, responsive } = summary.responsiveness[i]!;
      return { name, region: regions[i] ?? null, nTrials: r.nTrials, f1: r.f1, predictive: categories.map((c) => summary.predictive[c]!.includes(name)), nSignificant, responsive };
    }),
    categories,
    summary.threshold,
  ),
);
const importance = new Float32Array(nChannels * categories.length * size);
results.forEach((r, i) => categories.forEach((_, c) => importance.set(r.maps.subarray(c * 3 * size, (c * 3 + 1) * size), (i * categories.length + c) * size)));
writeFileSync(out('importance.npy'), toNpy(ndarray('float32', importance, [nChannels, categories.length, nFreqs, nBins], ['contacts', 'categories', 'freqs', 'times'])));
const binTimes = Array.from({ length: nBins }, (_, b) => epochs.tmin + (b * params.binSize) / epochs.sfreq);
writeFileSync(out('importance.json'), JSON.stringify({ axes: ['contacts', 'categories', 'freqs', 'times'], contacts: epochs.chNames, categories, freqs: params.freqs, times: binTimes }, null, 1));
for (const [category, cc] of Object.entries(summary.clusters)) {
  const protos = new Float32Array(cc.clusters.length * size);
  cc.clusters.forEach((cl, i) => protos.set(cl.prototype, i * size));
  writeFileSync(out(`prototypes-${category.replace(/[^\w.-]+/g, '_')}.npy`), toNpy(ndarray('float32', protos, [cc.clusters.length, nFreqs, nBins], ['clusters', 'freqs', 'times'])));
}
writeFileSync(
  out('signatures.json'),
  JSON.stringify(
    {
      params: { ...options, datasetId: undefined, resolved: params },
      threshold: summary.threshold,
      thresholdMethod: summary.thresholdMethod,
      responsive: epochs.chNames.filter((_, i) => summary.responsiveness[i]!.responsive),
      nullValues: summary.nullValues,
      predictive: summary.predictive,
      clusters: Object.fromEntries(Object.entries(summary.clusters).map(([k, cc]) => [k, { ...cc, clusters: cc.clusters.map(({ prototype: _p, ...rest }) => rest) }])),
    },
    null,
    1,
  ),
);
process.stderr.write(`threshold F1 ${summary.threshold.toFixed(3)} (${summary.thresholdMethod}, ${summary.nullValues} null values); wrote ${flags.out}\n`);
