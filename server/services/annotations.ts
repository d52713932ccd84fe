import { TRPCError } from '@trpc/server';
import { and, asc, desc, eq, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import {
  analyses,
  analysisContacts,
  annotationLevel,
  annotations,
  datasets,
  shares,
  signaturesSummaryOf,
  statespaceAnalyses,
  users,
  type AnnotationAnchor,
  type AnnotationLevel,
} from '@/db/schema';
import { renderMarkdown } from '@/lib/markdown';
import { locateObject, membersOf, type ObjectRef } from '@/server/authz';
import { mentionedUsers, notify } from './notifications';
import { objectInput, objectName, objectPath } from './sharing';

const name = z.string().trim().min(1).max(200);
const time = z.number().min(-600).max(600);
const channelIndex = z.number().int().min(0);

export const anchorSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('contact'), channelIndex, contact: name }),
  z.object({ type: z.literal('cluster'), category: name, clusterId: z.number().int().min(0) }),
  z
    .object({ type: z.literal('tf-box'), channelIndex, contact: name, category: name, tMin: time, tMax: time, fMin: z.number().min(0).max(100_000), fMax: z.number().min(0).max(100_000) })
    .refine((b) => b.tMin < b.tMax, { message: 'A box needs tMin < tMax', path: ['tMax'] })
    .refine((b) => b.fMin < b.fMax, { message: 'A box needs fMin < fMax', path: ['fMax'] }),
  z.object({ type: z.literal('region'), region: name }),
  z.object({ type: z.literal('rsa-cell'), bandWindow: name, area: name, layer: name, network: z.enum(['trained', 'random']) }),
  z.object({ type: z.literal('state-point'), x: z.number(), y: z.number() }),
  z.object({ type: z.literal('state-territory'), action: name }),
]) satisfies z.ZodType<AnnotationAnchor>;
export type AnchorType = AnnotationAnchor['type'];

export const bodySchema = z.string().trim().min(1, 'Write something').max(20_000, 'At most 20000 characters');
export const tagsSchema = z
  .array(
    z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[a-z0-9._-]{1,40}$/, 'A tag is 1 to 40 of a-z, 0-9, "-", "_" and "."'),
  )
  .max(10, 'At most 10 tags')
  .transform((tags) => [...new Set(tags)]);

const LEVEL_OF: Record<AnchorType, AnnotationLevel> = {
  contact: 'electrode',
  'tf-box': 'electrode',
  cluster: 'electrode',
  region: 'region',
  'rsa-cell': 'region',
  'state-point': 'whole-brain',
  'state-territory': 'whole-brain',
};
export const levelOf = (anchor: AnnotationAnchor): AnnotationLevel => LEVEL_OF[anchor.type];

/** The anchors each kind of object has: a dataset's contacts and regions, an analysis's results, a state-space map. */
const ANCHORS_OF: Record<ObjectRef['kind'], AnchorType[]> = {
  dataset: ['contact', 'region'],
  analysis: ['contact', 'tf-box', 'cluster', 'region', 'rsa-cell'],
  statespace: ['state-point', 'state-territory'],
};

/** The page an annotation is shown on, opened at it. */
export function annotationLink(labId: string, ref: ObjectRef, anchor: AnnotationAnchor | null, id: string): string {
  const base = objectPath(labId, ref);
  const at = new URLSearchParams({ annotation: id });
  if (ref.kind !== 'analysis' || !anchor) return `${base}?${at}`;
  if (anchor.type === 'contact' || anchor.type === 'tf-box') {
    const category = anchor.type === 'tf-box' ? `category=${encodeURIComponent(anchor.category)}&` : '';
    return `${base}/contacts/${anchor.channelIndex}?${category}${at}`;
  }
  if (anchor.type === 'cluster') return `${base}/signatures/${encodeURIComponent(anchor.category)}?${at}`;
  if (anchor.type === 'region') return `${base}?region=${encodeURIComponent(anchor.region)}&${at}`;
  return `${base}?${at}`;
}

