import { pgEnum, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { createInsertSchema } from 'drizzle-zod';
import { z } from 'zod';
import { users } from './users';

/** A lab is the unit of ownership: every dataset, job and result belongs to exactly one. */
export const labs = pgTable('labs', {
  id: text('id')
    .primaryKey()
    .$defaultFn(() => crypto.randomUUID()),
  name: text('name').notNull(),
  description: text('description').notNull().default(''),
  createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: timestamp('created_at', { mode: 'date' }).notNull().defaultNow(),
});

export const labInsertSchema = createInsertSchema(labs, {
  name: (s) => s.trim().min(2, 'A lab name needs at least 2 characters').max(80, 'A lab name is at most 80 characters'),
  description: (s) => s.max(2000),
}).pick({ name: true, description: true });

export const labRole = pgEnum('lab_role', ['viewer', 'editor', 'owner']);
export type LabRole = (typeof labRole.enumValues)[number];
export const labRoleSchema = z.enum(labRole.enumValues);

export const memberships = pgTable(
  'memberships',
  {
    labId: text('lab_id')
      .notNull()
      .references(() => labs.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: labRole('role').notNull(),
    joinedAt: timestamp('joined_at', { mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.labId, t.userId] })],
);
