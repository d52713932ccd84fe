import { TRPCError } from '@trpc/server';
import { and, asc, count, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { labInsertSchema, labRoleSchema, labs, memberships, users, type LabRole } from '@/db/schema';
import { recordAudit } from './audit';

export const createLabInput = labInsertSchema;

export async function createLab(db: Db, userId: string, input: z.infer<typeof createLabInput>) {
  return db.transaction(async (tx) => {
    const [lab] = await tx
      .insert(labs)
      .values({ name: input.name, description: input.description ?? '', createdBy: userId })
      .returning();
    await tx.insert(memberships).values({ labId: lab!.id, userId, role: 'owner' });
    await recordAudit(tx, { labId: lab!.id, actorId: userId, action: 'lab.create', objectType: 'lab', objectId: lab!.id, detail: { name: input.name } });
    return lab!;
  });
}

export async function listLabs(db: Db, userId: string) {
  const memberCounts = db
    .select({ labId: memberships.labId, members: count().as('members') })
    .from(memberships)
    .groupBy(memberships.labId)
    .as('member_counts');
  return db
    .select({ id: labs.id, name: labs.name, description: labs.description, role: memberships.role, members: memberCounts.members })
    .from(memberships)
    .innerJoin(labs, eq(labs.id, memberships.labId))
    .innerJoin(memberCounts, eq(memberCounts.labId, labs.id))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(labs.name));
}

export async function getLab(db: Db, labId: string) {
  const [lab] = await db.select().from(labs).where(eq(labs.id, labId));
  if (!lab) throw new TRPCError({ code: 'NOT_FOUND', message: 'Lab not found' });
  return lab;
}

export async function updateLab(db: Db, userId: string, labId: string, input: z.infer<typeof createLabInput>) {
  await db.update(labs).set({ name: input.name, description: input.description ?? '' }).where(eq(labs.id, labId));
  await recordAudit(db, { labId, actorId: userId, action: 'lab.update', objectType: 'lab', objectId: labId, detail: input });
}

export async function deleteLab(db: Db, userId: string, labId: string) {
  // The audit row goes with the lab (cascade); keep a lab-less trace of who deleted it.
  await db.delete(labs).where(eq(labs.id, labId));
  await recordAudit(db, { labId: null, actorId: userId, action: 'lab.delete', objectType: 'lab', objectId: labId });
}

export async function listMembers(db: Db, labId: string) {
  return db
    .select({ userId: users.id, name: users.name, email: users.email, role: memberships.role, joinedAt: memberships.joinedAt })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.labId, labId))
    .orderBy(asc(memberships.joinedAt));
}

export const setRoleInput = z.object({ userId: z.string(), role: labRoleSchema });

async function ownerCount(db: Db, labId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(memberships)
    .where(and(eq(memberships.labId, labId), eq(memberships.role, 'owner')));
  return row?.n ?? 0;
}

async function memberRole(db: Db, labId: string, userId: string): Promise<LabRole> {
  const [m] = await db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.labId, labId), eq(memberships.userId, userId)));
  if (!m) throw new TRPCError({ code: 'NOT_FOUND', message: 'That person is not a member of this lab' });
  return m.role;
}

export async function setMemberRole(db: Db, actorId: string, labId: string, input: z.infer<typeof setRoleInput>) {
  const current = await memberRole(db, labId, input.userId);
  if (current === 'owner' && input.role !== 'owner' && (await ownerCount(db, labId)) === 1) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'A lab needs at least one owner; make someone else owner first' });
  }
  await db
    .update(memberships)
    .set({ role: input.role })
    .where(and(eq(memberships.labId, labId), eq(memberships.userId, input.userId)));
  await recordAudit(db, { labId, actorId, action: 'member.role', objectType: 'user', objectId: input.userId, detail: { from: current, to: input.role } });
}

export async function removeMember(db: Db, actorId: string, labId: string, userId: string) {
  const current = await memberRole(db, labId, userId);
  if (current === 'owner' && (await ownerCount(db, labId)) === 1) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'The last owner cannot leave or be removed; delete the lab or add an owner' });
  }
  await db.delete(memberships).where(and(eq(memberships.labId, labId), eq(memberships.userId, userId)));
  await recordAudit(db, { labId, actorId, action: actorId === userId ? 'member.leave' : 'member.remove', objectType: 'user', objectId: userId });
}