const notFound = (what: string) => new TRPCError({ code: 'NOT_FOUND', message: what });
const badAnchor = (message: string) => new TRPCError({ code: 'BAD_REQUEST', message: `anchor: ${message}` });

async function requireObject(db: Db, labId: string, ref: ObjectRef) {
  const located = await locateObject(db, labId, ref);
  // The procedure lets members of labId through without looking at the object; this is where it must be the lab's.
  if (!located) throw notFound(`No ${ref.kind} with id ${ref.id} in this lab`);
  return located;
}

/** Checks an anchor names something the object has, where that costs one small query. */
async function checkAnchor(db: Db, ref: ObjectRef, anchor: AnnotationAnchor) {
  if (!ANCHORS_OF[ref.kind].includes(anchor.type)) throw badAnchor(`a ${ref.kind} cannot have a ${anchor.type} annotation`);
  if (ref.kind === 'statespace') {
    if (anchor.type !== 'state-territory') return;
    const [s] = await db.select({ metrics: statespaceAnalyses.metrics }).from(statespaceAnalyses).where(eq(statespaceAnalyses.id, ref.id));
    if (s?.metrics && !s.metrics.classes.includes(anchor.action)) throw badAnchor(`the map has no action "${anchor.action}"`);
    return;
  }
  if (ref.kind !== 'analysis') return;
  if (anchor.type === 'contact' || anchor.type === 'tf-box') {
    const [c] = await db
      .select({ name: analysisContacts.name })
      .from(analysisContacts)
      .where(and(eq(analysisContacts.analysisId, ref.id), eq(analysisContacts.channelIndex, anchor.channelIndex)));
    if (c?.name !== anchor.contact) throw badAnchor(`the analysis has no contact ${anchor.contact} at index ${anchor.channelIndex}`);
  }
  const [a] = await db.select({ summary: analyses.summary }).from(analyses).where(eq(analyses.id, ref.id));
  const summary = a?.summary ?? null;
  const signatures = signaturesSummaryOf(summary);
  if ((anchor.type === 'tf-box' || anchor.type === 'cluster') && signatures && !signatures.categories.includes(anchor.category)) {
    throw badAnchor(`the analysis has no category "${anchor.category}"`);
  }
  if (anchor.type === 'cluster' && signatures && !signatures.clusters[anchor.category]?.clusters.some((c) => c.id === anchor.clusterId)) {
    throw badAnchor(`"${anchor.category}" has no cluster ${anchor.clusterId}`);
  }
  if (anchor.type === 'rsa-cell' && summary && 'kind' in summary) {
    const known = summary.bandWindows.includes(anchor.bandWindow) && summary.areas.includes(anchor.area) && summary.layers.includes(anchor.layer);
    if (!known) throw badAnchor(`the RSA has no cell ${anchor.area} × ${anchor.layer} in ${anchor.bandWindow}`);
  }
}

/** Users who may see an object's annotations: members of its lab and of labs it (or its dataset) is shared with. */
async function audienceOf(db: Db, labId: string, ref: ObjectRef, datasetId: string): Promise<string[]> {
  const grantees = await db
    .selectDistinct({ labId: shares.granteeLabId })
    .from(shares)
    .where(
      and(
        eq(shares.labId, labId),
        or(and(eq(shares.objectKind, ref.kind), eq(shares.objectId, ref.id)), and(eq(shares.objectKind, 'dataset'), eq(shares.objectId, datasetId))),
      ),
    );
  return membersOf(db, [labId, ...grantees.map((g) => g.labId)]);
}

async function userName(db: Db, userId: string): Promise<string> {
  const [u] = await db.select({ name: users.name, email: users.email }).from(users).where(eq(users.id, userId));
  return u?.name ?? u?.email ?? 'Someone';
}

