/**
 * Publishing: an analysis becomes an immutable, versioned snapshot at /p/<slug>/v<version>, readable by anyone.
 * The snapshot is one JSON blob (content-addressed, so it cannot change) that names the arrays it shows by their
 * blob keys; a later version is a new snapshot and never touches an earlier one. Unpublishing keeps the row and the
 * blob but marks the version, so its address answers with a tombstone instead of the result.
 */
import { TRPCError } from '@trpc/server';
import { and, asc, desc, eq, isNull, like, or } from 'drizzle-orm';
import { zipSync } from 'fflate';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { analyses, analysisContacts, channels, datasets, jobs, labs, publications, signaturesSummaryOf, users, type RsaSummary, type SignaturesSummary } from '@/db/schema';
import { bibtex, citationCff, publicationPath, SLUG_MAX, SLUG_PATTERN, slugOf, type Citation } from '@/lib/publishing';
import { contactsCsv } from '@/lib/signatures/export';
import type { Runtime } from '@/server/runtime';
import type { BlobStore } from '@/server/storage/blobs';
import { softwareVersion as serverSoftwareVersion } from '@/server/version';
import { contactMaps } from './analyses';
import { recordAudit } from './audit';
import { decoderOnnxOf, importanceNpyOf } from './exports';
import { getRsa, RSA_FILES, rsaFileOf } from './rsa';

/** What every published snapshot holds, whatever the analysis level. */
interface SnapshotBase {
  /** Layout of this JSON, for readers of old snapshots. */
  format: 1;
  slug: string;
  version: number;
  title: string;
  authors: string[];
  /** ISO 8601. */
  publishedAt: string;
  lab: { name: string };
  analysis: { name: string; createdAt: string };
  dataset: { name: string; modality: string; nEpochs: number; nChannels: number; sfreq: number; categories: string[]; files: { name: string; sha256: string; size: number }[] };
  parameters: Record<string, unknown>;
  /** The software that computed the result (its job's), and the one that published it. */
  softwareVersion: string;
  publishedWith: string;
  /** The job's inputs as 'sha256:<hex>', by role. */
  inputChecksums: Record<string, string>;
  /** Analysis-wide arrays by role ('prototypes:face', 'rho:trained', ...), as sha256 blob keys. */
  arrays: Record<string, string>;
}

/** One contact of a published Level 1 result: the table row, where it is, and its arrays' blob keys. */
export interface PublishedContact {
  channelIndex: number;
  name: string;
  region: string | null;
  aal: string | null;
  /** In `coordFrame` (MNI mm for the 3D brain); null when unknown. */
  x: number | null;
  y: number | null;
  z: number | null;
  coordFrame: string | null;
  nTrials: number;
  accuracy: number;
  f1: number[];
  predictive: boolean[] | null;
  confusion: number[][];
  nSignificant: number | null;
  responsive: boolean | null;
  /** 'maps' (categories x 3 x F x T), 'mdi', 'forest', and 'shape' ('FxT'). */
  blobs: Record<string, string>;
}

export interface SignaturesSnapshot extends SnapshotBase {
  kind: 'signatures';
  summary: SignaturesSummary;
  contacts: PublishedContact[];
}

export interface RsaSnapshot extends SnapshotBase {
  kind: 'rsa';
  summary: RsaSummary;
  layerLabels: string[];
  /** Per contact and band, the best (layer, rho, p) of the trained network, as the analysis page shows it. */
  contacts: Awaited<ReturnType<typeof getRsa>>['contacts'];
}

export type PublishedSnapshot = SignaturesSnapshot | RsaSnapshot;

export const publishInput = z.object({
  analysisId: z.string().min(1),
  title: z.string().trim().min(1, 'Give the publication a title').max(300),
  authors: z.array(z.string().trim().min(1).max(200)).max(200).optional(),
  /** Only for the first version; later versions keep the analysis's address. */
  slug: z.string().trim().max(SLUG_MAX).regex(SLUG_PATTERN, 'slug: lowercase letters and digits, joined by single hyphens').optional(),
});

