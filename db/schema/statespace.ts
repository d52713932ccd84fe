import { index, integer, jsonb, pgEnum, pgTable, real, text, timestamp } from 'drizzle-orm/pg-core';
import { analysisStatus } from './analyses';
import { createdAtColumn, createdByColumn, idColumn, labColumn } from './columns';
import { datasets } from './datasets';

/** Where a live session's samples come from: a stored recording replayed by the server, or a device bridge. */
export const statespaceSource = pgEnum('statespace_source', ['replay', 'device']);
export const statespaceSessionStatus = pgEnum('statespace_session_status', ['open', 'closed']);

/** Labelled calibration windows of a session, as blobs (lib/arrays): features, action index, cue (trial) index. */
export interface CalibrationBlobs {
  /** float32, windows x features. */
  windows: string;
  /** int32 index into the session's actions. */
  labels: string;
  /** int32, the cue each window was recorded under; windows of one cue stay together in cross-validation. */
  trials: string;
  nWindows: number;
}

/** What the last training found: how well the map tells the actions apart. */
export interface CalibrationReport {
  mode: 'refit' | 'update' | 'events';
  trainedAt: string;
  nWindows: number;
  /** Cross-validated accuracy of the map as a classifier over cues; null with fewer than 2 cues per action. */
  accuracy: number | null;
  /** Bhattacharyya overlap of the territories (1 = same place) and cross-validated accuracy of each pair. */
  pairs: { a: string; b: string; overlap: number; accuracy: number | null }[];
}

/**
 * A live mental-state-space session (METHODS.md, Level 3): the stream's feature settings, the mental actions the
 * user tries, the map learnt from calibration and the labelled windows it learnt from. The stream itself lives
 * in the web process that serves the session (server/statespace/hub.ts).
 */
export const statespaceSessions = pgTable(
  'statespace_sessions',
  {
    id: idColumn(),
    labId: labColumn(),
    name: text('name').notNull(),
    source: statespaceSource('source').notNull(),
    /** The recording a replay session plays. */
    datasetId: text('dataset_id').references(() => datasets.id, { onDelete: 'set null' }),
    /** sha256 (hex) of the bearer token a device bridge sends; the token itself is shown once. */
    tokenHash: text('token_hash'),
    status: statespaceSessionStatus('status').notNull().default('open'),
    /** Stream layout: fixed by the recording (replay) or by the first frame (device). */
    sfreq: real('sfreq'),
    chNames: jsonb('ch_names').$type<string[]>(),
    windowS: real('window_s').notNull().default(1),
    hopS: real('hop_s').notNull().default(0.1),
    /** The mental actions the user names, in cue order. */
    actions: jsonb('actions').$type<string[]>().notNull().default([]),
    /** The map (SomJson, lib/ml/som) as a blob; bumped `mapVersion` tells viewers to reload it. */
    mapKey: text('map_key'),
    mapVersion: integer('map_version').notNull().default(0),
    calibration: jsonb('calibration').$type<CalibrationBlobs>(),
    report: jsonb('report').$type<CalibrationReport>(),
    createdBy: createdByColumn(),
    createdAt: createdAtColumn(),
    updatedAt: timestamp('updated_at', { mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('statespace_sessions_lab').on(t.labId)],
);

/** metrics.json of an offline state-space analysis (the CLI writes the same document). */
export interface StateSpaceMetrics {
  classes: string[];
  nWindows: number;
  nTrials: number;
  windowsPerClass: Record<string, number>;
  features: { sfreq: number; channels: string[]; bands: { name: string; fmin: number; fmax: number }[]; windowS: number; hopS: number; nFeatures: number };
  som: Record<string, unknown>;
  crossValidation: { accuracy: number; nSplits: number; confusion: number[][]; f1: Record<string, number> };
  chance: { mean: number; sd: number; p95: number; nShuffles: number; accuracies: number[] };
  separability: { a: string; b: string; overlap: number; accuracy: number }[];
  quantisationError: number;
  topographicError: number;
}

/**
 * An offline state-space analysis of a recording with labelled events: the map fitted to all labelled windows
 * and its quality (cross-validated accuracy against shuffled-label chance, separability, QE/TE). Level 1 keeps
 * its own `analyses` rows, whose summary is typed for signatures.
 */
export const statespaceAnalyses = pgTable(
  'statespace_analyses',
  {
    id: idColumn(),
    labId: labColumn(),
    datasetId: text('dataset_id')
      .notNull()
      .references(() => datasets.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    params: jsonb('params').$type<Record<string, unknown>>().notNull(),
    status: analysisStatus('status').notNull().default('running'),
    jobId: text('job_id'),
    metrics: jsonb('metrics').$type<StateSpaceMetrics>(),
    /** 'map' (SomJson), 'onnx', 'metrics' (metrics.json), 'positions' (float32 windows x 2), 'labels' (int32). */
    blobs: jsonb('blobs').$type<Record<string, string>>().notNull().default({}),
    createdBy: createdByColumn(),
    createdAt: createdAtColumn(),
  },
  (t) => [index('statespace_analyses_lab').on(t.labId)],
);
