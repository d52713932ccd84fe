/**
 * `npm run bench:live [-- --seconds 60]`: the live Level 3 pipeline under load, through the real parts: frames
 * posted over HTTP to the frames endpoint at real time, the session hub (queue, BandPowerStream, map), the tRPC
 * subscription a viewer reads. Two streams: 64 channels at 160 Hz and 256 channels at 1 kHz, 1 s windows every
 * 100 ms, 5 bands, a 10 x 10 map. Prints per-window processing time (in the pipeline, and in isolation against
 * scipy.signal.welch band powers + a numpy BMU search on the same windows, in the same run), end-to-end latency
 * from posting the frame that completes a window to its point at the subscriber, dropped and refused frames, and
 * peak memory. The goal: under 5 ms p99 per window and 100 ms p99 latency at 64 channels.
 */
import { writeFileSync, mkdtempSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ndarray, toNpy } from '@/lib/arrays';
import { BandPowerStream, bandPowerFeatures } from '@/lib/eeg';
import { percentile } from '@/lib/ml/forest/cv';
import type { SelfOrganizingMap } from '@/lib/ml/som';
import { Rng } from '@/lib/synthetic/random';
import { receiveFrames } from '@/server/statespace/frames';
import { sessionHub, type LivePoint } from '@/server/statespace/hub';
import { startTestPlatform } from '@/server/testing/harness';
import { streamFrames } from '../lib/frame-stream';
import { ensureReference, mb, runPython } from './reference';

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const seconds = Number(arg('--seconds') ?? 60);
if (!(seconds >= 5)) throw new Error(`--seconds must be at least 5, got ${arg('--seconds')}`);
const CASES = [
  { nChannels: 64, sfreq: 160 },
  { nChannels: 256, sfreq: 1000 },
];
/** Seconds of synthetic signal generated per case; the stream loops over it. */
const SIGNAL_S = 20;
const FRAME_MS = 40;

ensureReference();
const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-live-'));
const platform = await startTestPlatform();
const hub = sessionHub(platform.runtime);
const user = await platform.user('Bench');
const labId = (await platform.as(user).labs.create({ name: 'Live bench', description: '' })).id;

