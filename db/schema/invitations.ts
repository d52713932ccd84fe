import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { labRole, labs } from './labs';
import { users } from './users';

/** An invitation link. Only the token's sha256 is stored, so a database leak reveals no usable link. */
export const invitations = pgTable('invitations', {
  id: text('id')
    .primaryKey()
    .$defaultFn(() => crypto.randomUUID()),
  labId: text('lab_id')
    .notNull()
    .references(() => labs.id, { onDelete: 'cascade' }),
  tokenHash: text('token_hash').notNull().unique(),
  role: labRole('role').notNull(),
  /** Optional: the address the inviter meant it for (shown, not enforced). */
  note: text('note').notNull().default(''),
  createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: timestamp('created_at', { mode: 'date' }).notNull().defaultNow(),
  expiresAt: timestamp('expires_at', { mode: 'date' }).notNull(),
  acceptedAt: timestamp('accepted_at', { mode: 'date' }),
  acceptedBy: text('accepted_by').references(() => users.id, { onDelete: 'set null' }),
  revokedAt: timestamp('revoked_at', { mode: 'date' }),
});
