/**
 * `npm run stream -- <file> --session <id> --token <token> [--url URL] [--speed N] [--frame-ms MS]`: replays any
 * recording our readers open (EDF/EDF+, BDF, BrainVision, NWB, zipped BIDS) into a live session's frames endpoint,
 * as a device bridge would: its EEG channels (all channels when none is marked EEG), in volts, one frame per
 * request at real time times --speed. Progress goes to stderr.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pickEegChannels } from '@/lib/eeg';
import { openRecording } from '@/lib/formats';
import { dirResolver, openFileSource, type FileSource } from './lib/file-source';
import { StreamRefused, streamFrames } from './lib/frame-stream';

const usage = `usage: npm run stream -- <recording> --session ID --token TOKEN [--url http://localhost:3000] [--speed 1] [--frame-ms 40]
  Make a device session on the lab's page first; its page shows the id and the token.`;

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

const { values: flags, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    session: { type: 'string' },
    token: { type: 'string' },
    url: { type: 'string', default: process.env.BRAINGLASS_URL ?? `http://localhost:${process.env.PORT ?? 3000}` },
    speed: { type: 'string', default: '1' },
    'frame-ms': { type: 'string', default: '40' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (flags.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
const [file] = positionals;
if (!file || !flags.session || !flags.token) fail(usage);
const speed = Number(flags.speed);
const frameMs = Number(flags['frame-ms']);
if (!(speed > 0)) fail(`--speed must be a positive number, got ${flags.speed}`);
if (!(frameMs > 0)) fail(`--frame-ms must be a positive number, got ${flags['frame-ms']}`);

const opened: FileSource[] = [];
const source = await openFileSource(file);
opened.push(source);
try {
  const reader = await openRecording(source, dirResolver(path.dirname(path.resolve(file)), opened));
  const { sfreq, nSamples } = reader.info;
  const channels = pickEegChannels(reader.info.channels.map((c, index) => ({ ...c, index })));
  const indices = channels.map((c) => c.index);
  process.stderr.write(`${path.basename(file)}: ${channels.length} channels at ${sfreq} Hz, ${(nSamples / sfreq).toFixed(1)} s -> ${flags.url} (x${speed})\n`);
  let lastReport = performance.now();
  const result = await streamFrames({
    url: flags.url!,
    sessionId: flags.session!,
    token: flags.token!,
    sfreq,
    nChannels: channels.length,
    nSamples,
    speed,
    frameSamples: Math.max(1, Math.round((frameMs / 1000) * sfreq)),
    async read(start, n) {
      const data = await reader.readSamples(indices, start, start + n);
      const out = new Float32Array(n * data.length);
      for (let i = 0; i < n; i++) for (let c = 0; c < data.length; c++) out[i * data.length + c] = data[c]![i]!;
      return out;
    },
    onSend(start) {
      if (performance.now() - lastReport < 5000) return;
      lastReport = performance.now();
      process.stderr.write(`  ${(start / sfreq).toFixed(1)} of ${(nSamples / sfreq).toFixed(1)} s\n`);
    },
  });
  process.stderr.write(
    `sent ${result.frames} frames in ${result.seconds.toFixed(1)} s; ${result.refused} resent after 429; the server counted ${result.framesDropped} dropped\n`,
  );
} catch (err) {
  if (err instanceof StreamRefused || (err instanceof Error && /fetch failed/.test(err.message))) fail(`${file}: ${err.message}${err.cause ? ` (${String((err.cause as Error).message ?? err.cause)})` : ''}`);
  throw err;
} finally {
  await Promise.all(opened.map((s) => s.close()));
}
