import { existsSync } from 'node:fs';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events, statespaceSessions, type StateSpaceMetrics } from '@/db/schema';
import { decodeArray } from '@/lib/arrays';
import { bandPowerFeatures, encodeFrame } from '@/lib/eeg';
import { openEdf } from '@/lib/formats';
import { RECORDINGS, fileSource } from '@/lib/formats/test-utils';
import { SelfOrganizingMap, type SomJson } from '@/lib/ml/som';
import { generateEeg } from '@/lib/synthetic';
import { Rng } from '@/lib/synthetic/random';
import { databaseKind, startTestPlatform, until, type TestPlatform } from '@/server/testing/harness';
import type { SessionUser } from '@/server/trpc/init';
import { startWorkers } from '@/workers/engine';
import { receiveFrames } from '../statespace/frames';
import { sessionHub } from '../statespace/hub';
import { statespaceFile } from './statespace';

/** Lets the session's queue drain (it works in setImmediate turns). */
const settle = () => new Promise((r) => setTimeout(r, 5));

/** Interleaved float32 samples [start, start + n) of every channel. */
function interleave(data: ArrayLike<number>[], start: number, n: number): Float32Array {
  const out = new Float32Array(n * data.length);
  for (let i = 0; i < n; i++) for (let c = 0; c < data.length; c++) out[i * data.length + c] = data[c]![start + i]!;
  return out;
}

