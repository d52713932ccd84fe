import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { analyses } from './analyses';
import { createdAtColumn, createdByColumn, idColumn, labColumn } from './columns';
import { datasets } from './datasets';
import { labs } from './labs';
import { users } from './users';

/**
 * Collaboration across labs: what is shared with whom, reviewer links, annotations, the signature catalogue,
 * published snapshots and each user's inbox. Every row's `labId` is the lab that owns the object it is about.
 */

/** What can be shared or linked: a dataset (with its analyses) or one analysis of any level. */
export const sharedObjectKind = pgEnum('shared_object_kind', ['dataset', 'analysis', 'statespace']);
export type SharedObjectKind = (typeof sharedObjectKind.enumValues)[number];
/** A lab a thing is shared with reads it ('viewer') or may also annotate and change it ('editor'); never owns it. */
export const shareRole = pgEnum('share_role', ['viewer', 'editor']);
export type ShareRole = (typeof shareRole.enumValues)[number];

export const shares = pgTable(
  'shares',
  {
    id: idColumn(),
    labId: labColumn(),
    objectKind: sharedObjectKind('object_kind').notNull(),
    objectId: text('object_id').notNull(),
    granteeLabId: text('grantee_lab_id')
      .notNull()
      .references(() => labs.id, { onDelete: 'cascade' }),
    role: shareRole('role').notNull(),
    createdBy: createdByColumn(),
    createdAt: createdAtColumn(),
  },
  (t) => [uniqueIndex('shares_object_grantee').on(t.objectKind, t.objectId, t.granteeLabId), index('shares_grantee').on(t.granteeLabId)],
);

/**
 * A read-only link for a reviewer without an account. Only the token's sha256 is stored, so a database leak does
 * not leak working links; revoking sets `revokedAt` and is checked on every request.
 */
export const reviewLinks = pgTable(
  'review_links',
  {
    id: idColumn(),
    labId: labColumn(),
    objectKind: sharedObjectKind('object_kind').notNull(),
    objectId: text('object_id').notNull(),
    label: text('label').notNull().default(''),
    tokenHash: text('token_hash').notNull(),
    /** scrypt hash (server/auth/password.ts) when the link also needs a password. */
    passwordHash: text('password_hash'),
    expiresAt: timestamp('expires_at', { mode: 'date' }).notNull(),
    revokedAt: timestamp('revoked_at', { mode: 'date' }),
    createdBy: createdByColumn(),
    createdAt: createdAtColumn(),
  },
  (t) => [uniqueIndex('review_links_token').on(t.tokenHash), index('review_links_object').on(t.objectKind, t.objectId)],
);

/** Where on a result an annotation belongs. Times in seconds from the event, frequencies in Hz. */
export type AnnotationAnchor =
  | { type: 'contact'; channelIndex: number; contact: string }
  | { type: 'cluster'; category: string; clusterId: number }
  | { type: 'tf-box'; channelIndex: number; contact: string; category: string; tMin: number; tMax: number; fMin: number; fMax: number }
  | { type: 'region'; region: string }
  | { type: 'rsa-cell'; bandWindow: string; area: string; layer: string; network: 'trained' | 'random' }
  | { type: 'state-point'; x: number; y: number }
  | { type: 'state-territory'; action: string };

/** The level of neural organisation an anchor is at, for filtering the lab-wide list. */
export const annotationLevel = pgEnum('annotation_level', ['electrode', 'region', 'whole-brain']);
export type AnnotationLevel = (typeof annotationLevel.enumValues)[number];

