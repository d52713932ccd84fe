/**
 * `npm run --silent analyze -- rsa <epochs.npz | --synthetic SEED> --stimuli <folder or zip> --model <onnx> --out DIR`:
 * the Level 2 analysis from the command line, with the job's own steps (server/rsa) and worker-thread tasks. Writes,
 * for the trained network and its random-weights control: contacts.csv (rho and p per contact, band/window and
 * layer), alignment.csv and alignment.json (the alignment per band/window, the area x layer matrices and high/low
 * ratios) and summary.json. Progress goes to stderr.
 */
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readEpochsNpz, type EpochsData } from '@/lib/formats';
import { rsaParams } from '@/lib/jobs';
import { modelInputSpec } from '@/lib/onnx';
import { trialImages, preprocessImages, type StimulusFile, type StimulusSet } from '@/lib/stimuli';
import { rsaCacheDir } from '@/server/config';
import { alignmentCsvOf, alignmentRows, contactsCsvOf } from '@/server/rsa/export';
import { checkNetworkChoice, defaultNetwork, defaultRsaLayers, networkFromBytes, networkRdms } from '@/server/rsa/network';
import { rsaSummary, runRsa } from '@/server/rsa/pipeline';
import { readStimulusFiles, stimulusOrder } from '@/server/rsa/stimuli';
import { drawVisualHierarchy } from '@/server/rsa/synthetic';
import { runInThread } from '@/workers/threads/pool';
import { openFileSource } from './lib/file-source';

const usage = `usage: npm run --silent analyze -- rsa <epochs.npz | --synthetic SEED [--per-category N]> --out DIR
  [--stimuli FOLDER|ZIP] [--regions regions.csv] [--model model.onnx] [--layers NAME,NAME,...] [--bands NAME,...]
  [--size W[xH]] [--layout NCHW|NHWC] [--channels RGB|BGR|gray] [--resize crop|stretch] [--normalisation raw|unit]
  [--mean M,M,M --std S,S,S]
  [--permutations N] [--stop-after N] [--variant standard|paper] [--alpha P | --fdr Q] [--areas BA17,BA18,...]
  [--seed N] [--control-seed N] [--threads N] [--no-cache]
  <epochs.npz>       MNE-style epochs (data, sfreq, tmin, ch_names, labels); each trial's label or index is looked up
                     in the stimulus mapping CSV (columns file and one of event_code, label, trial)
  --synthetic SEED   the planted visual-hierarchy dataset (drawn images, --per-category each of 5 categories, default 12)
  --stimuli          a folder of images with one mapping CSV, or a zip holding both (not with --synthetic)
  --regions          channel,region lines (e.g. LA1,BA37) naming each contact's area (not with --synthetic)
  --model            an ONNX image model (default: MobileNetV2 from the assets folder)
  --layers           tensor names to compare, or 'pixels' (default: pixels and 8 layers spread over the network)
  --size ... --std   the model's input, where it does not state it or states it wrongly (default: read from the
                     model: size, layout; otherwise 224 x 224, NCHW, RGB, centre crop, ImageNet mean/std for float
                     inputs); --mean with --std normalises (v / 255 - mean) / std per channel
  --bands            of theta, alpha, beta, low gamma, high gamma (default all)
  --permutations     permutations per test (default 10000); --stop-after N stops a test after N exceedances
                     (default 11: the same p <= 0.001 decisions; 0 runs them all)
  --variant          standard (upper-triangle Spearman) or paper (full min-max scaled matrices)
  --alpha, --fdr     significance of a (contact, layer) pair: p <= alpha (default 0.001) or BH FDR at q
  --control-seed     seed of the random-weights control network (default 1)
  --no-cache         recompute the layer RDMs instead of reading them from the data folder's cache`;

function readFolderOrZip(target: string): StimulusFile[] {
  if (!statSync(target).isDirectory()) return [{ name: path.basename(target), bytes: new Uint8Array(readFileSync(target)) }];
  return readdirSync(target, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => {
      const full = path.join(e.parentPath, e.name);
      return { name: path.relative(target, full).split(path.sep).join('/'), bytes: new Uint8Array(readFileSync(full)) };
    });
}

