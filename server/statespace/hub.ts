/**
 * The live half of Level 3 (METHODS.md): per session, samples arrive (device frames or a server-side replay), go
 * through a bounded queue, become band power windows (BandPowerStream) and, once a map is trained, points on the
 * map that viewers receive through a tRPC subscription. Calibration cues label the windows they hold; training
 * runs in a worker thread and swaps the new map in.
 *
 * One hub per runtime, kept on globalThis (Next.js may load this module in more than one bundle). A session lives
 * in the web process that serves it: with several web processes, route a session's traffic to one of them.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { statespaceSessions, type CalibrationBlobs, type CalibrationReport } from '@/db/schema';
import { decodeArray, encodeArray, ndarray } from '@/lib/arrays';
import { BandPowerStream, type SampleLayout } from '@/lib/eeg';
import { percentile } from '@/lib/ml/forest/cv';
import { SelfOrganizingMap, type SomJson, type SomOptions } from '@/lib/ml/som';
import type { BlobStore } from '@/server/storage/blobs';
import { runInThread } from '@/workers/threads/pool';
import type { Replay } from './replay';

type SessionRow = typeof statespaceSessions.$inferSelect;

export interface HubRuntime {
  db: Db;
  blobs: BlobStore;
}

export interface HubOptions {
  /** Seconds of samples a session may hold unprocessed before frames are refused with 429 (default 2). */
  queueSeconds?: number;
  /** Map settings of live sessions (default: lib/ml/som's, a 10 x 10 hexagonal map). */
  som?: SomOptions;
}

/** One window's place on the map, as viewers draw it. */
export interface LivePoint {
  /** End of the window in seconds of stream time. */
  t: number;
  x: number;
  y: number;
  bmu: number;
  /** The action whose territory holds the BMU (most hits), or null for a node no calibration window reached. */
  action: string | null;
  /** From the arrival of the window's last sample to the point, ms. */
  latencyMs: number;
}

export interface FrameInput {
  sequence: number;
  nChannels: number;
  nSamples: number;
  sfreq: number;
  /** Device time of the first sample, ms since the Unix epoch (optional for replays). */
  timestamp?: number;
  samples: Float32Array;
  layout: SampleLayout;
}

export type AcceptResult = { ok: true } | { ok: false; status: 400 | 409 | 429; message: string };

/** Seconds to wait before resending a refused frame: the queue holds about this much. */
export const RETRY_AFTER_S = 1;
/** Waiting after the cue before windows count as the action: reaction time and transport. */
const CUE_SETTLE_S = 0.5;
const TRAIL_POINTS = 200;
const STATS_WINDOWS = 1024;
const MAX_WINDOWS_PER_TURN_MS = 20;

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** The last `size` values, for percentiles. */
class Recent {
  private readonly values: Float64Array;
  private n = 0;
  constructor(size: number) {
    this.values = new Float64Array(size);
  }
  add(v: number): void {
    this.values[this.n++ % this.values.length] = v;
  }
  summary(): { p50: number; p99: number; last: number } | null {
    if (this.n === 0) return null;
    const held = this.values.subarray(0, Math.min(this.n, this.values.length));
    return { p50: percentile(held, 50), p99: percentile(held, 99), last: this.values[(this.n - 1) % this.values.length]! };
  }
}

interface QueuedFrame {
  samples: Float32Array;
  layout: SampleLayout;
  nSamples: number;
  /** Session sample clock at the frame's first sample. */
  first: number;
  /** A gap precedes this frame: windows must not span it. */
  restart: boolean;
  arrivedAt: number;
}

interface Cue {
  action: string;
  trial: number;
  start: number;
  /** Sample clock when the cue ended (null while it runs). */
  end: number | null;
}

/** Calibration windows as they are collected: features, action index, cue index. */
interface Calibration {
  rows: Float32Array[];
  labels: number[];
  trials: number[];
}

