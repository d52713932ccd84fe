/** Level 3: live state-space sessions (the hub does the streaming) and offline state-space analyses. */
import { randomBytes } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { and, asc, count, desc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { channels, datasets, events, statespaceAnalyses, statespaceSessions } from '@/db/schema';
import { decodeArray } from '@/lib/arrays';
import { pickEegChannels } from '@/lib/eeg';
import type { StatespaceParams, synthesizeEegParams } from '@/lib/jobs';
import { SelfOrganizingMap, somToOnnx, type SomJson } from '@/lib/ml/som';
import { analysisJob, enqueueJob } from '@/server/jobs/service';
import type { Runtime } from '@/server/runtime';
import { hashToken, mapViewOf, sessionHub, type LiveSession } from '@/server/statespace/hub';
import { REPLAY_SPEEDS, Replay } from '@/server/statespace/replay';
import { readChannel } from '@/server/storage/signal';
import { runInThread } from '@/workers/threads/pool';
import { recordAudit } from './audit';

const actionName = z.string().trim().min(1, 'Name the action').max(60, 'At most 60 characters');

export const createSessionInput = z
  .object({
    name: z.string().trim().min(1, 'Name the session').max(200),
    source: z.enum(['replay', 'device']),
    /** The recording a replay session plays. */
    datasetId: z.string().optional(),
    actions: z.array(actionName).max(12).default([]),
    windowS: z.number().min(0.25).max(4).default(1),
    hopS: z.number().min(0.02).max(1).default(0.1),
    /** A device session may declare its channels and rate; otherwise its first frame fixes them (named ch1, ch2, ...). */
    device: z.object({ sfreq: z.number().positive().max(100_000), chNames: z.array(z.string().trim().min(1)).min(1).max(1024) }).optional(),
  })
  .refine((s) => s.source !== 'replay' || s.datasetId, { message: 'A replay session needs a recording', path: ['datasetId'] })
  .refine((s) => s.source !== 'replay' || !s.device, { message: "A replay session streams its recording's channels", path: ['device'] })
  .refine((s) => new Set(s.actions).size === s.actions.length, { message: 'Each action once', path: ['actions'] });

export const sessionInput = z.object({ sessionId: z.string() });
export const replayInput = sessionInput.extend({ play: z.boolean(), speed: z.union(REPLAY_SPEEDS.map((s) => z.literal(s))).default(1) });
export const cueInput = sessionInput.extend({ action: actionName.nullable() });
export const trainInput = sessionInput.extend({ mode: z.enum(['refit', 'update']) });
export const fitFromEventsInput = sessionInput.extend({ events: z.array(z.string().min(1)).min(2, 'Choose at least two kinds of event') });
export const actionInput = sessionInput.extend({ action: actionName });
export const renameActionInput = sessionInput.extend({ from: actionName, to: actionName });

const badRequest = (err: unknown) => new TRPCError({ code: 'BAD_REQUEST', message: err instanceof Error ? err.message : String(err), cause: err });

/** A recording of the lab that can be streamed: continuous, ingested, with its EEG channels. */
async function streamableRecording(db: Db, labId: string, datasetId: string) {
  const [dataset] = await db.select().from(datasets).where(and(eq(datasets.id, datasetId), eq(datasets.labId, labId)));
  if (!dataset) throw new TRPCError({ code: 'NOT_FOUND', message: 'Dataset not found' });
  if (dataset.kind !== 'raw' || dataset.status !== 'ready' || !dataset.layout) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: `"${dataset.name}" is not an ingested continuous recording; a state space reads sliding windows of one` });
  }
  const picked = pickEegChannels(await db.select().from(channels).where(eq(channels.datasetId, datasetId)).orderBy(asc(channels.index)));
  return { dataset: { ...dataset, layout: dataset.layout }, picked };
}

