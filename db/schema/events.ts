import { index, integer, pgTable, primaryKey, real, text } from 'drizzle-orm/pg-core';
import { datasets } from './datasets';

/** An event or annotation of a recording: onset and duration in seconds from the first sample. */
export const events = pgTable(
  'events',
  {
    datasetId: text('dataset_id')
      .notNull()
      .references(() => datasets.id, { onDelete: 'cascade' }),
    index: integer('index').notNull(),
    onset: real('onset').notNull(),
    duration: real('duration').notNull().default(0),
    description: text('description').notNull(),
  },
  (t) => [primaryKey({ columns: [t.datasetId, t.index] }), index('events_onset').on(t.datasetId, t.onset)],
);