/** Tells @-mentioned users who can see the object; returns whom it told. */
async function notifyMentions(db: Db, actorId: string, labId: string, located: { ref: ObjectRef; datasetId: string }, body: string, link: string) {
  const mentioned = await mentionedUsers(db, body, await audienceOf(db, labId, located.ref, located.datasetId), actorId);
  await notify(db, mentioned, {
    kind: 'mention',
    title: `${await userName(db, actorId)} mentioned you on ${located.ref.kind} "${await objectName(db, located.ref)}"`,
    excerpt: body,
    link,
    actorId,
  });
  return mentioned;
}

/** What every listing shows of an annotation: its text and tags, its author (users left-joined on authorId), whether resolved, when. */
const noteColumns = {
  body: annotations.body,
  tags: annotations.tags,
  authorId: annotations.authorId,
  authorName: users.name,
  resolved: annotations.resolved,
  createdAt: annotations.createdAt,
};

const objectIs = (labId: string, ref: ObjectRef) => and(eq(annotations.labId, labId), eq(annotations.objectKind, ref.kind), eq(annotations.objectId, ref.id));

export const annotationFilter = z.object({
  anchorTypes: z.array(z.enum(Object.keys(LEVEL_OF) as [AnchorType, ...AnchorType[]])).optional(),
  channelIndex: z.number().int().min(0).optional(),
});

/** An object's threads, oldest first, each with its replies; bodies come rendered (bodyHtml) and as source. */
export async function annotationsOf(db: Db, labId: string, ref: ObjectRef, filter: z.infer<typeof annotationFilter> = {}) {
  await requireObject(db, labId, ref);
  const columns = {
    id: annotations.id,
    parentId: annotations.parentId,
    anchor: annotations.anchor,
    level: annotations.level,
    ...noteColumns,
    updatedAt: annotations.updatedAt,
  };
  const conditions: (SQL | undefined)[] = [objectIs(labId, ref), isNull(annotations.parentId)];
  if (filter.anchorTypes?.length) conditions.push(inArray(sql`${annotations.anchor}->>'type'`, filter.anchorTypes));
  if (filter.channelIndex !== undefined) conditions.push(sql`(${annotations.anchor}->>'channelIndex')::int = ${filter.channelIndex}`);
  const roots = await db
    .select(columns)
    .from(annotations)
    .leftJoin(users, eq(users.id, annotations.authorId))
    .where(and(...conditions))
    .orderBy(asc(annotations.createdAt));
  const replies = roots.length
    ? await db
        .select(columns)
        .from(annotations)
        .leftJoin(users, eq(users.id, annotations.authorId))
        .where(and(objectIs(labId, ref), inArray(annotations.parentId, roots.map((r) => r.id))))
        .orderBy(asc(annotations.createdAt))
    : [];
  const rendered = <T extends { body: string }>(row: T) => ({ ...row, bodyHtml: renderMarkdown(row.body) });
  return roots.map(({ parentId: _, ...root }) => ({
    ...rendered(root),
    link: annotationLink(labId, ref, root.anchor, root.id),
    replies: replies.filter((r) => r.parentId === root.id).map(({ parentId: _p, anchor: _a, level: _l, tags: _t, resolved: _r, ...r }) => rendered(r)),
  }));
}
export type AnnotationThread = Awaited<ReturnType<typeof annotationsOf>>[number];

export const createInput = objectInput.extend({ anchor: anchorSchema, body: bodySchema, tags: tagsSchema.default([]) });

/** Starts a thread on an object, and tells the users it @-mentions. */
export async function createAnnotation(db: Db, actorId: string, labId: string, input: z.infer<typeof createInput>) {
  const ref = { kind: input.objectKind, id: input.objectId };
  const located = await requireObject(db, labId, ref);
  await checkAnchor(db, ref, input.anchor);
  const [row] = await db
    .insert(annotations)
    .values({ labId, objectKind: ref.kind, objectId: ref.id, datasetId: located.datasetId, level: levelOf(input.anchor), anchor: input.anchor, body: input.body, tags: input.tags, authorId: actorId })
    .returning({ id: annotations.id });
  const link = annotationLink(labId, ref, input.anchor, row!.id);
  await notifyMentions(db, actorId, labId, located, input.body, link);
  return { id: row!.id, link };
}