export async function createSession(runtime: Runtime, userId: string, labId: string, input: z.infer<typeof createSessionInput>) {
  const { db } = runtime;
  let layout: { sfreq: number; chNames: string[]; datasetId: string | null } | null = input.device ? { ...input.device, datasetId: null } : null;
  if (input.source === 'replay') {
    const { dataset, picked } = await streamableRecording(db, labId, input.datasetId!);
    layout = { sfreq: dataset.sfreq, chNames: picked.map((c) => c.name), datasetId: dataset.id };
  }
  const token = input.source === 'device' ? randomBytes(24).toString('base64url') : null;
  const [row] = await db
    .insert(statespaceSessions)
    .values({
      labId,
      name: input.name,
      source: input.source,
      datasetId: layout?.datasetId ?? null,
      sfreq: layout?.sfreq ?? null,
      chNames: layout?.chNames ?? null,
      tokenHash: token ? hashToken(token) : null,
      windowS: input.windowS,
      hopS: input.hopS,
      actions: input.actions,
      createdBy: userId,
    })
    .returning({ id: statespaceSessions.id });
  await recordAudit(db, { labId, actorId: userId, action: 'statespace.session.create', objectType: 'statespace_session', objectId: row!.id, detail: { source: input.source } });
  return { sessionId: row!.id, token };
}

export async function listSessions(db: Db, labId: string) {
  return db
    .select({
      id: statespaceSessions.id,
      name: statespaceSessions.name,
      source: statespaceSessions.source,
      status: statespaceSessions.status,
      datasetName: datasets.name,
      actions: statespaceSessions.actions,
      mapVersion: statespaceSessions.mapVersion,
      createdAt: statespaceSessions.createdAt,
    })
    .from(statespaceSessions)
    .leftJoin(datasets, eq(datasets.id, statespaceSessions.datasetId))
    .where(eq(statespaceSessions.labId, labId))
    .orderBy(desc(statespaceSessions.createdAt));
}

/** The lab's live session, loaded into this process's hub. */
export async function liveSession(runtime: Runtime, labId: string, sessionId: string): Promise<LiveSession> {
  const session = await sessionHub(runtime).get(sessionId);
  if (!session || session.labId !== labId) throw new TRPCError({ code: 'NOT_FOUND', message: 'Session not found' });
  return session;
}

export async function getSession(runtime: Runtime, labId: string, sessionId: string) {
  const session = await liveSession(runtime, labId, sessionId);
  const [row] = await runtime.db.select().from(statespaceSessions).where(eq(statespaceSessions.id, sessionId));
  if (!row) throw new TRPCError({ code: 'NOT_FOUND', message: 'Session not found' });
  const [dataset] = row.datasetId ? await runtime.db.select({ name: datasets.name }).from(datasets).where(eq(datasets.id, row.datasetId)) : [];
  // What "calibrate from the recording" can offer: the recording's kinds of event and how many of each.
  const eventKinds = row.datasetId
    ? await runtime.db
        .select({ description: events.description, n: count() })
        .from(events)
        .where(eq(events.datasetId, row.datasetId))
        .groupBy(events.description)
        .orderBy(asc(events.description))
    : [];
  const { tokenHash, mapKey: _mapKey, calibration: _calibration, ...rest } = row;
  return {
    ...rest,
    // The live values: the hub may be ahead of the row for a moment.
    actions: session.actions,
    mapVersion: session.mapVersion,
    report: session.report,
    sfreq: session.sfreq,
    chNames: session.chNames,
    status: session.status,
    hasToken: tokenHash !== null,
    datasetName: dataset?.name ?? null,
    eventKinds,
    map: session.mapView(),
  };
}