/** A note on a result object; replies point at the thread's first annotation and carry no anchor of their own. */
export const annotations = pgTable(
  'annotations',
  {
    id: idColumn(),
    labId: labColumn(),
    objectKind: sharedObjectKind('object_kind').notNull(),
    objectId: text('object_id').notNull(),
    datasetId: text('dataset_id').references(() => datasets.id, { onDelete: 'cascade' }),
    level: annotationLevel('level').notNull(),
    anchor: jsonb('anchor').$type<AnnotationAnchor>(),
    parentId: text('parent_id').references((): AnyPgColumn => annotations.id, { onDelete: 'cascade' }),
    /** Markdown source; rendered with raw HTML disabled (lib/markdown.ts). */
    body: text('body').notNull(),
    tags: jsonb('tags').$type<string[]>().notNull().default([]),
    authorId: text('author_id').references(() => users.id, { onDelete: 'set null' }),
    resolved: boolean('resolved').notNull().default(false),
    createdAt: createdAtColumn(),
    updatedAt: timestamp('updated_at', { mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('annotations_object').on(t.objectKind, t.objectId), index('annotations_lab').on(t.labId, t.createdAt), index('annotations_parent').on(t.parentId)],
);

/** Where a catalogue entry's signature came from: a cluster's prototype or one contact's signature map. */
export type CatalogSource =
  | { type: 'cluster'; category: string; clusterId: number; contacts: string[] }
  | { type: 'contact'; category: string; channelIndex: number; contact: string };

/** A named signature a lab keeps, with the map it is compared by (float32 freqs x times in blobs). */
export const catalogEntries = pgTable(
  'catalog_entries',
  {
    id: idColumn(),
    labId: labColumn(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    tags: jsonb('tags').$type<string[]>().notNull().default([]),
    analysisId: text('analysis_id').references(() => analyses.id, { onDelete: 'set null' }),
    datasetId: text('dataset_id').references(() => datasets.id, { onDelete: 'set null' }),
    source: jsonb('source').$type<CatalogSource>().notNull(),
    /** The prototype map, kept with the entry so it survives its analysis. */
    prototypeKey: text('prototype_key').notNull(),
    freqs: jsonb('freqs').$type<number[]>().notNull(),
    binTimes: jsonb('bin_times').$type<number[]>().notNull(),
    createdBy: createdByColumn(),
    createdAt: createdAtColumn(),
  },
  (t) => [index('catalog_entries_lab').on(t.labId)],
);

/**
 * One immutable published version of an analysis at /p/<slug>/v<version>. The snapshot (results, parameters,
 * software version, input checksums) is a JSON blob; arrays it refers to are content-addressed blobs, so nothing
 * done to the analysis later can change a published version.
 */
export const publications = pgTable(
  'publications',
  {
    id: idColumn(),
    labId: labColumn(),
    slug: text('slug').notNull(),
    version: integer('version').notNull(),
    objectKind: sharedObjectKind('object_kind').notNull(),
    /** The analysis it was taken from; null once that is deleted (the snapshot stays). */
    objectId: text('object_id'),
    title: text('title').notNull(),
    authors: jsonb('authors').$type<string[]>().notNull().default([]),
    snapshotKey: text('snapshot_key').notNull(),
    softwareVersion: text('software_version').notNull(),
    publishedBy: createdByColumn(),
    publishedAt: createdAtColumn(),
    unpublishedAt: timestamp('unpublished_at', { mode: 'date' }),
    unpublishedReason: text('unpublished_reason'),
  },
  (t) => [uniqueIndex('publications_slug_version').on(t.slug, t.version), index('publications_object').on(t.objectKind, t.objectId)],
);

export const notificationKind = pgEnum('notification_kind', ['reply', 'mention', 'share', 'job']);
export type NotificationKind = (typeof notificationKind.enumValues)[number];

/** One item in a user's inbox. */
export const notifications = pgTable(
  'notifications',
  {
    id: idColumn(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: notificationKind('kind').notNull(),
    title: text('title').notNull(),
    /** A plain-text excerpt, never rendered as HTML. */
    excerpt: text('excerpt').notNull().default(''),
    /** Same-site path to open. */
    link: text('link').notNull(),
    actorId: text('actor_id').references(() => users.id, { onDelete: 'set null' }),
    readAt: timestamp('read_at', { mode: 'date' }),
    createdAt: createdAtColumn(),
  },
  (t) => [index('notifications_user').on(t.userId, t.createdAt), index('notifications_unread').on(t.userId).where(sql`read_at is null`)],
);
