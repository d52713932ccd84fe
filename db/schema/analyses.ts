import { boolean, index, integer, jsonb, pgEnum, pgTable, primaryKey, real, text } from 'drizzle-orm/pg-core';
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
  /** 'normal-tail' when the pooled null has fewer than 1/p values (see predictiveThreshold). */
  thresholdMethod: 'empirical' | 'normal-tail';
  nullP: number;
  nullValues: number;
  /** Contacts tested for responsiveness and found responsive (METHODS.md Level 1 step 5). */
  nTested: number;
  nResponsive: number;
  /** Whether only responsive contacts could be predictive (the paper's selection). */
  responsiveOnly: boolean;
  predictive: Record<string, string[]>;
  clusters: Record<
    string,
    { k: number; method: string; clusters: { id: number; members: string[]; regions: string[] }[]; leaves: string[]; links: { x: number[]; y: number[] }[] }
  >;
}

/** One network's (trained or random-weights control) Level 2 result, per band/window in RsaSummary.bandWindows order. */
export interface RsaNetworkSummary {
  /** Rank correlation of area order with layer order over the significant (contact, layer) pairs. */
  alignment: { rho: number | null; p: number | null; nPairs: number }[];
  /** Per band/window, areas x layers row-major: sum of significant rho / significant contacts of the area. */
  score: number[][];
  pairCount: number[][];
  /** Per area: high / (high + low) layer scores (null when both are 0). */
  highLowRatio: (number | null)[][];
  lowLayers: number[];
  highLayers: number[];
}

/** What a finished Level 2 (RSA) analysis found; per-contact rho and p stay in blobs. */
export interface RsaSummary {
  kind: 'rsa';
  bands: string[];
  windows: [number, number][];
  /** 'low gamma 50-250 ms', band-major. */
  bandWindows: string[];
  layers: string[];
  areas: string[];
  /** Stimuli in analysis order (by category): the order of every RDM. */
  stimuli: { names: string[]; category: number[]; categories: string[] };
  contacts: { name: string; region: string | null }[];
  /** Responsive-positive contacts per band/window (tested against the layers). */
  nResponsive: number[];
  networks: { trained: RsaNetworkSummary; random: RsaNetworkSummary };
  nPermutations: number;
  stopAfter: number | null;
  variant: 'standard' | 'paper';
  alpha: number;
  fdrQ: number | null;
  model: { name: string; sha256: string; controlSeed: number };
}

/** The Level 1 summary of an analysis row; null for other kinds, whose summaries carry a `kind`. */
export function signaturesSummaryOf(summary: SignaturesSummary | RsaSummary | null): SignaturesSummary | null {
  return summary && !('kind' in summary) ? summary : null;
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
    summary: jsonb('summary').$type<SignaturesSummary | RsaSummary>(),
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
    /** Responsiveness p-values, bands x windows; null when the epochs do not span the test windows. */
    responsivenessP: jsonb('responsiveness_p').$type<number[]>(),
    /** Filled when the analysis ends: significant tests after FDR across contacts, and the verdict. */
    nSignificant: integer('n_significant'),
    responsive: boolean('responsive'),
    /** 'maps': categories x 3 x F x T float32 (importance, mean log power, signature); 'mdi'; 'forest' (packed). */
    blobs: jsonb('blobs').$type<Record<string, string>>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.analysisId, t.channelIndex] })],
);
