import { index, integer, jsonb, pgEnum, pgTable, real, text, timestamp } from 'drizzle-orm/pg-core';
import { createInsertSchema } from 'drizzle-zod';
import { createdAtColumn, createdByColumn, idColumn, labColumn } from './columns';

/** Named arrays of a dataset in blob storage, by role ('epochs', 'groundTruth', ...), each a sha256 key. */
export type DatasetBlobs = Record<string, string>;

/** A file as the user uploaded it, kept unchanged in blob storage. */
export interface UploadedFile {
  name: string;
  key: string;
  size: number;
}

/**
 * Where a continuous recording's samples live: Float32 chunks of `chunkSamples` samples, channel-major inside each
 * chunk (one read gives every channel for a stretch of time), and min/max pyramids for display.
 */
export interface SignalLayout {
  chunkSamples: number;
  chunks: string[];
  /** Each level holds, per channel, [min, max] over bins of `factor` samples: Float32 channels x bins x 2. */
  pyramid: { factor: number; nBins: number; key: string }[];
}

export const datasetKind = pgEnum('dataset_kind', ['raw', 'epochs']);
export const datasetStatus = pgEnum('dataset_status', ['ingesting', 'ready', 'failed']);

/**
 * A recording (kind 'raw': MNE's Raw, continuous channels x samples, with events) or a set of epochs (kind
 * 'epochs': MNE's Epochs, trials x channels x times with a label per trial).
 */
export const datasets = pgTable(
  'datasets',
  {
    id: idColumn(),
    labId: labColumn(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    kind: datasetKind('kind').notNull().default('epochs'),
    status: datasetStatus('status').notNull().default('ready'),
    /** Why ingest failed: the reader's message, naming the file and the place. */
    error: text('error'),
    source: text('source').notNull(),
    format: text('format'),
    files: jsonb('files').$type<UploadedFile[]>().notNull().default([]),
    layout: jsonb('layout').$type<SignalLayout>(),
    coordFrame: text('coord_frame'),
    measDate: timestamp('meas_date', { mode: 'date' }),
    modality: text('modality').notNull(),
    sfreq: real('sfreq').notNull().default(0),
    tmin: real('tmin').notNull().default(0),
    nEpochs: integer('n_epochs').notNull().default(0),
    nChannels: integer('n_channels').notNull().default(0),
    nTimes: integer('n_times').notNull().default(0),
    categories: jsonb('categories').$type<string[]>().notNull().default([]),
    blobs: jsonb('blobs').$type<DatasetBlobs>().notNull().default({}),
    createdBy: createdByColumn(),
    createdAt: createdAtColumn(),
  },
  (t) => [index('datasets_lab').on(t.labId)],
);

export const datasetRenameSchema = createInsertSchema(datasets, {
  name: (s) => s.trim().min(1).max(200),
  description: (s) => s.max(5000),
}).pick({ name: true, description: true });
