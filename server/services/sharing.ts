import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { and, desc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { analyses, datasets, labs, reviewLinks, shareRole, sharedObjectKind, shares, statespaceAnalyses, type SharedObjectKind } from '@/db/schema';
import { labsOfUser, locateObject, membersOf, reviewLinkOfToken, sha256Hex, type ObjectRef, type ReviewGrant } from '@/server/authz';
import { hashPassword, verifyPassword } from '@/server/auth/password';
import { recordAudit } from './audit';
import { notify } from './notifications';

export const objectInput = z.object({ objectKind: z.enum(sharedObjectKind.enumValues), objectId: z.string().min(1) });

/** Where an object's page is. */
export function objectPath(labId: string, ref: ObjectRef): string {
  const segment = { dataset: 'datasets', analysis: 'analyses', statespace: 'statespace' }[ref.kind];
  return `/labs/${labId}/${segment}/${ref.id}`;
}

async function requireObject(db: Db, labId: string, ref: ObjectRef) {
  const located = await locateObject(db, labId, { kind: ref.kind, id: ref.id });
  if (!located) throw new TRPCError({ code: 'NOT_FOUND', message: `No ${ref.kind} with id ${ref.id} in this lab` });
  return located;
}

/** The object's display name. */
export async function objectName(db: Db, ref: ObjectRef): Promise<string> {
  const table = ref.kind === 'dataset' ? datasets : ref.kind === 'analysis' ? analyses : statespaceAnalyses;
  const [row] = await db.select({ name: table.name }).from(table).where(eq(table.id, ref.id));
  return row?.name ?? ref.id;
}

export const shareInput = objectInput.extend({ granteeLabId: z.string().trim().min(1, 'Give the id of the lab to share with'), role: z.enum(shareRole.enumValues).default('viewer') });

/** Shares an object with another lab (or changes the role it has), and tells that lab's members. */
export async function shareObject(db: Db, actorId: string, labId: string, input: z.infer<typeof shareInput>) {
  const ref = { kind: input.objectKind, id: input.objectId };
  await requireObject(db, labId, ref);
  if (input.granteeLabId === labId) throw new TRPCError({ code: 'BAD_REQUEST', message: 'This lab owns it already; share with another lab' });
  const [grantee] = await db.select({ id: labs.id, name: labs.name }).from(labs).where(eq(labs.id, input.granteeLabId));
  if (!grantee) throw new TRPCError({ code: 'NOT_FOUND', message: `No lab with id ${input.granteeLabId}; ask its owner for the id shown on their lab page` });
  await db
    .insert(shares)
    .values({ labId, objectKind: ref.kind, objectId: ref.id, granteeLabId: grantee.id, role: input.role, createdBy: actorId })
    .onConflictDoUpdate({ target: [shares.objectKind, shares.objectId, shares.granteeLabId], set: { role: input.role } });
  await recordAudit(db, { labId, actorId, action: 'share.grant', objectType: ref.kind, objectId: ref.id, detail: { granteeLabId: grantee.id, role: input.role } });
  const [owner] = await db.select({ name: labs.name }).from(labs).where(eq(labs.id, labId));
  await notify(db, await membersOf(db, [grantee.id]), {
    kind: 'share',
    title: `${owner?.name ?? 'A lab'} shared ${ref.kind} "${await objectName(db, ref)}" with ${grantee.name} (${input.role})`,
    link: objectPath(labId, ref),
    actorId,
  });
  return { granteeLabId: grantee.id, granteeName: grantee.name, role: input.role };
}

export async function unshareObject(db: Db, actorId: string, labId: string, input: z.infer<typeof objectInput> & { granteeLabId: string }) {
  const [row] = await db
    .delete(shares)
    .where(and(eq(shares.labId, labId), eq(shares.objectKind, input.objectKind), eq(shares.objectId, input.objectId), eq(shares.granteeLabId, input.granteeLabId)))
    .returning({ id: shares.id });
  if (!row) throw new TRPCError({ code: 'NOT_FOUND', message: 'It is not shared with that lab' });
  await recordAudit(db, { labId, actorId, action: 'share.revoke', objectType: input.objectKind, objectId: input.objectId, detail: { granteeLabId: input.granteeLabId } });
}

/** Who an object is shared with, and its open and past review links. */
export async function sharesOf(db: Db, labId: string, ref: ObjectRef) {
  await requireObject(db, labId, ref);
  const labShares = await db
    .select({ granteeLabId: shares.granteeLabId, granteeName: labs.name, role: shares.role, createdAt: shares.createdAt })
    .from(shares)
    .innerJoin(labs, eq(labs.id, shares.granteeLabId))
    .where(and(eq(shares.labId, labId), eq(shares.objectKind, ref.kind), eq(shares.objectId, ref.id)))
    .orderBy(labs.name);
  const links = await db
    .select({ id: reviewLinks.id, label: reviewLinks.label, expiresAt: reviewLinks.expiresAt, revokedAt: reviewLinks.revokedAt, hasPassword: reviewLinks.passwordHash, createdAt: reviewLinks.createdAt })
    .from(reviewLinks)
    .where(and(eq(reviewLinks.labId, labId), eq(reviewLinks.objectKind, ref.kind), eq(reviewLinks.objectId, ref.id)))
    .orderBy(desc(reviewLinks.createdAt));
  const now = Date.now();
  return {
    shares: labShares,
    reviewLinks: links.map(({ hasPassword, ...l }) => ({ ...l, hasPassword: hasPassword !== null, status: l.revokedAt ? 'revoked' : l.expiresAt.getTime() <= now ? 'expired' : 'open' })),
  };
}

/** Objects other labs share with any lab the user belongs to (or with one given lab). */
export async function sharedWithMe(db: Db, userId: string, granteeLabId?: string) {
  const mine = await labsOfUser(db, userId);
  const grantees = granteeLabId ? mine.filter((l) => l === granteeLabId) : mine;
  if (!grantees.length) return [];
  const rows = await db
    .select({ labId: shares.labId, labName: labs.name, objectKind: shares.objectKind, objectId: shares.objectId, role: shares.role, granteeLabId: shares.granteeLabId, createdAt: shares.createdAt })
    .from(shares)
    .innerJoin(labs, eq(labs.id, shares.labId))
    .where(inArray(shares.granteeLabId, grantees))
    .orderBy(desc(shares.createdAt));
  return Promise.all(rows.map(async (r) => ({ ...r, name: await objectName(db, { kind: r.objectKind, id: r.objectId }), path: objectPath(r.labId, { kind: r.objectKind, id: r.objectId }) })));
}

export const reviewLinkInput = objectInput.extend({
  label: z.string().trim().max(120).default(''),
  expiresInDays: z.number().int().min(1, 'A link lasts at least 1 day').max(365, 'A link lasts at most 365 days').default(30),
  password: z.string().max(200).optional(),
});

/** Creates a read-only link; the token is returned once and only its hash is stored. */
export async function createReviewLink(db: Db, actorId: string, labId: string, input: z.infer<typeof reviewLinkInput>) {
  const ref = { kind: input.objectKind, id: input.objectId };
  await requireObject(db, labId, ref);
  const token = randomBytes(24).toString('base64url');
  const password = input.password?.length ? input.password : null;
  if (password !== null && password.length < 6) throw new TRPCError({ code: 'BAD_REQUEST', message: 'password: a link password needs at least 6 characters' });
  const [link] = await db
    .insert(reviewLinks)
    .values({
      labId,
      objectKind: ref.kind,
      objectId: ref.id,
      label: input.label,
      tokenHash: sha256Hex(token),
      passwordHash: password ? await hashPassword(password) : null,
      expiresAt: new Date(Date.now() + input.expiresInDays * 86_400_000),
      createdBy: actorId,
    })
    .returning({ id: reviewLinks.id, expiresAt: reviewLinks.expiresAt });
  await recordAudit(db, { labId, actorId, action: 'review-link.create', objectType: ref.kind, objectId: ref.id, detail: { linkId: link!.id, password: password !== null } });
  return { ...link!, token, path: `/r/${token}` };
}

export async function revokeReviewLink(db: Db, actorId: string, labId: string, linkId: string) {
  const [row] = await db
    .update(reviewLinks)
    .set({ revokedAt: new Date() })
    .where(and(eq(reviewLinks.id, linkId), eq(reviewLinks.labId, labId)))
    .returning({ objectKind: reviewLinks.objectKind, objectId: reviewLinks.objectId });
  if (!row) throw new TRPCError({ code: 'NOT_FOUND', message: 'No review link with that id in this lab' });
  await recordAudit(db, { labId, actorId, action: 'review-link.revoke', objectType: row.objectKind, objectId: row.objectId, detail: { linkId } });
}

/** The cookie that carries a reviewer's access: the token and a MAC that proves the password (if any) was given. */
export const REVIEW_COOKIE = 'bg_review';

const proofOf = (secret: string, token: string, passwordHash: string | null) => createHmac('sha256', secret).update(`${token}|${passwordHash ?? ''}`).digest('base64url');

export type OpenResult = { ok: true; cookie: string; path: string } | { ok: false; reason: 'invalid' | 'password-needed' | 'wrong-password' };

/** Opens a review link (checking its password when it has one) and returns the cookie value and where to go. */
export async function openReviewLink(db: Db, secret: string, token: string, password?: string): Promise<OpenResult> {
  const link = await reviewLinkOfToken(db, token);
  if (!link) return { ok: false, reason: 'invalid' };
  if (link.passwordHash) {
    if (!password) return { ok: false, reason: 'password-needed' };
    if (!(await verifyPassword(password, link.passwordHash))) return { ok: false, reason: 'wrong-password' };
  }
  return { ok: true, cookie: `${token}.${proofOf(secret, token, link.passwordHash)}`, path: objectPath(link.labId, { kind: link.objectKind, id: link.objectId }) };
}

/** The grant a review cookie carries right now; null when absent, forged, revoked, expired or missing its password proof. */
export async function reviewGrantOfCookie(db: Db, secret: string, cookie: string | undefined): Promise<ReviewGrant | null> {
  const [token, proof] = (cookie ?? '').split('.');
  if (!token || !proof) return null;
  const link = await reviewLinkOfToken(db, token);
  if (!link) return null;
  const expected = Buffer.from(proofOf(secret, token, link.passwordHash));
  const given = Buffer.from(proof);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  return { linkId: link.id, labId: link.labId, object: { kind: link.objectKind as SharedObjectKind, id: link.objectId } };
}