/** The thread an annotation id belongs to, on this object of this lab; another object's id is not found. */
async function requireThread(db: Db, labId: string, ref: ObjectRef, annotationId: string) {
  const [row] = await db
    .select({ id: annotations.id, parentId: annotations.parentId, authorId: annotations.authorId, anchor: annotations.anchor })
    .from(annotations)
    .where(and(objectIs(labId, ref), eq(annotations.id, annotationId)));
  if (!row) throw notFound('No such annotation on this object');
  return row;
}

export const replyInput = objectInput.extend({ parentId: z.string().min(1), body: bodySchema });

/** Adds a reply to a thread; tells the thread's author and earlier repliers, and anyone it @-mentions. */
export async function replyToAnnotation(db: Db, actorId: string, labId: string, input: z.infer<typeof replyInput>) {
  const ref = { kind: input.objectKind, id: input.objectId };
  const located = await requireObject(db, labId, ref);
  const parent = await requireThread(db, labId, ref, input.parentId);
  // A reply to a reply joins the thread: threads are one level deep.
  const root = parent.parentId ? await requireThread(db, labId, ref, parent.parentId) : parent;
  const [row] = await db
    .insert(annotations)
    .values({ labId, objectKind: ref.kind, objectId: ref.id, datasetId: located.datasetId, level: levelOf(root.anchor!), parentId: root.id, body: input.body, authorId: actorId })
    .returning({ id: annotations.id });
  const link = annotationLink(labId, ref, root.anchor, root.id);
  const mentioned = new Set(await notifyMentions(db, actorId, labId, located, input.body, link));
  const earlier = await db.selectDistinct({ authorId: annotations.authorId }).from(annotations).where(and(objectIs(labId, ref), eq(annotations.parentId, root.id)));
  const participants = [root.authorId, ...earlier.map((r) => r.authorId)].filter((id): id is string => id !== null && !mentioned.has(id));
  await notify(db, participants, {
    kind: 'reply',
    title: `${await userName(db, actorId)} replied on ${ref.kind} "${await objectName(db, ref)}"`,
    excerpt: input.body,
    link,
    actorId,
  });
  return { id: row!.id, link };
}

export const resolveInput = objectInput.extend({ annotationId: z.string().min(1), resolved: z.boolean() });

/** Marks a thread resolved or open again (any editor of the object may). */
export async function setResolved(db: Db, labId: string, input: z.infer<typeof resolveInput>) {
  const ref = { kind: input.objectKind, id: input.objectId };
  const thread = await requireThread(db, labId, ref, input.annotationId);
  if (thread.parentId) throw new TRPCError({ code: 'BAD_REQUEST', message: 'Resolve the thread, not one of its replies' });
  await db
    .update(annotations)
    .set({ resolved: input.resolved, updatedAt: new Date() })
    .where(and(objectIs(labId, ref), eq(annotations.id, thread.id)));
}

async function requireOwn(db: Db, actorId: string, labId: string, ref: ObjectRef, annotationId: string) {
  const row = await requireThread(db, labId, ref, annotationId);
  if (row.authorId !== actorId) throw new TRPCError({ code: 'FORBIDDEN', message: 'Only its author can change or delete an annotation' });
  return row;
}

export const updateInput = objectInput.extend({ annotationId: z.string().min(1), body: bodySchema, tags: tagsSchema.optional() });

/** Edits the body (and a thread's tags); author only. */
export async function updateAnnotation(db: Db, actorId: string, labId: string, input: z.infer<typeof updateInput>) {
  const ref = { kind: input.objectKind, id: input.objectId };
  const row = await requireOwn(db, actorId, labId, ref, input.annotationId);
  await db
    .update(annotations)
    .set({ body: input.body, ...(input.tags && !row.parentId ? { tags: input.tags } : {}), updatedAt: new Date() })
    .where(and(objectIs(labId, ref), eq(annotations.id, row.id)));
}

