/**
 * `npm run --silent analyze -- statespace <recording | --synthetic SEED> --events a,b,... --out DIR [flags]`: the
 * Level 3 offline analysis from the command line, with the job's own worker-thread task. Writes metrics.json
 * (cross-validated accuracy, chance from shuffled trial labels, separability per pair, quantisation and
 * topographic error), map.json (the map, lib/ml/som's SomJson, with channel and feature names) and map.onnx
 * (features -> position, node, posterior). Progress goes to stderr.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pickEegChannels } from '@/lib/eeg';
import { openRecording, type Annotation } from '@/lib/formats';
import { statespaceParams } from '@/lib/jobs';
import { generateEeg } from '@/lib/synthetic';
import { runInThread } from '@/workers/threads/pool';
import { dirResolver, openFileSource, type FileSource } from './lib/file-source';

const usage = `usage: npm run --silent analyze -- statespace <recording | --synthetic SEED> --events LABEL,LABEL[,...] --out DIR
  [--window S] [--hop S] [--size N | --rows N --cols N] [--epochs N] [--relevance R] [--folds N] [--shuffles N] [--seed N]
  <recording>        EDF/EDF+, BDF, BrainVision (.vhdr), NWB or a zipped BIDS folder; its EEG channels are used
  --synthetic SEED   the planted motor imagery EEG (classes left, right, rest) instead of a file
  --events           the event descriptions (annotations) to map, each one class; at least two
  --window, --hop    feature window and step in seconds (default 1 and 0.25)
  --size             nodes per side of the map (default 10); --rows and --cols for a rectangle
  --relevance        weight of class relevance in the map's metric, 0..1 (default 0.9; 0 is a plain SOM)
  --folds            cross-validation folds over trials (default 5)
  --shuffles         label shuffles behind the chance level (default 20)`;

interface Recording {
  channels: Float32Array[];
  chNames: string[];
  sfreq: number;
  annotations: Annotation[];
}

async function readRecording(file: string): Promise<Recording> {
  const opened: FileSource[] = [];
  const source = await openFileSource(file);
  opened.push(source);
  try {
    const reader = await openRecording(source, dirResolver(path.dirname(path.resolve(file)), opened));
    const picked = pickEegChannels(reader.info.channels.map((c, index) => ({ ...c, index })));
    const data = await reader.readSamples(
      picked.map((c) => c.index),
      0,
      reader.info.nSamples,
    );
    return { channels: data.map((x) => Float32Array.from(x)), chNames: picked.map((c) => c.name), sfreq: reader.info.sfreq, annotations: reader.info.annotations };
  } finally {
    await Promise.all(opened.map((s) => s.close()));
  }
}

function syntheticRecording(seed: number): Recording {
  const raw = generateEeg({ seed });
  return { channels: raw.data, chNames: raw.chNames, sfreq: raw.sfreq, annotations: raw.annotations };
}

/** Runs the command; returns the exit status. */
export async function main(args: string[]): Promise<number> {
  const { values: flags, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      out: { type: 'string' },
      events: { type: 'string' },
      synthetic: { type: 'string' },
      window: { type: 'string' },
      hop: { type: 'string' },
      size: { type: 'string' },
      rows: { type: 'string' },
      cols: { type: 'string' },
      epochs: { type: 'string' },
      relevance: { type: 'string' },
      folds: { type: 'string' },
      shuffles: { type: 'string' },
      seed: { type: 'string' },
    },
  });
  if (flags.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const [file] = positionals;
  if (!flags.out || !flags.events || (!file && flags.synthetic === undefined)) {
    process.stderr.write(`${usage}\n`);
    return 2;
  }
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  const parsed = statespaceParams.omit({ datasetId: true, name: true }).safeParse({
    events: flags.events.split(',').map((e) => e.trim()),
    windowS: num(flags.window),
    hopS: num(flags.hop),
    rows: num(flags.rows ?? flags.size),
    cols: num(flags.cols ?? flags.size),
    epochs: num(flags.epochs),
    relevance: num(flags.relevance),
    nSplits: num(flags.folds),
    nShuffles: num(flags.shuffles),
    seed: num(flags.seed),
  });
  const flagOf: Record<string, string> = { windowS: 'window', hopS: 'hop', nSplits: 'folds', nShuffles: 'shuffles' };
  if (!parsed.success) {
    process.stderr.write(`${parsed.error.issues.map((i) => `--${flagOf[String(i.path[0])] ?? String(i.path[0])}: ${i.message}`).join('\n')}\n`);
    return 2;
  }
  const { events: classes, ...options } = parsed.data;

  const recording = file ? await readRecording(file) : syntheticRecording(Number(flags.synthetic));
  const missing = classes.filter((c) => !recording.annotations.some((a) => a.description === c));
  if (missing.length) {
    const kinds = [...new Set(recording.annotations.map((a) => a.description))];
    process.stderr.write(`${file ?? 'the synthetic recording'} has no event ${missing.map((m) => `"${m}"`).join(', ')}; its events are ${kinds.map((k) => `"${k}"`).join(', ') || 'none'}\n`);
    return 2;
  }
  process.stderr.write(`${recording.channels.length} channels at ${recording.sfreq} Hz; mapping ${classes.join(', ')}\n`);
  let lastShown = -1;
  const r = await runInThread(
    'statespaceAnalysis',
    { channels: recording.channels, chNames: recording.chNames, sfreq: recording.sfreq, annotations: recording.annotations, classes, options },
    {
      onProgress: (f) => {
        const percent = Math.floor(f * 10) * 10;
        if (percent > lastShown) process.stderr.write(`  ${percent}%\n`);
        lastShown = Math.max(lastShown, percent);
      },
    },
  ).catch((err: Error) => err);
  if (r instanceof Error) {
    // The analysis explains itself (an event too short for a window, too few trials for the folds).
    process.stderr.write(`${file ?? 'synthetic recording'}: ${r.message.replace(/^statespaceAnalysis: /, '')}\n`);
    return 1;
  }
  mkdirSync(flags.out, { recursive: true });
  const out = (name: string) => path.join(flags.out!, name);
  writeFileSync(out('metrics.json'), JSON.stringify(r.metrics, null, 1));
  writeFileSync(out('map.json'), JSON.stringify({ ...r.map, channels: recording.chNames, featureNames: r.featureNames }));
  writeFileSync(out('map.onnx'), r.onnx);
  const { crossValidation: cv, chance } = r.metrics;
  process.stderr.write(`accuracy ${cv.accuracy.toFixed(3)} vs chance ${chance.mean.toFixed(3)} ± ${chance.sd.toFixed(3)}; wrote ${flags.out}\n`);
  return 0;
}