export async function regenerateToken(runtime: Runtime, userId: string, labId: string, sessionId: string) {
  const session = await liveSession(runtime, labId, sessionId);
  if (session.source !== 'device') throw new TRPCError({ code: 'BAD_REQUEST', message: 'Only device sessions take a token' });
  const token = randomBytes(24).toString('base64url');
  session.setTokenHash(hashToken(token));
  await sessionHub(runtime).save(sessionId, { tokenHash: hashToken(token) });
  await recordAudit(runtime.db, { labId, actorId: userId, action: 'statespace.session.token', objectType: 'statespace_session', objectId: sessionId });
  return { token };
}

/** Starts (at a speed) or pauses the replay of a replay session's recording. */
export async function setReplay(runtime: Runtime, labId: string, input: z.infer<typeof replayInput>) {
  const session = await liveSession(runtime, labId, input.sessionId);
  if (session.source !== 'replay' || !session.datasetId) throw new TRPCError({ code: 'BAD_REQUEST', message: 'This session takes device frames; it has no recording to replay' });
  if (session.status === 'closed') throw new TRPCError({ code: 'BAD_REQUEST', message: 'This session is closed' });
  if (!session.replay) {
    const { dataset, picked } = await streamableRecording(runtime.db, labId, session.datasetId);
    if (picked.map((c) => c.name).join('\n') !== session.chNames?.join('\n')) {
      throw new TRPCError({ code: 'BAD_REQUEST', message: `The channels of "${dataset.name}" changed since the session was made; start a new session` });
    }
    session.replay = new Replay(session, { blobs: runtime.blobs, layout: dataset.layout, sfreq: dataset.sfreq, nSamples: dataset.nTimes, channels: picked.map((c) => c.index) });
  }
  if (input.play) session.replay.start(input.speed);
  else session.replay.stop();
  return session.replay.state();
}

export async function cue(runtime: Runtime, labId: string, input: z.infer<typeof cueInput>) {
  const session = await liveSession(runtime, labId, input.sessionId);
  try {
    session.cue(input.action);
  } catch (err) {
    throw badRequest(err);
  }
  return session.stats().cue;
}

export async function train(runtime: Runtime, labId: string, input: z.infer<typeof trainInput>) {
  const session = await liveSession(runtime, labId, input.sessionId);
  try {
    return await session.train(input.mode);
  } catch (err) {
    throw badRequest(err);
  }
}

/**
 * Calibrates a replay session from its recording's events instead of live cues: the windows inside events of the
 * chosen kinds become the calibration (one cue per event), and the map is refitted on them.
 */
export async function fitFromEvents(runtime: Runtime, labId: string, input: z.infer<typeof fitFromEventsInput>) {
  const session = await liveSession(runtime, labId, input.sessionId);
  if (!session.datasetId) throw new TRPCError({ code: 'BAD_REQUEST', message: 'This session has no recording with events' });
  const { dataset, picked } = await streamableRecording(runtime.db, labId, session.datasetId);
  const annotations = await runtime.db
    .select({ onset: events.onset, duration: events.duration, description: events.description })
    .from(events)
    .where(and(eq(events.datasetId, dataset.id), inArray(events.description, input.events)))
    .orderBy(asc(events.onset), asc(events.index));
  const data: Float32Array[] = [];
  for (const ch of picked) data.push(await readChannel(runtime.blobs, dataset.layout, dataset.nTimes, ch.index));
  const windows = await runInThread('eventWindows', {
    channels: data,
    sfreq: dataset.sfreq,
    annotations,
    classes: input.events,
    windowS: session.windowS,
    hopS: session.hopS,
  });
  const empty = input.events.filter((_, k) => !windows.y.includes(k));
  if (empty.length) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: `No event ${empty.map((e) => `"${e}"`).join(', ')} holds a whole ${session.windowS} s window of "${dataset.name}"` });
  }
  session.setCalibration(windows, input.events);
  try {
    return await session.train('refit', 'events');
  } catch (err) {
    throw badRequest(err);
  }
}