export const removeInput = objectInput.extend({ annotationId: z.string().min(1) });

/** Deletes an annotation (a thread with its replies); author only. */
export async function removeAnnotation(db: Db, actorId: string, labId: string, input: z.infer<typeof removeInput>) {
  const ref = { kind: input.objectKind, id: input.objectId };
  const row = await requireOwn(db, actorId, labId, ref, input.annotationId);
  await db.delete(annotations).where(and(objectIs(labId, ref), eq(annotations.id, row.id)));
}

export const labListInput = z.object({
  tag: z.string().trim().toLowerCase().optional(),
  authorId: z.string().optional(),
  datasetId: z.string().optional(),
  level: z.enum(annotationLevel.enumValues).optional(),
  resolved: z.boolean().optional(),
});

/** The threads on a lab's objects, newest first, with what they are on and where; and the values to filter by. */
export async function labAnnotations(db: Db, labId: string, filter: z.infer<typeof labListInput>) {
  const conditions: (SQL | undefined)[] = [eq(annotations.labId, labId), isNull(annotations.parentId)];
  if (filter.tag) conditions.push(sql`${annotations.tags} @> ${JSON.stringify([filter.tag])}::jsonb`);
  if (filter.authorId) conditions.push(eq(annotations.authorId, filter.authorId));
  if (filter.datasetId) conditions.push(eq(annotations.datasetId, filter.datasetId));
  if (filter.level) conditions.push(eq(annotations.level, filter.level));
  if (filter.resolved !== undefined) conditions.push(eq(annotations.resolved, filter.resolved));
  const replyCount = sql<number>`(select count(*)::int from ${annotations} as r where r.parent_id = ${annotations.id})`;
  const rows = await db
    .select({
      id: annotations.id,
      objectKind: annotations.objectKind,
      objectId: annotations.objectId,
      objectName: sql<string | null>`coalesce(${analyses.name}, ${statespaceAnalyses.name}, case when ${annotations.objectKind} = 'dataset' then ${datasets.name} end)`,
      datasetId: annotations.datasetId,
      datasetName: datasets.name,
      level: annotations.level,
      anchor: annotations.anchor,
      ...noteColumns,
      replies: replyCount,
    })
    .from(annotations)
    .leftJoin(users, eq(users.id, annotations.authorId))
    .leftJoin(datasets, eq(datasets.id, annotations.datasetId))
    .leftJoin(analyses, and(eq(annotations.objectKind, 'analysis'), eq(analyses.id, annotations.objectId)))
    .leftJoin(statespaceAnalyses, and(eq(annotations.objectKind, 'statespace'), eq(statespaceAnalyses.id, annotations.objectId)))
    .where(and(...conditions))
    .orderBy(desc(annotations.createdAt))
    .limit(500);
  const facets = await db
    .selectDistinct({ authorId: annotations.authorId, authorName: users.name, datasetId: annotations.datasetId, datasetName: datasets.name, tags: annotations.tags })
    .from(annotations)
    .leftJoin(users, eq(users.id, annotations.authorId))
    .leftJoin(datasets, eq(datasets.id, annotations.datasetId))
    .where(and(eq(annotations.labId, labId), isNull(annotations.parentId)));
  const unique = <T>(pairs: [string | null, T][]) => [...new Map(pairs.filter((p): p is [string, T] => p[0] !== null))].map(([id, label]) => ({ id, label }));
  return {
    annotations: rows.map((r) => ({ ...r, bodyHtml: renderMarkdown(r.body), link: annotationLink(labId, { kind: r.objectKind, id: r.objectId }, r.anchor, r.id) })),
    authors: unique(facets.map((f) => [f.authorId, f.authorName ?? '?'])),
    datasets: unique(facets.map((f) => [f.datasetId, f.datasetName ?? '?'])),
    tags: [...new Set(facets.flatMap((f) => f.tags))].sort(),
  };
}