export class LiveSession {
  readonly id: string;
  readonly labId: string;
  readonly source: 'replay' | 'device';
  readonly datasetId: string | null;
  readonly windowS: number;
  readonly hopS: number;
  status: 'open' | 'closed';
  sfreq: number | null;
  chNames: string[] | null;
  actions: string[];
  map: SelfOrganizingMap | null = null;
  mapVersion: number;
  report: CalibrationReport | null;
  replay: Replay | null = null;
  private tokenHash: string | null;
  private stream: BandPowerStream | null = null;
  /** Action of each node (most hits), -1 where no window landed. */
  private nodeAction: Int32Array = new Int32Array(0);

  private readonly queue: QueuedFrame[] = [];
  private queuedSamples = 0;
  private pumping = false;
  /** Samples per channel that have arrived, plus those lost in sequence gaps: the session's clock. */
  private clock = 0;
  /** Clock value of the feature stream's sample 0 (the stream restarts after a gap). */
  private streamOrigin = 0;
  private lastSequence: number | null = null;
  private lastArrival = 0;
  private counters = { framesReceived: 0, framesDropped: 0, framesLate: 0, framesRefused: 0, windows: 0, points: 0 };
  private readonly latency = new Recent(STATS_WINDOWS);
  private readonly compute = new Recent(STATS_WINDOWS);
  private readonly frameAge = new Recent(STATS_WINDOWS);
  private readonly trail: LivePoint[] = [];
  private readonly listeners = new Set<(point: LivePoint) => void>();

  private cues: Cue[] = [];
  private nextTrial = 0;
  private calibration: Calibration = { rows: [], labels: [], trials: [] };
  /** Calibration windows the current map has learnt (the first ones): 'update' teaches it the rest. */
  private trainedRows = 0;
  private training = false;

  constructor(
    row: SessionRow,
    private readonly hub: SessionHub,
  ) {
    this.id = row.id;
    this.labId = row.labId;
    this.source = row.source;
    this.datasetId = row.datasetId;
    this.windowS = row.windowS;
    this.hopS = row.hopS;
    this.status = row.status;
    this.tokenHash = row.tokenHash;
    this.sfreq = row.sfreq;
    this.chNames = row.chNames;
    this.actions = [...row.actions];
    this.mapVersion = row.mapVersion;
    this.report = row.report;
    if (this.sfreq && this.chNames) this.stream = new BandPowerStream(this.chNames.length, this.sfreq, { windowS: this.windowS, hopS: this.hopS });
  }

  /** Map and calibration windows from blob storage (after a restart, or on first use in this process). */
  async load(row: SessionRow): Promise<void> {
    const { blobs } = this.hub.runtime;
    if (row.mapKey) this.setMap(SelfOrganizingMap.fromJSON(JSON.parse((await blobs.get(row.mapKey)).toString('utf8')) as SomJson));
    if (row.calibration) {
      const X = decodeArray(await blobs.get(row.calibration.windows));
      const labels = decodeArray(await blobs.get(row.calibration.labels)).data as Int32Array;
      const trials = decodeArray(await blobs.get(row.calibration.trials)).data as Int32Array;
      const f = X.shape[1]!;
      const data = X.data as Float32Array;
      this.calibration = {
        rows: Array.from({ length: labels.length }, (_, i) => data.slice(i * f, (i + 1) * f)),
        labels: Array.from(labels),
        trials: Array.from(trials),
      };
      this.trainedRows = labels.length;
      this.nextTrial = trials.reduce((m, t) => Math.max(m, t + 1), 0);
    }
  }

  tokenMatches(token: string): boolean {
    if (!this.tokenHash) return false;
    return timingSafeEqual(Buffer.from(hashToken(token), 'hex'), Buffer.from(this.tokenHash, 'hex'));
  }

  setTokenHash(hash: string): void {
    this.tokenHash = hash;
  }

  // --- samples in -------------------------------------------------------------------------------------------

