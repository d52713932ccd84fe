import { integer, pgTable, primaryKey, real, text } from 'drizzle-orm/pg-core';
import { datasets } from './datasets';

/** One channel (contact) of a dataset, with its position in `coordFrame` (MNI mm for intracranial data). */
export const channels = pgTable(
  'channels',
  {
    datasetId: text('dataset_id')
      .notNull()
      .references(() => datasets.id, { onDelete: 'cascade' }),
    index: integer('index').notNull(),
    name: text('name').notNull(),
    type: text('type').notNull(),
    unit: text('unit').notNull().default('V'),
    x: real('x'),
    y: real('y'),
    z: real('z'),
    coordFrame: text('coord_frame').notNull().default('unknown'),
    /** The region the analyses group by: the Brodmann area for MNI contacts ('BA37'), or as the source says. */
    region: text('region'),
    aal: text('aal'),
    /** Distance to the labelled voxel the labels come from: 0 inside the atlas mask. */
    atlasDistanceMm: real('atlas_distance_mm'),
    /** Anatomical label from the file (NWB location, BIDS), kept as given. */
    location: text('location'),
    group: text('group'),
  },
  (t) => [primaryKey({ columns: [t.datasetId, t.index] })],
);
