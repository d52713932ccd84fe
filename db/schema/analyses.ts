import { index, integer, jsonb, pgEnum, pgTable, primaryKey, real, text } from 'drizzle-orm/pg-core';
import { createdAtColumn, createdByColumn, idColumn, labColumn } from './columns';
import { datasets } from './datasets';

export const analysisStatus = pgEnum('analysis_status', ['running', 'ready', 'failed']);

/** What a finished Level 1 analysis found, for tables and pages; the arrays stay in blobs. */
export interface SignaturesSummary {
  categories: string[];
  freqs: number[];
  /** Start of each time bin relative to the event, seconds. */
  binTimes: number[];
  threshold: number;
  nullValues: number;
  predictive: Record<string, string[]>;
  clusters: Record<string, { k: number; method: string; clusters: { id: number; members: string[]; regions: string[] }[]; leaves: string[] }>;
}

/** One analysis of one dataset, with the parameters and software version that made it (via its job). */
export const analyses = pgTable(
  'analyses',
  {
    id: idColumn(),
    labId: labColumn(),
    datasetId: text('dataset_id')
      .notNull()
      .references(() => datasets.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    name: text('name').notNull(),
    params: jsonb('params').$type<Record<string, unknown>>().notNull(),
    status: analysisStatus('status').notNull().default('running'),
    jobId: text('job_id'),
    summary: jsonb('summary').$type<SignaturesSummary>(),
    /** Arrays of the whole analysis by role ('prototypes', ...), sha256 keys. */
    blobs: jsonb('blobs').$type<Record<string, string>>().notNull().default({}),
    createdBy: createdByColumn(),
    createdAt: createdAtColumn(),
  },
  (t) => [index('analyses_lab').on(t.labId)],
);

/** One contact's result. Written as soon as the contact is done, so a restarted job resumes after it. */
export const analysisContacts = pgTable(
  'analysis_contacts',
  {
    analysisId: text('analysis_id')
      .notNull()
      .references(() => analyses.id, { onDelete: 'cascade' }),
    channelIndex: integer('channel_index').notNull(),
    name: text('name').notNull(),
    region: text('region'),
    nTrials: integer('n_trials').notNull(),
    f1: jsonb('f1').$type<number[]>().notNull(),
    accuracy: real('accuracy').notNull(),
    /** Filled when the analysis ends: f1 > threshold, per category. */
    predictive: jsonb('predictive').$type<boolean[]>(),
    confusion: jsonb('confusion').$type<number[][]>().notNull(),
    nullF1: jsonb('null_f1').$type<number[]>().notNull(),
    /** 'maps': categories x 3 x F x T float32 (importance, mean log power, signature); 'mdi'; 'forest' (packed). */
    blobs: jsonb('blobs').$type<Record<string, string>>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.analysisId, t.channelIndex] })],
);