  /**
   * Takes one frame into the queue, or says why not: a layout that does not match the session (400), a closed
   * session (409), or a full queue (429: resend it after RETRY_AFTER_S). Sequence gaps count as dropped frames and
   * restart the windows after the gap; a frame older than the last one is late and ignored.
   */
  accept(frame: FrameInput, arrivedAt = performance.now()): AcceptResult {
    if (this.status === 'closed') return { ok: false, status: 409, message: 'This session is closed' };
    if (!this.sfreq || !this.chNames) this.fixLayout(frame.nChannels, frame.sfreq);
    // Rates are stored as float32 (real): compare at that precision.
    if (frame.nChannels !== this.chNames!.length || Math.fround(frame.sfreq) !== Math.fround(this.sfreq!)) {
      return {
        ok: false,
        status: 400,
        message: `frame ${frame.sequence}: ${frame.nChannels} channels at ${frame.sfreq} Hz, but this session streams ${this.chNames!.length} channels at ${this.sfreq} Hz`,
      };
    }
    if (this.queuedSamples + frame.nSamples > this.queueLimit()) {
      this.counters.framesRefused++;
      return { ok: false, status: 429, message: `The session's queue is full (${this.queuedSamples} samples waiting); resend in ${RETRY_AFTER_S} s` };
    }
    let restart = false;
    if (this.lastSequence !== null) {
      const step = (frame.sequence - this.lastSequence) >>> 0;
      if (step === 0 || step > 2 ** 31) {
        this.counters.framesLate++;
        return { ok: true };
      }
      if (step > 1) {
        this.counters.framesDropped += step - 1;
        // The lost frames' samples keep the clock honest for cue timing; assume they were as long as this one.
        this.clock += (step - 1) * frame.nSamples;
        restart = true;
      }
    }
    this.lastSequence = frame.sequence;
    this.counters.framesReceived++;
    this.lastArrival = Date.now();
    if (frame.timestamp !== undefined) this.frameAge.add(this.lastArrival - (frame.timestamp + (1000 * frame.nSamples) / frame.sfreq));
    this.queue.push({ samples: frame.samples, layout: frame.layout, nSamples: frame.nSamples, first: this.clock, restart, arrivedAt });
    this.queuedSamples += frame.nSamples;
    this.clock += frame.nSamples;
    this.schedule();
    return { ok: true };
  }

  private queueLimit(): number {
    return Math.max(1, Math.round((this.hub.options.queueSeconds ?? 2) * this.sfreq!));
  }

  /** A device session takes its layout from its first frame. */
  private fixLayout(nChannels: number, sfreq: number): void {
    this.sfreq = sfreq;
    this.chNames = Array.from({ length: nChannels }, (_, i) => `ch${i + 1}`);
    this.stream = new BandPowerStream(nChannels, sfreq, { windowS: this.windowS, hopS: this.hopS });
    void this.hub.save(this.id, { sfreq, chNames: this.chNames });
  }

  private schedule(): void {
    if (this.pumping) return;
    this.pumping = true;
    setImmediate(() => this.drain());
  }

  /** Works through the queue a slice of time at a time, so requests and viewers are served in between. */
  private drain(): void {
    const deadline = performance.now() + MAX_WINDOWS_PER_TURN_MS;
    while (this.queue.length > 0 && performance.now() < deadline) {
      const frame = this.queue.shift()!;
      this.queuedSamples -= frame.nSamples;
      this.process(frame);
    }
    this.pumping = false;
    if (this.queue.length > 0) this.schedule();
  }

  private process(frame: QueuedFrame): void {
    const stream = this.stream!;
    if (frame.restart) {
      stream.reset();
      this.streamOrigin = frame.first;
    }
    const t0 = performance.now();
    const windows = stream.push(frame.samples, frame.layout);
    if (windows.nWindows === 0) return;
    const { nFeatures, windowSamples } = stream.layout;
    const points: LivePoint[] = [];
    for (let w = 0; w < windows.nWindows; w++) {
      const row = windows.data.subarray(w * nFeatures, (w + 1) * nFeatures);
      const start = this.streamOrigin + windows.starts[w]!;
      this.collect(row, start, start + windowSamples);
      if (!this.map) continue;
      const { x, y, bmu } = this.map.locate(row);
      const k = this.nodeAction[bmu]!;
      points.push({ t: (start + windowSamples) / this.sfreq!, x, y, bmu, action: k >= 0 ? this.map.classes[k]! : null, latencyMs: 0 });
    }
    const done = performance.now();
    this.counters.windows += windows.nWindows;
    for (let w = 0; w < windows.nWindows; w++) this.compute.add((done - t0) / windows.nWindows);
    for (const p of points) {
      p.latencyMs = done - frame.arrivedAt;
      this.latency.add(p.latencyMs);
      this.counters.points++;
      this.trail.push(p);
      for (const listener of this.listeners) listener(p);
    }
    if (this.trail.length > TRAIL_POINTS) this.trail.splice(0, this.trail.length - TRAIL_POINTS);
  }

