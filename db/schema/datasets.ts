import { index, integer, jsonb, pgTable, real, text } from 'drizzle-orm/pg-core';
import { createInsertSchema } from 'drizzle-zod';
import { createdAtColumn, createdByColumn, idColumn, labColumn } from './columns';

/** Named arrays of a dataset in blob storage, by role ('epochs', 'groundTruth', ...), each a sha256 key. */
export type DatasetBlobs = Record<string, string>;

/** A set of epochs ready for analysis (MNE's Epochs): trials x channels x times with a label per trial. */
export const datasets = pgTable(
  'datasets',
  {
    id: idColumn(),
    labId: labColumn(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    source: text('source').notNull(),
    modality: text('modality').notNull(),
    sfreq: real('sfreq').notNull(),
    tmin: real('tmin').notNull(),
    nEpochs: integer('n_epochs').notNull(),
    nChannels: integer('n_channels').notNull(),
    nTimes: integer('n_times').notNull(),
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
