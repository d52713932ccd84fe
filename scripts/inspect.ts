/**
 * Prints what the readers make of recordings, as JSON keyed by file name, in the shape of
 * ../shared/data/recordings/reference-mne.json (so the two can be compared number by number).
 *
 *   tsx scripts/inspect.ts <file or BIDS folder>...
 *
 * BrainVision is given by its .vhdr, a BIDS dataset by its folder (or a .zip of it): one entry per recording.
 * A file that cannot be read: its FormatError on stderr and exit code 1 (other failures: 2); the rest are still printed.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { FormatError, bidsFolderFromZip, detectFormat, findBidsRecordings, openBids, openRecording, type BidsFolder, type RecordingReader } from '../lib/formats/index';
import { dirResolver, listFiles, openFileSource, type FileSource } from './lib/file-source';

/** One file's reading, in the fields of ../shared/data/recordings/reference-mne.json. */
export interface Summary {
  reader: string;
  sfreq: number;
  n_channels: number;
  n_samples: number;
  ch_names: string[];
  ch_types: string[];
  first_samples_volts: Record<string, number[]>;
  channel_mean_volts: number[];
  channel_std_volts: number[];
  annotations: { onset_s: number; duration_s: number; description: string }[];
}

/** As reference-mne.json: the first 5 samples of the first 4 channels. */
const FIRST_CHANNELS = 4;
const FIRST_SAMPLES = 5;
/** Values read per block across all channels, so a long recording never sits in memory whole. */
const BLOCK_VALUES = 4 * 1024 * 1024;

/** Mean and population standard deviation (numpy's default ddof=0) of every channel, in two passes over blocks. */
async function channelStats(reader: RecordingReader): Promise<{ mean: number[]; std: number[] }> {
  const { nSamples, channels } = reader.info;
  const all = channels.map((_, i) => i);
  const block = Math.max(1, Math.floor(BLOCK_VALUES / Math.max(1, channels.length)));
  const sums = new Float64Array(channels.length);
  for (let s = 0; s < nSamples; s += block) {
    const data = await reader.readSamples(all, s, Math.min(nSamples, s + block));
    data.forEach((x, c) => {
      for (const v of x) sums[c] += v;
    });
  }
  const mean = Array.from(sums, (v) => v / nSamples);
  // A second pass around the mean keeps the variance exact to rounding (no sum-of-squares cancellation).
  const squares = new Float64Array(channels.length);
  for (let s = 0; s < nSamples; s += block) {
    const data = await reader.readSamples(all, s, Math.min(nSamples, s + block));
    data.forEach((x, c) => {
      for (const v of x) squares[c] += (v - mean[c]) ** 2;
    });
  }
  return { mean, std: Array.from(squares, (v) => Math.sqrt(v / nSamples)) };
}

async function summarize(reader: RecordingReader): Promise<Summary> {
  const { info } = reader;
  const first = Math.min(FIRST_CHANNELS, info.channels.length);
  const head = await reader.readSamples(
    Array.from({ length: first }, (_, i) => i),
    0,
    Math.min(FIRST_SAMPLES, info.nSamples),
  );
  const { mean, std } = await channelStats(reader);
  return {
    reader: `brainglass lib/formats (${info.format})`,
    sfreq: info.sfreq,
    n_channels: info.channels.length,
    n_samples: info.nSamples,
    ch_names: info.channels.map((c) => c.name),
    ch_types: info.channels.map((c) => c.type),
    first_samples_volts: Object.fromEntries(head.map((x, i) => [info.channels[i].name, Array.from(x)])),
    channel_mean_volts: mean,
    channel_std_volts: std,
    annotations: info.annotations.map((a) => ({ onset_s: a.onset, duration_s: a.duration, description: a.description })),
  };
}

/** One entry per recording of a BIDS folder, keyed '<folder>/<data file>'. */
async function inspectBids(folder: BidsFolder, out: Record<string, Summary>): Promise<void> {
  const recordings = findBidsRecordings(folder.files);
  if (recordings.length === 0) await openBids(folder); // throws the FormatError that says what is missing
  for (const recording of recordings) out[`${folder.name}/${recording}`] = await summarize(await openBids(folder, { recording }));
}

async function inspect(arg: string, out: Record<string, Summary>, opened: FileSource[]): Promise<void> {
  const info = await stat(arg).catch(() => null);
  if (!info) throw new FormatError(arg, 'path', 'expected a file or folder, found nothing there');
  if (info.isDirectory()) {
    const files = await listFiles(arg);
    await inspectBids({ name: path.basename(path.resolve(arg)), files, resolve: dirResolver(arg, opened) }, out);
    return;
  }
  const source = await openFileSource(arg);
  opened.push(source);
  if ((await detectFormat(source)) === 'bids-zip') {
    await inspectBids(await bidsFolderFromZip(source), out);
    return;
  }
  out[source.name] = await summarize(await openRecording(source, dirResolver(path.dirname(arg), opened)));
}

async function main(args: string[]): Promise<number> {
  if (args.length === 0) {
    process.stderr.write('usage: tsx scripts/inspect.ts <file or BIDS folder>...\n');
    return 2;
  }
  const out: Record<string, Summary> = {};
  let status = 0;
  for (const arg of args) {
    const opened: FileSource[] = [];
    try {
      await inspect(arg, out, opened);
    } catch (err) {
      if (err instanceof FormatError) {
        process.stderr.write(`${err.message}\n`);
        status = Math.max(status, 1);
      } else {
        process.stderr.write(`${arg}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
        status = 2;
      }
    } finally {
      await Promise.all(opened.map((s) => s.close()));
    }
  }
  process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
  return status;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`${String(err)}\n`);
    process.exitCode = 2;
  },
);