/** Publishes a new version of a finished analysis of the lab and returns its address. */
export async function publish(runtime: Runtime, actorId: string, labId: string, input: z.infer<typeof publishInput>) {
  const { db } = runtime;
  const [analysis] = await db.select().from(analyses).where(and(eq(analyses.id, input.analysisId), eq(analyses.labId, labId)));
  if (!analysis) throw new TRPCError({ code: 'NOT_FOUND', message: 'Analysis not found' });
  if (analysis.status !== 'ready' || !analysis.summary) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: `"${analysis.name}" is ${analysis.status}; only a finished (ready) analysis can be published` });
  }
  if (analysis.kind !== 'signatures' && analysis.kind !== 'rsa') throw new TRPCError({ code: 'BAD_REQUEST', message: `${analysis.kind} analyses cannot be published yet` });
  const slug = await slugFor(db, input.analysisId, input.slug ?? slugOf(input.title), input.slug !== undefined);
  const [last] = await db.select({ version: publications.version }).from(publications).where(eq(publications.slug, slug)).orderBy(desc(publications.version)).limit(1);
  const version = (last?.version ?? 0) + 1;

  const [dataset] = await db.select().from(datasets).where(eq(datasets.id, analysis.datasetId));
  const [job] = analysis.jobId ? await db.select().from(jobs).where(eq(jobs.id, analysis.jobId)) : [];
  const [lab] = await db.select({ name: labs.name }).from(labs).where(eq(labs.id, labId));
  const [actor] = await db.select({ name: users.name, email: users.email }).from(users).where(eq(users.id, actorId));
  const authors = input.authors?.length ? input.authors : [actor?.name ?? actor?.email ?? 'Unknown'];
  const base: SnapshotBase = {
    format: 1,
    slug,
    version,
    title: input.title,
    authors,
    publishedAt: new Date().toISOString(),
    lab: { name: lab?.name ?? '' },
    analysis: { name: analysis.name, createdAt: analysis.createdAt.toISOString() },
    dataset: {
      name: dataset!.name,
      modality: dataset!.modality,
      nEpochs: dataset!.nEpochs,
      nChannels: dataset!.nChannels,
      sfreq: dataset!.sfreq,
      categories: dataset!.categories,
      files: dataset!.files.map((f) => ({ name: f.name, sha256: f.key, size: f.size })),
    },
    parameters: analysis.params,
    softwareVersion: job?.softwareVersion ?? serverSoftwareVersion,
    publishedWith: serverSoftwareVersion,
    inputChecksums: job?.inputChecksums ?? {},
    arrays: analysis.blobs,
  };
  let snapshot: PublishedSnapshot;
  if (analysis.kind === 'rsa') {
    const rsa = await getRsa(runtime, labId, analysis.id);
    snapshot = { ...base, kind: 'rsa', summary: rsa.summary!, layerLabels: rsa.layerLabels, contacts: rsa.contacts };
  } else {
    snapshot = { ...base, kind: 'signatures', summary: signaturesSummaryOf(analysis.summary)!, contacts: await publishedContacts(db, analysis.id, analysis.datasetId) };
  }
  const { key } = await runtime.blobs.put(new TextEncoder().encode(JSON.stringify(snapshot)));
  const [row] = await db
    .insert(publications)
    .values({ labId, slug, version, objectKind: 'analysis', objectId: analysis.id, title: input.title, authors, snapshotKey: key, softwareVersion: base.softwareVersion, publishedBy: actorId })
    .onConflictDoNothing({ target: [publications.slug, publications.version] })
    .returning({ id: publications.id });
  if (!row) throw new TRPCError({ code: 'CONFLICT', message: `Version ${version} of /p/${slug} was published a moment ago by someone else; publish again for the next version` });
  await recordAudit(db, { labId, actorId, action: 'publication.publish', objectType: 'analysis', objectId: analysis.id, detail: { slug, version } });
  return { slug, version, path: publicationPath(slug, version) };
}

/**
 * The slug of an analysis's publications: the one its first version took, else `wanted` when free (an explicit
 * choice that is taken is an error), else `wanted-2`, `wanted-3`, ... Slugs are unique across all publications,
 * unpublished ones included, so an address never comes to show another analysis.
 */