// The frames endpoint over real HTTP, as `next start` serves it.
const server = http.createServer(async (req, res) => {
  const id = /^\/api\/sessions\/([^/]+)\/frames$/.exec(req.url ?? '')?.[1];
  if (!id || req.method !== 'POST') return void res.writeHead(404).end();
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const response = await receiveFrames(platform.runtime, id, new Request(`http://bench${req.url}`, { method: 'POST', headers: req.headers as Record<string, string>, body: Buffer.concat(chunks) }));
  res.writeHead(response.status, Object.fromEntries(response.headers)).end(Buffer.from(await response.arrayBuffer()));
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

let peakRss = 0;
const memory = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);

/** Background EEG-like channels: white noise plus a 10 Hz rhythm of random amplitude, volts. */
function synthesize(nChannels: number, sfreq: number): Float32Array[] {
  const rng = new Rng(nChannels);
  return Array.from({ length: nChannels }, () => {
    const amplitude = rng.range(2, 10) * 1e-6;
    const phase = rng.range(0, 2 * Math.PI);
    return Float32Array.from({ length: SIGNAL_S * sfreq }, (_, n) => amplitude * Math.sin((2 * Math.PI * 10 * n) / sfreq + phase) + rng.gaussian(0, 5e-6));
  });
}

const summary = (values: ArrayLike<number>) => ({ p50: percentile(values, 50), p99: percentile(values, 99) });
const fmt = (s: { p50: number; p99: number }) => `median ${s.p50.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms`;

/** Our features + position per window outside the pipeline, on the same windows the reference gets. */
function isolated(channels: Float32Array[], sfreq: number, map: SelfOrganizingMap): number[] {
  const stream = new BandPowerStream(channels.length, sfreq);
  const hop = stream.layout.hopSamples;
  const times: number[] = [];
  for (let t = 0; t + hop <= channels[0]!.length; t += hop) {
    const chunk = new Float32Array(hop * channels.length);
    for (let i = 0; i < hop; i++) for (let c = 0; c < channels.length; c++) chunk[i * channels.length + c] = channels[c]![t + i]!;
    const t0 = performance.now();
    const w = stream.push(chunk);
    for (let k = 0; k < w.nWindows; k++) map.locate(w.data.subarray(k * map.nFeatures, (k + 1) * map.nFeatures));
    if (w.nWindows) times.push((performance.now() - t0) / w.nWindows);
  }
  // The first windows warm the JIT up.
  return times.slice(20);
}

for (const { nChannels, sfreq } of CASES) {
  const channels = synthesize(nChannels, sfreq);
  const nSamples = channels[0]!.length;
  const chNames = channels.map((_, c) => `E${c + 1}`);
  const { sessionId, token } = await platform.as(user).statespace.createSession({ labId, name: `${nChannels} ch`, source: 'device', actions: ['a', 'b'], device: { sfreq, chNames } });
  const session = (await hub.get(sessionId))!;

  // A map to place windows on: the synthetic signal's windows in two made-up classes of 2 s blocks.
  const features = bandPowerFeatures(channels, sfreq);
  const block = Int32Array.from(features.starts, (s) => Math.floor(s / (2 * sfreq)));
  session.setCalibration({ X: features.data, nFeatures: features.nFeatures, y: Int32Array.from(block, (b) => b % 2), trials: block }, ['a', 'b']);
  await session.train('refit');

  // The viewer: the subscription, as the session page reads it.
  const sentAt = new Float64Array(Math.ceil((seconds * sfreq) / Math.round((FRAME_MS / 1000) * sfreq)) + 1);
  const frameSamples = Math.round((FRAME_MS / 1000) * sfreq);
  const latencies: number[] = [];
  let streaming = true;
  const live = (await platform.as(user).statespace.live({ labId, sessionId })) as AsyncIterable<{ points: LivePoint[] }>;
  const viewer = (async () => {
    let first = true;
    for await (const message of live) {
      // Messages come at least every 500 ms, so the viewer leaves soon after the stream ends.
      if (!streaming) break;
      const now = performance.now();
      // The first message replays the recent trail; only live points count.
      if (!first) for (const p of message.points) latencies.push(now - sentAt[Math.floor((Math.round(p.t * sfreq) - 1) / frameSamples)]!);
      first = false;
    }
  })().catch(() => undefined);

  const result = await streamFrames({
    url,
    sessionId,
    token: token!,
    sfreq,
    nChannels,
    nSamples: seconds * sfreq,
    frameSamples,
    read(start, n) {
      const out = new Float32Array(n * nChannels);
      for (let i = 0; i < n; i++) for (let c = 0; c < nChannels; c++) out[i * nChannels + c] = channels[c]![(start + i) % nSamples]!;
      return out;
    },
    onSend: (first, _n, at) => void (sentAt[first / frameSamples] = at),
  });
  await new Promise((resolve) => setTimeout(resolve, 200));
  streaming = false;
  await viewer;
  const stats = session.stats();
  const ours = isolated(channels, sfreq, session.map!);

  // The reference: scipy.signal.welch (one Hann segment, constant detrend, zero-padded as ours) band powers of all
  // channels, log10, the map's standardisation, and a numpy search for the nearest node, per window.
  const map = session.map!.toJSON();
  const layout = new BandPowerStream(nChannels, sfreq).layout;
  writeFileSync(path.join(dir, 'x.npy'), toNpy(ndarray('float32', Float32Array.from(channels.flatMap((c) => Array.from(c))), [nChannels, nSamples], ['channels', 'times'])));
  writeFileSync(path.join(dir, 'weights.npy'), toNpy(ndarray('float64', Float64Array.from(map.weights), [map.weights.length / map.nFeatures, map.nFeatures], ['nodes', 'features'])));
  const scale = map.relevance.map((r, d) => r / map.std[d]!);
  writeFileSync(path.join(dir, 'zscore.npy'), toNpy(ndarray('float64', Float64Array.from([...map.mean, ...scale]), [2, map.nFeatures], ['mean_scale', 'features'])));
  const reference = runPython<{ times: number[] }>(
    `
import sys, json, time, numpy as np
from scipy.signal import welch
d, fs, n, hop, nfft = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
bands = json.loads(sys.argv[6])
x = np.load(d + '/x.npy').astype(np.float64); W = np.load(d + '/weights.npy'); mean, scale = np.load(d + '/zscore.npy')
freqs = np.arange(nfft // 2 + 1) * fs / nfft
masks = [(freqs >= lo) & (freqs < hi) for lo, hi in bands]
times = []
for s in range(0, x.shape[1] - n + 1, hop):
    t = time.perf_counter()
    f, p = welch(x[:, s:s + n], fs, window='hann', nperseg=n, noverlap=0, nfft=nfft, detrend='constant', axis=-1)
    power = np.stack([p[:, m].sum(axis=1) * (fs / nfft) for m in masks], axis=1)
    z = (np.log10(np.maximum(power, 1e-30)).ravel() - mean) * scale
    bmu = int(np.argmin(((W - z) ** 2).sum(axis=1)))
    times.append((time.perf_counter() - t) * 1000)
print(json.dumps({"times": times[20:]}))
`,
    [dir, String(sfreq), String(layout.windowSamples), String(layout.hopSamples), String(layout.nFft), JSON.stringify(layout.bands.map((b) => [b.fmin, b.fmax]))],
  );
  const mine = summary(ours);
  const theirs = summary(reference.times);
  const e2e = summary(latencies);
  console.log(`\n${nChannels} channels at ${sfreq} Hz, ${seconds} s streamed in ${FRAME_MS} ms frames (${layout.nFft}-point FFT, ${map.nFeatures} features, ${map.options.rows} x ${map.options.cols} map)`);
  console.log(`  per-window processing in the pipeline  ${fmt(stats.computeMs!)}  (${stats.windows} windows)`);
  console.log(`  per-window processing, isolated        ours ${fmt(mine)} | scipy welch + numpy BMU ${fmt(theirs)} | ours/reference ${(mine.p50 / theirs.p50).toFixed(2)}x (median)`);
  console.log(`  end-to-end latency to the subscriber   ${fmt(e2e)}  (frame posted -> point received, ${latencies.length} points)`);
  console.log(`  frames                                 ${result.frames} sent, ${stats.framesDropped} dropped, ${stats.framesRefused} refused (429), ${stats.framesLate} late`);
  if (nChannels === 64) {
    const ok = stats.computeMs!.p99 < 5 && e2e.p99 < 100;
    console.log(`  goal (processing p99 < 5 ms, latency p99 < 100 ms): ${ok ? 'met' : 'NOT met'}`);
  }
  await platform.as(user).statespace.close({ labId, sessionId });
}
clearInterval(memory);
console.log(`\npeak memory (RSS, whole process incl. the embedded database) ${mb(peakRss).toFixed(0)} MB`);
server.close();
await platform.close();
