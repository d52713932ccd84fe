import { text, timestamp } from 'drizzle-orm/pg-core';
import { labs } from './labs';
import { users } from './users';

/** Columns most entities share: a random text id, the owning lab, who created it and when. */
export const idColumn = () =>
  text('id')
    .primaryKey()
    .$defaultFn(() => crypto.randomUUID());
export const labColumn = () =>
  text('lab_id')
    .notNull()
    .references(() => labs.id, { onDelete: 'cascade' });
export const createdByColumn = () => text('created_by').references(() => users.id, { onDelete: 'set null' });
export const createdAtColumn = () => timestamp('created_at', { mode: 'date' }).notNull().defaultNow();