export async function addAction(runtime: Runtime, labId: string, input: z.infer<typeof actionInput>) {
  const session = await liveSession(runtime, labId, input.sessionId);
  if (session.actions.includes(input.action)) throw new TRPCError({ code: 'BAD_REQUEST', message: `"${input.action}" is an action already` });
  session.actions.push(input.action);
  await sessionHub(runtime).save(session.id, { actions: session.actions });
  return session.actions;
}

export async function renameAction(runtime: Runtime, labId: string, input: z.infer<typeof renameActionInput>) {
  const session = await liveSession(runtime, labId, input.sessionId);
  try {
    session.renameAction(input.from, input.to);
  } catch (err) {
    throw badRequest(err);
  }
  await session.saveModel();
  return session.actions;
}

export async function dropAction(runtime: Runtime, labId: string, input: z.infer<typeof actionInput>) {
  const session = await liveSession(runtime, labId, input.sessionId);
  try {
    session.dropAction(input.action);
  } catch (err) {
    throw badRequest(err);
  }
  await session.saveModel();
  return session.actions;
}

export async function closeSession(runtime: Runtime, userId: string, labId: string, sessionId: string) {
  const session = await liveSession(runtime, labId, sessionId);
  session.close();
  await sessionHub(runtime).save(sessionId, { status: 'closed' });
  await recordAudit(runtime.db, { labId, actorId: userId, action: 'statespace.session.close', objectType: 'statespace_session', objectId: sessionId });
}

export async function deleteSession(runtime: Runtime, userId: string, labId: string, sessionId: string) {
  await liveSession(runtime, labId, sessionId);
  await sessionHub(runtime).forget(sessionId);
  await runtime.db.delete(statespaceSessions).where(eq(statespaceSessions.id, sessionId));
  await recordAudit(runtime.db, { labId, actorId: userId, action: 'statespace.session.delete', objectType: 'statespace_session', objectId: sessionId });
}

/** The live map as JSON (SomJson) or ONNX (features -> position, BMU, posterior). */
export async function sessionMapFile(runtime: Runtime, labId: string, sessionId: string, file: 'map.json' | 'map.onnx') {
  const session = await liveSession(runtime, labId, sessionId);
  if (!session.map) throw new TRPCError({ code: 'NOT_FOUND', message: 'This session has no map yet' });
  const base = session.id.slice(0, 8);
  return file === 'map.json'
    ? { body: JSON.stringify({ ...session.map.toJSON(), channels: session.chNames }), type: 'application/json', name: `session-${base}-map.json` }
    : { body: somToOnnx(session.map), type: 'application/octet-stream', name: `session-${base}-map.onnx` };
}

/** Queues the synthetic motor imagery EEG recording (Level 3 ground truth) for the lab. */
export async function synthesizeEeg(runtime: Runtime, userId: string, labId: string, params: z.infer<typeof synthesizeEegParams>) {
  return enqueueJob(runtime.db, runtime.boss, { labId, kind: 'dataset.synthesizeEeg', title: `Generate "${params.name}"`, params, createdBy: userId });
}

// --- offline analyses -----------------------------------------------------------------------------------------

/** Creates the analysis record and queues its job. */
export async function startStatespaceAnalysis(runtime: Runtime, userId: string, labId: string, params: StatespaceParams) {
  const { dataset } = await streamableRecording(runtime.db, labId, params.datasetId);
  const found = await runtime.db
    .selectDistinct({ description: events.description })
    .from(events)
    .where(and(eq(events.datasetId, dataset.id), inArray(events.description, params.events)));
  const missing = params.events.filter((e) => !found.some((f) => f.description === e));
  if (missing.length) throw new TRPCError({ code: 'BAD_REQUEST', message: `"${dataset.name}" has no event ${missing.map((m) => `"${m}"`).join(', ')}` });
  const [analysis] = await runtime.db
    .insert(statespaceAnalyses)
    .values({ labId, datasetId: dataset.id, name: params.name, params, createdBy: userId })
    .returning({ id: statespaceAnalyses.id });
  const job = await enqueueJob(runtime.db, runtime.boss, {
    labId,
    kind: 'analysis.statespace',
    title: `State space "${params.name}"`,
    params: { ...params, analysisId: analysis!.id },
    inputChecksums: Object.fromEntries(dataset.layout.chunks.map((key, i) => [`signal:${i}`, `sha256:${key}`])),
    createdBy: userId,
  });
  await runtime.db.update(statespaceAnalyses).set({ jobId: job.id }).where(eq(statespaceAnalyses.id, analysis!.id));
  await recordAudit(runtime.db, { labId, actorId: userId, action: 'analysis.start', objectType: 'statespace_analysis', objectId: analysis!.id });
  return { analysisId: analysis!.id, jobId: job.id };
}

