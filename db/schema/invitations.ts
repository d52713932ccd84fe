import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { createdAtColumn, createdByColumn, idColumn, labColumn } from './columns';
import { labRole } from './labs';
import { users } from './users';

/** An invitation link. Only the token's sha256 is stored, so a database leak reveals no usable link. */
export const invitations = pgTable('invitations', {
  id: idColumn(),
  labId: labColumn(),
  tokenHash: text('token_hash').notNull().unique(),
  role: labRole('role').notNull(),
  /** Optional: the address the inviter meant it for (shown, not enforced). */
  note: text('note').notNull().default(''),
  createdBy: createdByColumn(),
  createdAt: createdAtColumn(),
  expiresAt: timestamp('expires_at', { mode: 'date' }).notNull(),
  acceptedAt: timestamp('accepted_at', { mode: 'date' }),
  acceptedBy: text('accepted_by').references(() => users.id, { onDelete: 'set null' }),
  revokedAt: timestamp('revoked_at', { mode: 'date' }),
});
