import { randomBytes } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { and, desc, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { invitations, labRoleSchema, labs, memberships, users } from '@/db/schema';
import { sha256Hex as hashToken } from '@/server/authz';
import { recordAudit } from './audit';


export const createInvitationInput = z.object({
  role: labRoleSchema.default('viewer'),
  expiresInDays: z.number().int().min(1).max(30).default(7),
  note: z.string().trim().max(200).default(''),
});

/** Returns the token once; only its hash is stored. */
export async function createInvitation(db: Db, actorId: string, labId: string, input: z.infer<typeof createInvitationInput>) {
  const token = randomBytes(24).toString('base64url');
  const [invitation] = await db
    .insert(invitations)
    .values({
      labId,
      tokenHash: hashToken(token),
      role: input.role,
      note: input.note,
      createdBy: actorId,
      expiresAt: new Date(Date.now() + input.expiresInDays * 86_400_000),
    })
    .returning({ id: invitations.id, role: invitations.role, expiresAt: invitations.expiresAt });
  await recordAudit(db, { labId, actorId, action: 'invitation.create', objectType: 'invitation', objectId: invitation!.id, detail: { role: input.role } });
  return { ...invitation!, token };
}

export async function listInvitations(db: Db, labId: string) {
  const rows = await db
    .select({
      id: invitations.id,
      role: invitations.role,
      note: invitations.note,
      createdAt: invitations.createdAt,
      expiresAt: invitations.expiresAt,
      acceptedAt: invitations.acceptedAt,
      revokedAt: invitations.revokedAt,
      acceptedByName: users.name,
    })
    .from(invitations)
    .leftJoin(users, eq(users.id, invitations.acceptedBy))
    .where(eq(invitations.labId, labId))
    .orderBy(desc(invitations.createdAt));
  const now = Date.now();
  return rows.map((r) => ({
    ...r,
    status: r.revokedAt ? 'revoked' : r.acceptedAt ? 'accepted' : r.expiresAt.getTime() < now ? 'expired' : 'open',
  }));
}

export async function revokeInvitation(db: Db, actorId: string, labId: string, invitationId: string) {
  const [row] = await db
    .update(invitations)
    .set({ revokedAt: new Date() })
    .where(and(eq(invitations.id, invitationId), eq(invitations.labId, labId), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
    .returning({ id: invitations.id });
  if (!row) throw new TRPCError({ code: 'NOT_FOUND', message: 'No open invitation with that id in this lab' });
  await recordAudit(db, { labId, actorId, action: 'invitation.revoke', objectType: 'invitation', objectId: invitationId });
}

/** Checks a token and says why it cannot be used; the same message whether the token never existed or not. */
async function usableInvitation(db: Db, token: string) {
  const [row] = await db
    .select({ invitation: invitations, labName: labs.name })
    .from(invitations)
    .innerJoin(labs, eq(labs.id, invitations.labId))
    .where(eq(invitations.tokenHash, hashToken(token)));
  if (!row || row.invitation.revokedAt) {
    throw new TRPCError({ code: 'NOT_FOUND', message: 'This invitation link is not valid (it may have been revoked); ask for a new one' });
  }
  if (row.invitation.acceptedAt) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'This invitation link has already been used; ask for a new one' });
  }
  if (row.invitation.expiresAt.getTime() < Date.now()) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: `This invitation expired on ${row.invitation.expiresAt.toISOString().slice(0, 10)}; ask for a new one` });
  }
  return row;
}

export async function previewInvitation(db: Db, token: string) {
  const { invitation, labName } = await usableInvitation(db, token);
  return { labId: invitation.labId, labName, role: invitation.role, expiresAt: invitation.expiresAt };
}

export async function acceptInvitation(db: Db, userId: string, token: string) {
  return db.transaction(async (tx) => {
    const { invitation, labName } = await usableInvitation(tx, token);
    const [existing] = await tx
      .select({ role: memberships.role })
      .from(memberships)
      .where(and(eq(memberships.labId, invitation.labId), eq(memberships.userId, userId)));
    // A member who opens a link keeps their role and leaves the link for the person it was meant for.
    if (existing) return { labId: invitation.labId, labName, role: existing.role, alreadyMember: true };
    // Claiming it conditionally makes a link single-use even under concurrent accepts.
    const [claimed] = await tx
      .update(invitations)
      .set({ acceptedAt: new Date(), acceptedBy: userId })
      .where(and(eq(invitations.id, invitation.id), isNull(invitations.acceptedAt)))
      .returning({ id: invitations.id });
    if (!claimed) throw new TRPCError({ code: 'BAD_REQUEST', message: 'This invitation link has already been used; ask for a new one' });
    await tx.insert(memberships).values({ labId: invitation.labId, userId, role: invitation.role });
    await recordAudit(tx, { labId: invitation.labId, actorId: userId, action: 'invitation.accept', objectType: 'invitation', objectId: invitation.id, detail: { role: invitation.role } });
    return { labId: invitation.labId, labName, role: invitation.role, alreadyMember: false };
  });
}
