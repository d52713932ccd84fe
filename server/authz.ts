import { createHash } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { and, eq, gt, inArray, isNull, or } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { analyses, datasets, memberships, reviewLinks, shares, statespaceAnalyses, type LabRole, type SharedObjectKind } from '@/db/schema';

const rank: Record<LabRole, number> = { viewer: 0, editor: 1, owner: 2 };

export function roleAtLeast(role: LabRole, needed: LabRole): boolean {
  return rank[role] >= rank[needed];
}

/**
 * The caller's role in a lab, or an error. Someone outside the lab gets NOT_FOUND, the same answer as for a lab
 * that does not exist, so ids cannot be probed; a member without enough rights is told which role is needed.
 */
export async function requireRole(db: Db, labId: string, userId: string, needed: LabRole): Promise<LabRole> {
  const role = await memberRole(db, labId, userId);
  if (!role) throw new TRPCError({ code: 'NOT_FOUND', message: 'Lab not found' });
  return enough(role, needed, 'in the lab');
}

async function memberRole(db: Db, labId: string, userId: string): Promise<LabRole | null> {
  const [membership] = await db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.labId, labId), eq(memberships.userId, userId)));
  return membership?.role ?? null;
}

function enough(role: LabRole, needed: LabRole, where: string): LabRole {
  if (!roleAtLeast(role, needed)) {
    throw new TRPCError({ code: 'FORBIDDEN', message: `This needs the ${needed} role ${where}; you are a ${role}` });
  }
  return role;
}

/** A dataset or analysis of a lab, as named by a request. */
export interface ObjectRef {
  kind: SharedObjectKind;
  id: string;
}

/**
 * The object a request is about, from its raw input: `objectKind` + `objectId`, else `analysisId` (a Level 1/2
 * analysis or a Level 3 state-space analysis), else `datasetId`. Access to it is then decided by access().
 */
export function objectOfInput(raw: unknown): { kind: SharedObjectKind | 'any-analysis'; id: string } | null {
  if (!raw || typeof raw !== 'object') return null;
  const r = raw as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : null);
  const kind = r.objectKind;
  if ((kind === 'dataset' || kind === 'analysis' || kind === 'statespace') && str(r.objectId)) return { kind, id: str(r.objectId)! };
  if (str(r.analysisId)) return { kind: 'any-analysis', id: str(r.analysisId)! };
  if (str(r.datasetId)) return { kind: 'dataset', id: str(r.datasetId)! };
  return null;
}

/**
 * Resolves an object inside a lab: its kind and the dataset it belongs to, or null when the lab has no such object.
 * Every grant below is checked against this, so a share or link of one lab's object never opens another's.
 */
export async function locateObject(
  db: Db,
  labId: string,
  obj: { kind: SharedObjectKind | 'any-analysis'; id: string },
): Promise<{ ref: ObjectRef; datasetId: string } | null> {
  if (obj.kind === 'dataset') {
    const [d] = await db.select({ id: datasets.id }).from(datasets).where(and(eq(datasets.id, obj.id), eq(datasets.labId, labId)));
    return d ? { ref: { kind: 'dataset', id: d.id }, datasetId: d.id } : null;
  }
  if (obj.kind !== 'statespace') {
    const [a] = await db.select({ datasetId: analyses.datasetId }).from(analyses).where(and(eq(analyses.id, obj.id), eq(analyses.labId, labId)));
    if (a) return { ref: { kind: 'analysis', id: obj.id }, datasetId: a.datasetId };
  }
  if (obj.kind !== 'analysis') {
    const [s] = await db
      .select({ datasetId: statespaceAnalyses.datasetId })
      .from(statespaceAnalyses)
      .where(and(eq(statespaceAnalyses.id, obj.id), eq(statespaceAnalyses.labId, labId)));
    if (s) return { ref: { kind: 'statespace', id: obj.id }, datasetId: s.datasetId };
  }
  return null;
}

/** Who the caller is: a signed-in user, and/or the review link whose cookie the request carries. */
export interface Caller {
  userId: string | null;
  review: ReviewGrant | null;
}

