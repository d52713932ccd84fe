import { desc, eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { auditEvents, users } from '@/db/schema';

export interface AuditEntry {
  labId: string | null;
  actorId: string | null;
  action: string;
  objectType: string;
  objectId: string;
  detail?: Record<string, unknown>;
}

export async function recordAudit(db: Db, entry: AuditEntry): Promise<void> {
  await db.insert(auditEvents).values({ ...entry, detail: entry.detail ?? {} });
}

export async function listAudit(db: Db, labId: string, limit = 100) {
  return db
    .select({
      id: auditEvents.id,
      action: auditEvents.action,
      objectType: auditEvents.objectType,
      objectId: auditEvents.objectId,
      detail: auditEvents.detail,
      at: auditEvents.at,
      actorName: users.name,
      actorEmail: users.email,
    })
    .from(auditEvents)
    .leftJoin(users, eq(users.id, auditEvents.actorId))
    .where(eq(auditEvents.labId, labId))
    .orderBy(desc(auditEvents.at))
    .limit(limit);
}