  subscribe(listener: (point: LivePoint) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  recentPoints(): LivePoint[] {
    return [...this.trail];
  }

  stats() {
    const calibration = Object.fromEntries(this.actions.map((a) => [a, 0]));
    this.calibration.labels.forEach((k) => {
      const a = this.actions[k];
      if (a !== undefined) calibration[a]++;
    });
    const cue = this.cues.find((c) => c.end === null);
    return {
      ...this.counters,
      queuedSamples: this.queuedSamples,
      latencyMs: this.latency.summary(),
      computeMs: this.compute.summary(),
      frameAgeMs: this.frameAge.summary(),
      receiving: Date.now() - this.lastArrival < 1000,
      seconds: this.sfreq ? this.clock / this.sfreq : 0,
      replay: this.replay?.state() ?? null,
      cue: cue ? { action: cue.action, trial: cue.trial } : null,
      calibration,
      training: this.training,
      mapVersion: this.mapVersion,
    };
  }

  // --- calibration ------------------------------------------------------------------------------------------

  /** Starts cueing `action` (ending any cue that runs), or ends the cue with null. */
  cue(action: string | null): void {
    if (action !== null && !this.actions.includes(action)) throw new Error(`"${action}" is not one of this session's actions (${this.actions.join(', ')})`);
    for (const c of this.cues) if (c.end === null) c.end = this.clock;
    if (action !== null) this.cues.push({ action, trial: this.nextTrial++, start: this.clock, end: null });
  }

  /** Keeps a window that lies inside a cue, after the settle time, as a labelled calibration window. */
  private collect(row: Float64Array, start: number, end: number): void {
    if (this.cues.length === 0) return;
    const settle = Math.round(CUE_SETTLE_S * this.sfreq!);
    const cue = this.cues.find((c) => start >= c.start + settle && (c.end === null || end <= c.end));
    // Ended cues no window can fall into any more are forgotten.
    this.cues = this.cues.filter((c) => c.end === null || c.end > start);
    if (!cue) return;
    this.calibration.rows.push(Float32Array.from(row));
    this.calibration.labels.push(this.actions.indexOf(cue.action));
    this.calibration.trials.push(cue.trial);
  }

  /** Replaces the calibration with windows cut from the recording by its events (one trial per event). */
  setCalibration(windows: { X: Float64Array; nFeatures: number; y: Int32Array; trials: Int32Array }, actions: string[]): void {
    this.actions = [...actions];
    const f = windows.nFeatures;
    this.calibration = {
      rows: Array.from(windows.y, (_, i) => Float32Array.from(windows.X.subarray(i * f, (i + 1) * f))),
      labels: Array.from(windows.y),
      trials: Array.from(windows.trials),
    };
    this.nextTrial = windows.trials.reduce((m, t) => Math.max(m, t + 1), 0);
    this.trainedRows = 0;
    this.cues = [];
  }

  /**
   * Trains a new map on every calibration window ('refit'), or teaches the current one the windows since it was
   * last trained and any new actions ('update'); then stores map, windows and report.
   */
  async train(mode: 'refit' | 'update', reportMode: CalibrationReport['mode'] = mode): Promise<CalibrationReport> {
    if (this.training) throw new Error('The map is being trained already');
    const n = this.calibration.labels.length;
    if (n === 0 || !this.stream) throw new Error('No calibration windows yet: cue the actions while the stream runs');
    if (mode === 'update' && !this.map) throw new Error('There is no map to update yet: refit first');
    this.training = true;
    try {
      const nFeatures = this.stream.layout.nFeatures;
      const X = new Float32Array(n * nFeatures);
      this.calibration.rows.forEach((r, i) => X.set(r, i * nFeatures));
      const y = Int32Array.from(this.calibration.labels);
      const trials = Int32Array.from(this.calibration.trials);
      const { map, report } = await runInThread('statespaceTrain', {
        X,
        nFeatures,
        y,
        trials,
        actions: this.actions,
        mode,
        map: mode === 'update' ? this.map!.toJSON() : null,
        newRows: this.trainedRows,
        som: this.hub.options.som ?? {},
      });
      this.setMap(SelfOrganizingMap.fromJSON(map));
      this.trainedRows = n;
      this.mapVersion++;
      this.report = { ...report, mode: reportMode, trainedAt: new Date().toISOString() };
      await this.persistModel(X, y, trials, nFeatures);
      return this.report;
    } finally {
      this.training = false;
    }
  }

  renameAction(from: string, to: string): void {
    const i = this.actions.indexOf(from);
    if (i < 0) throw new Error(`"${from}" is not one of this session's actions`);
    if (this.actions.includes(to)) throw new Error(`"${to}" is an action already`);
    this.actions[i] = to;
    const k = this.map?.classes.indexOf(from) ?? -1;
    if (k >= 0) this.map!.classes[k] = to;
    if (this.report) this.report = { ...this.report, pairs: this.report.pairs.map((p) => ({ ...p, a: p.a === from ? to : p.a, b: p.b === from ? to : p.b })) };
    for (const c of this.cues) if (c.action === from) c.action = to;
  }

  /** Forgets an action: its calibration windows and its hits on the map (the map's weights keep what they learnt until the next refit). */
  dropAction(action: string): void {
    const i = this.actions.indexOf(action);
    if (i < 0) throw new Error(`"${action}" is not one of this session's actions`);
    this.cue(null);
    const keep = this.calibration.labels.map((k) => k !== i);
    this.trainedRows -= keep.slice(0, this.trainedRows).filter((k) => !k).length;
    this.calibration = {
      rows: this.calibration.rows.filter((_, r) => keep[r]),
      labels: this.calibration.labels.filter((_, r) => keep[r]).map((k) => (k > i ? k - 1 : k)),
      trials: this.calibration.trials.filter((_, r) => keep[r]),
    };
    this.actions.splice(i, 1);
    const k = this.map?.classes.indexOf(action) ?? -1;
    if (k >= 0) {
      const json = this.map!.toJSON();
      const nClasses = json.classes.length;
      json.classes.splice(k, 1);
      json.classCounts = json.classCounts.filter((_, idx) => idx % nClasses !== k);
      this.setMap(SelfOrganizingMap.fromJSON(json));
    }
    if (this.report) this.report = { ...this.report, pairs: this.report.pairs.filter((p) => p.a !== action && p.b !== action) };
  }

  /** Stores map, calibration windows and report after any change to them; viewers reload the map. */
  async saveModel(): Promise<void> {
    const nFeatures = this.stream?.layout.nFeatures ?? 0;
    const n = this.calibration.labels.length;
    const X = new Float32Array(n * nFeatures);
    this.calibration.rows.forEach((r, i) => X.set(r, i * nFeatures));
    this.mapVersion++;
    await this.persistModel(X, Int32Array.from(this.calibration.labels), Int32Array.from(this.calibration.trials), nFeatures);
  }

  private async persistModel(X: Float32Array, y: Int32Array, trials: Int32Array, nFeatures: number): Promise<void> {
    const { blobs } = this.hub.runtime;
    const n = y.length;
    const [windows, labels, trialKeys, map] = await Promise.all([
      blobs.put(encodeArray(ndarray('float32', X, [n, nFeatures], ['windows', 'features']))),
      blobs.put(encodeArray(ndarray('int32', y, [n], ['windows']))),
      blobs.put(encodeArray(ndarray('int32', trials, [n], ['windows']))),
      this.map ? blobs.put(new TextEncoder().encode(JSON.stringify(this.map.toJSON()))) : null,
    ]);
    const calibration: CalibrationBlobs = { windows: windows.key, labels: labels.key, trials: trialKeys.key, nWindows: n };
    await this.hub.save(this.id, { actions: this.actions, mapKey: map?.key ?? null, mapVersion: this.mapVersion, calibration, report: this.report });
  }

  private setMap(map: SelfOrganizingMap): void {
    this.map = map;
    const k = map.classes.length;
    this.nodeAction = new Int32Array(map.grid.nNodes).fill(-1);
    for (let j = 0; j < map.grid.nNodes; j++) {
      let best = -1;
      for (let c = 0; c < k; c++) if (map.classCounts[j * k + c]! > 0 && (best < 0 || map.classCounts[j * k + c]! > map.classCounts[j * k + best]!)) best = c;
      this.nodeAction[j] = best;
    }
  }

  /** What a viewer needs to draw the map: node positions, each action's posterior and the hits per node. */
  mapView() {
    const map = this.map;
    if (!map) return null;
    return mapViewOf(map);
  }

  close(): void {
    this.replay?.stop();
    this.status = 'closed';
    this.queue.length = 0;
    this.queuedSamples = 0;
  }
}

/** Node coordinates, class posteriors, hits and territory overlap of a map, as plain arrays for the browser. */
export function mapViewOf(map: SelfOrganizingMap) {
  const k = map.classes.length;
  const hits = Array.from({ length: map.grid.nNodes }, (_, j) => {
    let s = 0;
    for (let c = 0; c < k; c++) s += map.classCounts[j * k + c]!;
    return s;
  });
  return {
    rows: map.grid.rows,
    cols: map.grid.cols,
    topology: map.grid.topology,
    coords: Array.from(map.grid.coords),
    classes: [...map.classes],
    posteriors: Array.from(map.posteriors()),
    hits,
    overlap: Array.from(map.territoryOverlap()),
    nTrained: map.nTrained,
  };
}
export type MapView = ReturnType<typeof mapViewOf>;

export class SessionHub {
  private readonly sessions = new Map<string, Promise<LiveSession | null>>();