export async function listStatespaceAnalyses(db: Db, labId: string) {
  return db
    .select({
      id: statespaceAnalyses.id,
      name: statespaceAnalyses.name,
      status: statespaceAnalyses.status,
      datasetName: datasets.name,
      metrics: statespaceAnalyses.metrics,
      createdAt: statespaceAnalyses.createdAt,
    })
    .from(statespaceAnalyses)
    .innerJoin(datasets, eq(datasets.id, statespaceAnalyses.datasetId))
    .where(eq(statespaceAnalyses.labId, labId))
    .orderBy(desc(statespaceAnalyses.createdAt));
}

async function analysisRow(db: Db, labId: string, analysisId: string) {
  const [row] = await db.select().from(statespaceAnalyses).where(and(eq(statespaceAnalyses.id, analysisId), eq(statespaceAnalyses.labId, labId)));
  if (!row) throw new TRPCError({ code: 'NOT_FOUND', message: 'Analysis not found' });
  return row;
}

async function mapOf(runtime: Runtime, key: string): Promise<SelfOrganizingMap> {
  return SelfOrganizingMap.fromJSON(JSON.parse((await runtime.blobs.get(key)).toString('utf8')) as SomJson);
}

/** The analysis with its job, and once ready the map to draw and where every labelled window landed on it. */
export async function getStatespaceAnalysis(runtime: Runtime, labId: string, analysisId: string) {
  const row = await analysisRow(runtime.db, labId, analysisId);
  const [dataset] = await runtime.db.select({ name: datasets.name }).from(datasets).where(eq(datasets.id, row.datasetId));
  const job = await analysisJob(runtime.db, row.jobId);
  let map = null;
  let windows = null;
  if (row.status === 'ready' && row.blobs.map && row.blobs.positions && row.blobs.labels) {
    map = mapViewOf(await mapOf(runtime, row.blobs.map));
    const positions = decodeArray(await runtime.blobs.get(row.blobs.positions)).data as Float32Array;
    const labels = decodeArray(await runtime.blobs.get(row.blobs.labels)).data as Int32Array;
    windows = { positions: Array.from(positions), labels: Array.from(labels) };
  }
  return { ...row, datasetName: dataset?.name ?? '', job: job ?? null, map, windows };
}

export const STATESPACE_FILES = { 'map.json': 'map', 'map.onnx': 'onnx', 'metrics.json': 'metrics' } as const;

/** map.json (SomJson with feature names), map.onnx, metrics.json of a finished analysis. */
export async function statespaceFile(runtime: Runtime, labId: string, analysisId: string, file: keyof typeof STATESPACE_FILES) {
  const row = await analysisRow(runtime.db, labId, analysisId);
  const key = row.blobs[STATESPACE_FILES[file]];
  if (row.status !== 'ready' || !key) throw new TRPCError({ code: 'NOT_FOUND', message: 'No finished analysis with this id' });
  const base = row.name.replace(/[^\w.-]+/g, '_');
  return { body: new Uint8Array(await runtime.blobs.get(key)), type: file.endsWith('.json') ? 'application/json' : 'application/octet-stream', name: `${base}-${file}` };
}