/** What a valid, unexpired, unrevoked review link opens. */
export interface ReviewGrant {
  linkId: string;
  labId: string;
  object: ObjectRef;
}

export interface Access {
  role: LabRole;
  /** How access was granted: lab membership, a share with one of the caller's labs, or a reviewer link. */
  via: 'member' | 'share' | 'review';
}

/**
 * The access rules, in one place:
 * - members of the owning lab have their lab role;
 * - members of a lab the object (or its dataset) is shared with have the share's role (viewer or editor), never owner;
 * - a review link gives viewer access to its object (and, for a dataset, its analyses), without an account.
 * No grant gives NOT_FOUND, as for an object that does not exist; too little gives FORBIDDEN.
 */
export async function access(db: Db, caller: Caller, labId: string, raw: unknown, needed: LabRole): Promise<Access> {
  const named = objectOfInput(raw);
  const located = named ? await locateObject(db, labId, named) : null;
  // An object named but not in this lab is not found for anyone, members included.
  if (named && !located) throw new TRPCError({ code: 'NOT_FOUND', message: 'Not found' });
  if (caller.userId) {
    const role = await memberRole(db, labId, caller.userId);
    if (role) return { role: enough(role, needed, 'in the lab'), via: 'member' };
  }
  if (located && caller.userId) {
    const role = await sharedRole(db, labId, located, caller.userId);
    if (role) return { role: enough(role, needed, 'on what is shared with your lab'), via: 'share' };
  }
  if (located && caller.review && reviewCovers(caller.review, labId, located)) return { role: enough('viewer', needed, 'here'), via: 'review' };
  throw new TRPCError({ code: 'NOT_FOUND', message: named ? 'Not found' : 'Lab not found' });
}

function reviewCovers(grant: ReviewGrant, labId: string, located: { ref: ObjectRef; datasetId: string }): boolean {
  if (grant.labId !== labId) return false;
  if (grant.object.kind === 'dataset') return grant.object.id === located.datasetId;
  return grant.object.kind === located.ref.kind && grant.object.id === located.ref.id;
}

/** The best role any share gives the user on the object or its dataset. */
async function sharedRole(db: Db, labId: string, located: { ref: ObjectRef; datasetId: string }, userId: string): Promise<LabRole | null> {
  const rows = await db
    .select({ role: shares.role })
    .from(shares)
    .innerJoin(memberships, and(eq(memberships.labId, shares.granteeLabId), eq(memberships.userId, userId)))
    .where(
      and(
        eq(shares.labId, labId),
        or(
          and(eq(shares.objectKind, located.ref.kind), eq(shares.objectId, located.ref.id)),
          and(eq(shares.objectKind, 'dataset'), eq(shares.objectId, located.datasetId)),
        ),
      ),
    );
  if (!rows.length) return null;
  return rows.some((r) => r.role === 'editor') ? 'editor' : 'viewer';
}

export const sha256Hex = (s: string) => createHash('sha256').update(s).digest('hex');

/** The review link a token opens right now, or null: unknown, revoked or expired tokens all open nothing. */
export async function reviewLinkOfToken(db: Db, token: string) {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  const [link] = await db
    .select()
    .from(reviewLinks)
    .where(and(eq(reviewLinks.tokenHash, sha256Hex(token)), isNull(reviewLinks.revokedAt), gt(reviewLinks.expiresAt, new Date())));
  return link ?? null;
}

/** Labs the user belongs to (for shares addressed to "your lab"). */
export async function labsOfUser(db: Db, userId: string): Promise<string[]> {
  return (await db.select({ labId: memberships.labId }).from(memberships).where(eq(memberships.userId, userId))).map((r) => r.labId);
}

/** Members of the given labs, for notifications. */
export async function membersOf(db: Db, labIds: string[]): Promise<string[]> {
  if (!labIds.length) return [];
  const rows = await db.selectDistinct({ userId: memberships.userId }).from(memberships).where(inArray(memberships.labId, labIds));
  return rows.map((r) => r.userId);
}