describe(`Level 3 state space (${databaseKind})`, () => {
  let platform: TestPlatform;
  let user: SessionUser;
  let labId: string;
  let datasetId: string;
  // Half a second of samples: a burst of frames overflows it, a paced stream never does.
  const QUEUE_SECONDS = 0.5;

  const post = (sessionId: string, body: Uint8Array, token: string | null) =>
    receiveFrames(
      platform.runtime,
      sessionId,
      new Request(`http://test/api/sessions/${sessionId}/frames`, {
        method: 'POST',
        headers: token === null ? {} : { authorization: `Bearer ${token}` },
        body: new Uint8Array(body),
      }),
    );

  beforeAll(async () => {
    platform = await startTestPlatform();
    sessionHub(platform.runtime, { queueSeconds: QUEUE_SECONDS, som: { rows: 6, cols: 6, epochs: 5 } });
    user = await platform.user('Pilot');
    labId = (await platform.as(user).labs.create({ name: 'Level 3 lab', description: '' })).id;
    await startWorkers(platform.runtime);
    const job = await platform.as(user).statespace.synthesizeEeg({ labId, name: 'Motor imagery', seed: 1, trialsPerClass: 20 });
    const done = await until(() => platform.as(user).jobs.get({ labId, jobId: job.id }), (j) => j.state !== 'queued' && j.state !== 'running');
    expect(done.error).toBeNull();
    datasetId = String(done.result!.datasetId);
  });
  afterAll(() => platform.close());

  const analyse = async (name: string) => {
    const { analysisId } = await platform.as(user).statespace.startAnalysis({
      labId,
      datasetId,
      name,
      events: ['left', 'right', 'rest'],
      hopS: 0.5,
      rows: 6,
      cols: 6,
      epochs: 5,
      nShuffles: 8,
      seed: 1,
    });
    return until(() => platform.as(user).statespace.analysis({ labId, analysisId }), (a) => a.status !== 'running');
  };

  it('offline: the map tells the planted motor imagery classes apart well above shuffled-label chance', async () => {
    const a = await analyse('Motor imagery map');
    expect(a.status).toBe('ready');
    const m = a.metrics!;
    expect(m.classes).toEqual(['left', 'right', 'rest']);
    expect(m.nTrials).toBe(60);
    expect(m.chance.mean).toBeGreaterThan(0.2);
    expect(m.chance.mean).toBeLessThan(0.45);
    expect(m.crossValidation.accuracy).toBeGreaterThan(0.6);
    expect(m.crossValidation.accuracy).toBeGreaterThan(m.chance.p95 + 0.2);
    const pair = m.separability.find((p) => p.a === 'left' && p.b === 'right')!;
    expect(pair.accuracy).toBeGreaterThan(0.8);
    expect(pair.overlap).toBeLessThan(0.6);
    expect(m.crossValidation.confusion.flat().reduce((s, v) => s + v, 0)).toBe(m.nWindows);
    expect(m.topographicError).toBeLessThan(0.5);
    expect(m.quantisationError).toBeGreaterThan(0);
    expect(a.windows!.positions).toHaveLength(2 * m.nWindows);
    expect(a.map!.classes).toEqual(m.classes);

    // Downloads: metrics.json as stored, a map.json that loads, an ONNX graph.
    const metrics = JSON.parse(new TextDecoder().decode((await statespaceFile(platform.runtime, labId, a.id, 'metrics.json')).body)) as StateSpaceMetrics;
    expect(metrics.crossValidation.accuracy).toBe(m.crossValidation.accuracy);
    const json = JSON.parse(new TextDecoder().decode((await statespaceFile(platform.runtime, labId, a.id, 'map.json')).body)) as SomJson & { featureNames: string[] };
    expect(SelfOrganizingMap.fromJSON(json).classes).toEqual(m.classes);
    expect(json.featureNames[0]).toBe('Fp1 delta');
    expect((await statespaceFile(platform.runtime, labId, a.id, 'map.onnx')).body.length).toBeGreaterThan(10_000);
  }, 300_000);

  it('offline: shuffled trial labels give chance accuracy', async () => {
    // Permute the trials' labels in the recording itself: whatever the map then finds is chance.
    const rows = await platform.runtime.db.select().from(events).where(eq(events.datasetId, datasetId));
    const labels = rows.map((r) => r.description);
    new Rng(7).shuffle(labels);
    for (const [i, r] of rows.entries()) {
      await platform.runtime.db.update(events).set({ description: labels[i]! }).where(and(eq(events.datasetId, datasetId), eq(events.index, r.index)));
    }
    try {
      const a = await analyse('Shuffled');
      expect(a.status).toBe('ready');
      const { crossValidation, chance } = a.metrics!;
      expect(Math.abs(crossValidation.accuracy - chance.mean)).toBeLessThan(3 * chance.sd + 0.05);
      expect(crossValidation.accuracy).toBeLessThan(0.5);
    } finally {
      for (const r of rows) await platform.runtime.db.update(events).set({ description: r.description }).where(and(eq(events.datasetId, datasetId), eq(events.index, r.index)));
    }
  }, 300_000);

  it('device frames: token, malformed frames, sequence gaps and back-pressure', async () => {
    const { sessionId, token } = await platform.as(user).statespace.createSession({ labId, name: 'Cap', source: 'device', actions: [] });
    expect(token).toMatch(/^[\w-]{32}$/);
    const frame = (sequence: number, nSamples = 16, nChannels = 4) =>
      encodeFrame({ sequence, nChannels, sfreq: 160, timestamp: Date.now(), samples: new Float32Array(nChannels * nSamples).fill(1e-6) });

    expect((await post(sessionId, frame(0), null)).status).toBe(401);
    const wrong = await post(sessionId, frame(0), 'not-the-token');
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: string }).error).toMatch(/token/);
    expect((await post('no-such-session', frame(0), token)).status).toBe(401);

    const bad = frame(0).slice();
    bad[0] = 0;
    const malformed = await post(sessionId, bad, token);
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: string }).error).toBe('frame 0 at byte 0: the magic bytes are 00 47 45 46, expected "BGEF" (42 47 45 46)');
    const truncated = await post(sessionId, frame(0).subarray(0, 40), token);
    expect(((await truncated.json()) as { error: string }).error).toMatch(/announces 4 channels x 16 samples \(256 bytes of float32\), but 8 bytes follow/);

    // The first frame fixes the layout; 2, 3 and 4 never arrive.
    for (const seq of [0, 1, 5]) {
      const res = await post(sessionId, frame(seq), token);
      expect(res.status).toBe(200);
      await settle();
    }
    const session = (await sessionHub(platform.runtime).get(sessionId))!;
    expect(session.stats()).toMatchObject({ framesReceived: 3, framesDropped: 3 });
    const late = (await (await post(sessionId, frame(4), token)).json()) as { framesLate: number };
    expect(late.framesLate).toBe(1);
    const otherLayout = await post(sessionId, frame(6, 16, 8), token);
    expect(otherLayout.status).toBe(400);
    expect(((await otherLayout.json()) as { error: string }).error).toBe('frame 6: 8 channels at 160 Hz, but this session streams 4 channels at 160 Hz');
    await settle();

    // 20 frames of 16 samples in one body against a queue of 0.5 s (80 samples): the first 5 fit, then 429.
    const burst = Array.from({ length: 20 }, (_, i) => frame(6 + i));
    const body = new Uint8Array(burst.reduce((n, f) => n + f.length, 0));
    burst.reduce((at, f) => (body.set(f, at), at + f.length), 0);
    const full = await post(sessionId, body, token);
    expect(full.status).toBe(429);
    expect(full.headers.get('retry-after')).toBe('1');
    expect(((await full.json()) as { accepted: number }).accepted).toBe(5);
    expect(session.stats().framesRefused).toBe(1);
    await settle();
    // Resent after the wait, the rest goes through with no frame counted as dropped.
    expect((await post(sessionId, frame(11), token)).status).toBe(200);
    expect(session.stats().framesDropped).toBe(3);

    const replay = await platform.as(user).statespace.createSession({ labId, name: 'Replay', source: 'replay', datasetId, actions: [] });
    expect(replay.token).toBeNull();
    await platform.runtime.db.update(statespaceSessions).set({ tokenHash: (await import('../statespace/hub')).hashToken('t') }).where(eq(statespaceSessions.id, replay.sessionId));
    expect((await post(replay.sessionId, frame(0), 't')).status).toBe(409);
  });

  const recordings: [string, () => Promise<{ data: ArrayLike<number>[]; sfreq: number }>][] = [
    ['synthetic EEG', async () => generateEeg({ seed: 3, trialsPerClass: 2 })],
  ];
  const edf = path.join(RECORDINGS, 'S001R01.edf');
  if (existsSync(edf)) {
    recordings.push([
      'S001R01.edf (EDF+, 64 channels, 160 Hz)',
      async () => {
        const source = fileSource(edf);
        try {
          const reader = await openEdf(source);
          const { nSamples, channels } = reader.info;
          // The first 20 s keep the test quick.
          return { data: await reader.readSamples(channels.map((_, i) => i), 0, Math.min(nSamples, 3200)), sfreq: reader.info.sfreq };
        } finally {
          source.close();
        }
      },
    ]);
  }

  it.each(recordings)('the hub computes the batch features bit for bit from frames of random size (%s)', async (_name, load) => {
    const { data, sfreq } = await load();
    const nSamples = data[0]!.length;
    const { sessionId, token } = await platform.as(user).statespace.createSession({ labId, name: 'Stream vs batch', source: 'device', actions: ['all'] });
    // One cue over the whole stream makes every window (after the 0.5 s settle) a calibration window, stored as float32.
    await platform.as(user).statespace.cue({ labId, sessionId, action: 'all' });
    const rng = new Rng(5);
    let sequence = 0;
    for (let t = 0; t < nSamples; ) {
      const n = Math.min(nSamples - t, 1 + rng.int(40));
      const res = await post(sessionId, encodeFrame({ sequence: sequence++, nChannels: data.length, sfreq, timestamp: 0, samples: interleave(data, t, n) }), token!);
      expect(res.status).toBe(200);
      t += n;
      await settle();
    }
    await until(async () => (await sessionHub(platform.runtime).get(sessionId))!.stats().queuedSamples, (q) => q === 0);
    await platform.as(user).statespace.train({ labId, sessionId, mode: 'refit' });
    const [row] = await platform.runtime.db.select().from(statespaceSessions).where(eq(statespaceSessions.id, sessionId));
    const streamed = decodeArray(await platform.runtime.blobs.get(row!.calibration!.windows));
    // Samples travel as float32: so does the batch reference.
    const batch = bandPowerFeatures(data.map((x) => Float32Array.from(x)), sfreq);
    const settleWindows = Math.ceil((0.5 * sfreq) / batch.hopSamples);
    const [nWindows, nFeatures] = streamed.shape as [number, number];
    expect(nFeatures).toBe(batch.nFeatures);
    expect(nWindows).toBe(batch.nWindows - settleWindows);
    const want = Float32Array.from(batch.data.subarray(settleWindows * nFeatures));
    let differ = 0;
    for (let i = 0; i < want.length; i++) if (!Object.is(want[i], (streamed.data as Float32Array)[i])) differ++;
    expect(differ).toBe(0);
  }, 120_000);

  it('calibration: cues label windows, the map is trained, actions renamed, dropped and added', async () => {
    const raw = generateEeg({ seed: 2, trialsPerClass: 4 });
    const { sessionId, token } = await platform.as(user).statespace.createSession({ labId, name: 'Cued', source: 'device', actions: ['left', 'right', 'rest'] });
    const call = platform.as(user).statespace;
    // Stream the recording as a device would (frames cut at trial edges), cueing each trial's class while its samples arrive.
    const trials = raw.annotations.map((a) => ({ action: a.description, start: Math.round(a.onset * raw.sfreq), end: Math.round((a.onset + a.duration) * raw.sfreq) }));
    const edges = trials.flatMap((t) => [t.start, t.end]);
    let sequence = 0;
    for (let t = 0; t < raw.nSamples; ) {
      const n = Math.min(32, raw.nSamples - t, ...edges.filter((e) => e > t).map((e) => e - t));
      const trial = trials.find((tr) => tr.start === t);
      if (trial) await call.cue({ labId, sessionId, action: trial.action });
      if (trials.some((tr) => tr.end === t)) await call.cue({ labId, sessionId, action: null });
      expect((await post(sessionId, encodeFrame({ sequence: sequence++, nChannels: 32, sfreq: raw.sfreq, timestamp: Date.now(), samples: interleave(raw.data, t, n) }), token!)).status).toBe(200);
      t += n;
      await settle();
    }
    await call.cue({ labId, sessionId, action: null });
    const session = (await sessionHub(platform.runtime).get(sessionId))!;
    await until(async () => session.stats().queuedSamples, (q) => q === 0);
    // A cue's windows: 1 s long, starting every 16 samples from 0.5 s after the cue until 1 s before its end.
    const expected: Record<string, number> = { left: 0, right: 0, rest: 0 };
    for (const tr of trials) expected[tr.action]! += Math.floor((tr.end - 160) / 16) - Math.ceil((tr.start + 80) / 16) + 1;
    expect(session.stats().calibration).toEqual(expected);

    const report = await call.train({ labId, sessionId, mode: 'refit' });
    expect(report.nWindows).toBe(expected.left! + expected.right! + expected.rest!);
    expect(report.accuracy).toBeGreaterThan(0.5);
    expect(report.pairs.map((p) => [p.a, p.b])).toEqual([
      ['left', 'right'],
      ['left', 'rest'],
      ['right', 'rest'],
    ]);
    const view = await call.session({ labId, sessionId });
    expect(view.map!.classes).toEqual(['left', 'right', 'rest']);
    expect(view.mapVersion).toBe(1);

    await call.renameAction({ labId, sessionId, from: 'rest', to: 'relax' });
    await call.dropAction({ labId, sessionId, action: 'left' });
    await call.addAction({ labId, sessionId, action: 'tongue' });
    const after = await call.session({ labId, sessionId });
    expect(after.actions).toEqual(['right', 'relax', 'tongue']);
    expect(after.map!.classes).toEqual(['right', 'relax']);
    expect(after.report!.pairs.map((p) => [p.a, p.b])).toEqual([['right', 'relax']]);
    expect(session.stats().calibration).toEqual({ right: expected.right, relax: expected.rest, tongue: 0 });
    await expect(call.train({ labId, sessionId, mode: 'update' })).rejects.toThrow(/No new calibration windows/);
    await expect(call.cue({ labId, sessionId, action: 'left' })).rejects.toThrow(/"left" is not one of this session's actions/);
  }, 120_000);

  it('replay: calibrated from its events, the replayed recording moves the point on the map, live over the subscription', async () => {
    const call = platform.as(user).statespace;
    const { sessionId } = await call.createSession({ labId, name: 'Replay', source: 'replay', datasetId, actions: [] });
    const report = await call.fitFromEvents({ labId, sessionId, events: ['left', 'right', 'rest'] });
    expect(report.mode).toBe('events');
    expect(report.accuracy).toBeGreaterThan(0.5);
    const state = await call.replay({ labId, sessionId, play: true, speed: 10 });
    expect(state.running).toBe(true);
    const live = await call.live({ labId, sessionId });
    const points: { x: number; y: number; latencyMs: number }[] = [];
    let stats: { latencyMs: { p99: number } | null; framesDropped: number } | null = null;
    for await (const message of live as AsyncIterable<{ points: typeof points; stats: NonNullable<typeof stats> }>) {
      points.push(...message.points);
      stats = message.stats;
      if (points.length >= 30) break;
    }
    await call.replay({ labId, sessionId, play: false });
    expect(stats!.framesDropped).toBe(0);
    expect(stats!.latencyMs!.p99).toBeLessThan(1000);
    // The point moves, and stays on the 6 x 6 map.
    expect(new Set(points.map((p) => `${p.x.toFixed(3)},${p.y.toFixed(3)}`)).size).toBeGreaterThan(5);
    for (const p of points) {
      expect(p.x).toBeGreaterThanOrEqual(-1);
      expect(p.x).toBeLessThanOrEqual(7);
    }
  }, 120_000);
});