export async function main(argv: string[]): Promise<number> {
  const fail = (message: string) => {
    process.stderr.write(`${message}\n`);
    return 2;
  };
  const { values: flags, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      out: { type: 'string' },
      synthetic: { type: 'string' },
      'per-category': { type: 'string', default: '12' },
      stimuli: { type: 'string' },
      regions: { type: 'string' },
      model: { type: 'string' },
      layers: { type: 'string' },
      size: { type: 'string' },
      layout: { type: 'string' },
      channels: { type: 'string' },
      resize: { type: 'string' },
      normalisation: { type: 'string' },
      mean: { type: 'string' },
      std: { type: 'string' },
      bands: { type: 'string' },
      permutations: { type: 'string', default: '10000' },
      'stop-after': { type: 'string', default: '11' },
      variant: { type: 'string', default: 'standard' },
      alpha: { type: 'string', default: '0.001' },
      fdr: { type: 'string' },
      areas: { type: 'string' },
      seed: { type: 'string', default: '1' },
      'control-seed': { type: 'string', default: '1' },
      threads: { type: 'string', default: String(os.availableParallelism()) },
      'no-cache': { type: 'boolean', default: false },
    },
  });
  if (flags.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const [input] = positionals;
  if (!flags.out || (!input && flags.synthetic === undefined)) return fail(usage);
  if (flags.synthetic === undefined && (!flags.stimuli || !flags.regions)) return fail(`${input}: give --stimuli and --regions with an epochs file\n${usage}`);
  const list = (v: string | undefined) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined);
  const stopAfter = Number(flags['stop-after']);
  const numbers = (v: string | undefined) => list(v)?.map(Number);
  const [width, height = width] = numbers(flags.size?.replace('x', ',')) ?? [];
  const normalisation = flags.mean || flags.std ? { kind: 'meanStd', mean: numbers(flags.mean) ?? [], std: numbers(flags.std) ?? [] } : flags.normalisation ? { kind: flags.normalisation } : undefined;
  const inputSpec = { width, height, layout: flags.layout, channels: flags.channels, resize: flags.resize, normalisation };
  const parsed = rsaParams.safeParse({
    datasetId: input ?? `synthetic:${flags.synthetic}`,
    name: path.basename(flags.out),
    layers: list(flags.layers),
    input: Object.fromEntries(Object.entries(inputSpec).filter(([, v]) => v !== undefined)),
    bands: list(flags.bands),
    nPermutations: Number(flags.permutations),
    stopAfter: stopAfter > 0 ? stopAfter : null,
    variant: flags.variant,
    alpha: Number(flags.alpha),
    fdrQ: flags.fdr === undefined ? null : Number(flags.fdr),
    areas: list(flags.areas),
    seed: Number(flags.seed),
    controlSeed: Number(flags['control-seed']),
  });
  if (!parsed.success) return fail(parsed.error.issues.map((i) => `--${String(i.path[0])}: ${i.message}`).join('\n'));
  const p = parsed.data;
  const progress = (fraction: number, step: string) => void process.stderr.write(`\r${(fraction * 100).toFixed(0).padStart(3)}% ${step}`.padEnd(100));
  const network = flags.model ? networkFromBytes(new Uint8Array(readFileSync(flags.model)), path.basename(flags.model)) : await defaultNetwork();
  try {
    checkNetworkChoice(network, p.layers, p.input);
  } catch (err) {
    return fail((err as Error).message);
  }

  let epochs: EpochsData & { labels: string[] };
  let regions: (string | null)[];
  let set: StimulusSet;
  let categories: string[];
  if (flags.synthetic !== undefined) {
    const seed = Number(flags.synthetic);
    const drawn = await drawVisualHierarchy(network, {
      seed,
      perCategory: Number(flags['per-category']),
      generate: (layers, labels, cats, control) => runInThread('synthesizeVisual', { layers, seed, labels, categories: cats, control }),
      rdm: (a, n) => runInThread('layerRdm', { data: a.data, n, features: a.features }),
      onProgress: (f, step) => progress(f, step),
    });
    const s = drawn.epochs;
    set = drawn.set;
    categories = s.categories;
    epochs = { ...s, nEpochs: s.labels.length, labels: Array.from(s.labels, (l) => s.categories[l]!) };
    regions = s.regions;
  } else {
    const source = await openFileSource(input!);
    try {
      const read = await readEpochsNpz(source);
      if (!read.labels) return fail(`${input}: no labels; the .npz needs a label per epoch ('labels')`);
      epochs = { ...read, labels: read.labels };
    } finally {
      await source.close();
    }
    categories = [...new Set(epochs.labels)];
    const byName = new Map<string, string>();
    for (const line of readFileSync(flags.regions!, 'utf8').split(/\r?\n/)) {
      const [name, region] = line.split(',').map((c) => c.trim());
      if (name && region) byName.set(name, region);
    }
    regions = epochs.chNames.map((n) => byName.get(n) ?? null);
    if (regions.every((r) => r === null)) return fail(`${flags.regions}: names none of the ${epochs.chNames.length} channels of ${input}`);
    try {
      set = await readStimulusFiles(readFolderOrZip(flags.stimuli!));
    } catch (err) {
      return fail(`${flags.stimuli}: ${(err as Error).message}`);
    }
  }
  const labels = Int32Array.from(epochs.labels, (l) => categories.indexOf(l));
  let ofEpoch: Int32Array;
  try {
    ofEpoch = trialImages(set, epochs.labels);
  } catch (err) {
    return fail((err as Error).message);
  }
  const order = stimulusOrder(ofEpoch, labels, set.images.length);
  const layers = p.layers.length ? p.layers : defaultRsaLayers(network.model);
  const pixels = await preprocessImages(order.images.map((i) => set.images[i]!), modelInputSpec(network.model, p.input).spec);
  const rdms = await networkRdms(network.bytes, network.model, pixels, layers, {
    controlSeed: p.controlSeed,
    ...(flags['no-cache'] ? {} : { cacheDir: rsaCacheDir() }),
    rdm: (a, n) => runInThread('layerRdm', { data: a.data, n, features: a.features }),
    onProgress: (f) => progress(f, `Layer RDMs of ${network.name} and its random control`),
  });
  const result = await runRsa(
    {
      epochs: epochs.data,
      nEpochs: epochs.nEpochs,
      nChannels: epochs.chNames.length,
      nTimes: epochs.nTimes,
      sfreq: epochs.sfreq,
      tmin: epochs.tmin,
      regions,
      stimulusOf: order.stimulusOf,
      nStimuli: order.images.length,
      trained: rdms.trained,
      random: rdms.random,
    },
    p,
    {
      threads: Math.max(1, Number(flags.threads)),
      run: (task, taskInput, onProgress) => runInThread(task, taskInput, { onProgress }),
      progress: async (f, step) => progress(f, step),
    },
  );
  const summary = rsaSummary(result, p, {
    layers,
    stimuli: { names: order.images.map((i) => set.images[i]!.file), category: Array.from(order.category), categories },
    contacts: epochs.chNames.map((name, c) => ({ name, region: regions[c] ?? null })),
    model: { name: network.name, sha256: network.sha256, controlSeed: p.controlSeed },
  });
  mkdirSync(flags.out, { recursive: true });
  const f32 = (a: Float64Array) => Float32Array.from(a);
  writeFileSync(path.join(flags.out, 'contacts.csv'), contactsCsvOf(summary, { trained: f32(result.rho.trained), random: f32(result.rho.random) }, { trained: f32(result.p.trained), random: f32(result.p.random) }));
  writeFileSync(path.join(flags.out, 'alignment.csv'), alignmentCsvOf(summary));
  writeFileSync(path.join(flags.out, 'alignment.json'), JSON.stringify({ areas: summary.areas, layers: summary.layers, ...summary.networks, rows: alignmentRows(summary) }, null, 1));
  writeFileSync(path.join(flags.out, 'summary.json'), JSON.stringify(summary, null, 1));
  process.stderr.write('\n');
  for (const row of alignmentRows(summary)) {
    if (row.network === 'trained') process.stdout.write(`${row.label.padEnd(24)} rho ${row.rho?.toFixed(2) ?? '—'} p ${row.p?.toExponential(1) ?? '—'} (${row.nPairs} pairs)\n`);
  }
  process.stdout.write(`wrote contacts.csv, alignment.csv, alignment.json, summary.json to ${flags.out}\n`);
  return 0;
}