  constructor(
    readonly runtime: HubRuntime,
    readonly options: HubOptions = {},
  ) {}

  /** The live session, loaded from the database on first use; null when there is no such session. */
  get(sessionId: string): Promise<LiveSession | null> {
    let session = this.sessions.get(sessionId);
    if (!session) {
      session = this.load(sessionId);
      this.sessions.set(sessionId, session);
      // A failed load is not remembered: the next request tries again.
      session.catch(() => this.sessions.delete(sessionId));
    }
    return session;
  }

  private async load(sessionId: string): Promise<LiveSession | null> {
    const [row] = await this.runtime.db.select().from(statespaceSessions).where(eq(statespaceSessions.id, sessionId));
    if (!row) {
      this.sessions.delete(sessionId);
      return null;
    }
    const session = new LiveSession(row, this);
    await session.load(row);
    return session;
  }

  /** The session a device's token opens, or null (unknown session and wrong token look the same). */
  async authenticate(sessionId: string, token: string): Promise<LiveSession | null> {
    const session = await this.get(sessionId);
    return session?.tokenMatches(token) ? session : null;
  }

  /** Stops and forgets a session (after it is deleted). */
  async forget(sessionId: string): Promise<void> {
    const session = await this.sessions.get(sessionId);
    session?.close();
    this.sessions.delete(sessionId);
  }

  async save(sessionId: string, values: Partial<typeof statespaceSessions.$inferInsert>): Promise<void> {
    await this.runtime.db
      .update(statespaceSessions)
      .set({ ...values, updatedAt: new Date() })
      .where(eq(statespaceSessions.id, sessionId));
  }
}

const hubs = globalThis as unknown as { __brainglassSessionHubs?: WeakMap<HubRuntime, SessionHub> };

/** The hub of a runtime (one per process in the app; tests and benchmarks get one per test platform). */
export function sessionHub(runtime: HubRuntime, options?: HubOptions): SessionHub {
  hubs.__brainglassSessionHubs ??= new WeakMap();
  let hub = hubs.__brainglassSessionHubs.get(runtime);
  if (!hub) {
    hub = new SessionHub(runtime, options);
    hubs.__brainglassSessionHubs.set(runtime, hub);
  }
  return hub;
}