async function slugFor(db: Db, analysisId: string, wanted: string, explicit: boolean): Promise<string> {
  const [existing] = await db
    .select({ slug: publications.slug })
    .from(publications)
    .where(and(eq(publications.objectKind, 'analysis'), eq(publications.objectId, analysisId)))
    .limit(1);
  if (existing) {
    if (explicit && wanted !== existing.slug) {
      throw new TRPCError({ code: 'BAD_REQUEST', message: `slug: this analysis is published at /p/${existing.slug}; its new versions keep that address` });
    }
    return existing.slug;
  }
  const taken = new Set(
    (await db.selectDistinct({ slug: publications.slug }).from(publications).where(or(eq(publications.slug, wanted), like(publications.slug, `${wanted}-%`)))).map((r) => r.slug),
  );
  if (!taken.has(wanted)) return wanted;
  if (explicit) throw new TRPCError({ code: 'CONFLICT', message: `slug: /p/${wanted} is taken; choose another` });
  for (let n = 2; ; n++) {
    const candidate = `${wanted.slice(0, SLUG_MAX - String(n).length - 1)}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** A Level 1 analysis's contacts with their positions, as a snapshot keeps them. */
async function publishedContacts(db: Db, analysisId: string, datasetId: string): Promise<PublishedContact[]> {
  const c = analysisContacts;
  return db
    .select({
      channelIndex: c.channelIndex,
      name: c.name,
      region: c.region,
      aal: channels.aal,
      x: channels.x,
      y: channels.y,
      z: channels.z,
      coordFrame: channels.coordFrame,
      nTrials: c.nTrials,
      accuracy: c.accuracy,
      f1: c.f1,
      predictive: c.predictive,
      confusion: c.confusion,
      nSignificant: c.nSignificant,
      responsive: c.responsive,
      blobs: c.blobs,
    })
    .from(analysisContacts)
    .leftJoin(channels, and(eq(channels.datasetId, datasetId), eq(channels.index, analysisContacts.channelIndex)))
    .where(eq(analysisContacts.analysisId, analysisId))
    .orderBy(asc(analysisContacts.channelIndex));
}

export const unpublishInput = z.object({
  analysisId: z.string().min(1),
  /** One version; without it, every version still published. */
  version: z.number().int().min(1).optional(),
  reason: z.string().trim().min(1, 'reason: say why it is unpublished (the tombstone page shows it)').max(1000),
});

/**
 * Unpublishes one version of an analysis, or all its published versions when no version is given. The rows and
 * snapshots stay (their addresses answer with a tombstone naming the date and reason); it cannot be undone, but
 * publishing again makes a new version.
 */
export async function unpublish(db: Db, actorId: string, labId: string, input: z.infer<typeof unpublishInput>) {
  const rows = await db
    .update(publications)
    .set({ unpublishedAt: new Date(), unpublishedReason: input.reason })
    .where(
      and(
        eq(publications.labId, labId),
        eq(publications.objectKind, 'analysis'),
        eq(publications.objectId, input.analysisId),
        isNull(publications.unpublishedAt),
        input.version === undefined ? undefined : eq(publications.version, input.version),
      ),
    )
    .returning({ slug: publications.slug, version: publications.version });
  if (!rows.length) throw new TRPCError({ code: 'NOT_FOUND', message: input.version ? `Version ${input.version} is not published` : 'Nothing of this analysis is published' });
  await recordAudit(db, { labId, actorId, action: 'publication.unpublish', objectType: 'analysis', objectId: input.analysisId, detail: { versions: rows.map((r) => r.version), reason: input.reason } });
  return { unpublished: rows.map((r) => r.version) };
}

/** Every version of an analysis's publications, newest first. */
export async function listPublications(db: Db, labId: string, analysisId: string) {
  const rows = await db
    .select({
      slug: publications.slug,
      version: publications.version,
      title: publications.title,
      authors: publications.authors,
      softwareVersion: publications.softwareVersion,
      publishedAt: publications.publishedAt,
      unpublishedAt: publications.unpublishedAt,
      unpublishedReason: publications.unpublishedReason,
    })
    .from(publications)
    .where(and(eq(publications.labId, labId), eq(publications.objectKind, 'analysis'), eq(publications.objectId, analysisId)))
    .orderBy(desc(publications.version));
  return rows.map((r) => ({ ...r, path: publicationPath(r.slug, r.version) }));
}

/**
 * Parsed snapshots by blob key, most recently used last. A key's bytes never change, so an entry is never stale; the
 * bound keeps memory in check. Whether a version is still published is read from its row on every request.
 */
const SNAPSHOT_CACHE_SIZE = 64;
const snapshots = new Map<string, Promise<PublishedSnapshot>>();

function snapshotOf(blobs: BlobStore, key: string): Promise<PublishedSnapshot> {
  let snapshot = snapshots.get(key);
  if (snapshot) snapshots.delete(key);
  else {
    snapshot = blobs.get(key).then((bytes) => JSON.parse(bytes.toString('utf8')) as PublishedSnapshot);
    snapshot.catch(() => snapshots.delete(key));
  }
  snapshots.set(key, snapshot);
  if (snapshots.size > SNAPSHOT_CACHE_SIZE) snapshots.delete(snapshots.keys().next().value!);
  return snapshot;
}

/** One line per version of a slug, for "a newer version exists" links. */
export interface PublishedVersion {
  version: number;
  title: string;
  publishedAt: Date;
  live: boolean;
}

export type PublicationView =
  | { state: 'live'; slug: string; version: number; snapshot: PublishedSnapshot; versions: PublishedVersion[] }
  | { state: 'unpublished'; slug: string; version: number; publishedAt: Date; unpublishedAt: Date; reason: string; versions: PublishedVersion[] };

/** What /p/<slug>/v<version> shows, for anyone: the snapshot, a tombstone, or null when there is no such version. */
export async function getPublished(runtime: Runtime, slug: string, version: number): Promise<PublicationView | null> {
  const rows = await runtime.db
    .select({
      version: publications.version,
      title: publications.title,
      publishedAt: publications.publishedAt,
      unpublishedAt: publications.unpublishedAt,
      unpublishedReason: publications.unpublishedReason,
      snapshotKey: publications.snapshotKey,
    })
    .from(publications)
    .where(eq(publications.slug, slug))
    .orderBy(asc(publications.version));
  const row = rows.find((r) => r.version === version);
  if (!row) return null;
  const versions = rows.map((r) => ({ version: r.version, title: r.title, publishedAt: r.publishedAt, live: r.unpublishedAt === null }));
  if (row.unpublishedAt) {
    return { state: 'unpublished', slug, version, publishedAt: row.publishedAt, unpublishedAt: row.unpublishedAt, reason: row.unpublishedReason ?? '', versions };
  }
  return { state: 'live', slug, version, snapshot: await snapshotOf(runtime.blobs, row.snapshotKey), versions };
}

/** The newest published version of a slug, or null. */
export async function latestPublished(db: Db, slug: string): Promise<number | null> {
  const [row] = await db
    .select({ version: publications.version })
    .from(publications)
    .where(and(eq(publications.slug, slug), isNull(publications.unpublishedAt)))
    .orderBy(desc(publications.version))
    .limit(1);
  return row?.version ?? null;
}

/** A published Level 1 contact's maps (importance, mean log power, signature per category, and MDI). */
export async function publishedContactMaps(blobs: BlobStore, snapshot: SignaturesSnapshot, channelIndex: number) {
  const contact = snapshot.contacts.find((c) => c.channelIndex === channelIndex);
  if (!contact) throw new TRPCError({ code: 'NOT_FOUND', message: `No contact ${channelIndex} in this publication` });
  return { channelIndex, name: contact.name, region: contact.region, f1: contact.f1, predictive: contact.predictive, ...(await contactMaps(blobs, contact.blobs)) };
}

export type PublishedContactMaps = Awaited<ReturnType<typeof publishedContactMaps>>;

export function citationOf(snapshot: PublishedSnapshot, url: string): Citation {
  return {
    title: snapshot.title,
    authors: snapshot.authors,
    version: snapshot.version,
    released: new Date(snapshot.publishedAt),
    url,
    publisher: snapshot.lab.name,
    slug: snapshot.slug,
    softwareVersion: snapshot.softwareVersion,
  };
}

/**
 * The download bundle: metadata.json (the snapshot), citations, and the result as files: for Level 1 contacts.csv,
 * importance.npy and an ONNX decoder per predictive contact; for RSA the files of its analysis page.
 */
export async function publishedBundle(blobs: BlobStore, snapshot: PublishedSnapshot, url: string): Promise<Uint8Array> {
  const text = (s: string) => new TextEncoder().encode(s);
  const bytes = (b: string | Uint8Array) => (typeof b === 'string' ? text(b) : b);
  const citation = citationOf(snapshot, url);
  const files: Record<string, Uint8Array> = {
    'metadata.json': text(JSON.stringify({ url, ...snapshot }, null, 1)),
    'CITATION.cff': text(citationCff(citation)),
    'citation.bib': text(bibtex(citation)),
  };
  if (snapshot.kind === 'rsa') {
    for (const file of RSA_FILES) files[file] = bytes((await rsaFileOf(blobs, snapshot.summary, snapshot.arrays, file)).body);
  } else {
    const { summary, contacts } = snapshot;
    files['contacts.csv'] = text(contactsCsv(contacts, summary.categories, summary.threshold));
    files['importance.npy'] = await importanceNpyOf(blobs, contacts, summary);
    for (const c of contacts.filter((c) => c.predictive?.some(Boolean) && c.blobs.forest)) {
      files[`decoders/${c.name.replace(/[^\w.-]+/g, '_')}.onnx`] = await decoderOnnxOf(blobs, c.blobs.forest!, summary.categories);
    }
  }
  return zipSync(files);
}
