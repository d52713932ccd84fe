/**
 * The signature catalogue (issue #8): a lab names the spectrotemporal signatures it finds, from a cluster's
 * prototype or one contact's signature, and asks where the same pattern recurs, across its own analyses and those
 * other labs share with it. Entries keep their own copy of the map, so they outlive the analysis they came from.
 */
import { TRPCError } from '@trpc/server';
import { and, desc, eq, exists, ilike, inArray, or, sql } from 'drizzle-orm';
import type { SelectedFields } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { analyses, analysisContacts, catalogEntries, datasets, labs, shares, signaturesSummaryOf, users, type CatalogSource } from '@/db/schema';
import { mapSimilarity, type GridMap } from '@/lib/signatures/similarity';
import { access } from '@/server/authz';
import type { BlobStore } from '@/server/storage/blobs';
import { recordAudit } from './audit';
import { float32, getContactMaps, getPrototypes } from './analyses';

/** Tags are trimmed and lower-cased, so 'Face' and 'face ' are one tag. */
const tagsInput = z
  .array(z.string().trim().toLowerCase().max(40, 'A tag has at most 40 characters'))
  .max(20, 'At most 20 tags')
  .transform((tags) => [...new Set(tags.filter((t) => t.length > 0))]);

const entryFields = {
  name: z.string().trim().min(1, 'Give the signature a name').max(200),
  description: z.string().trim().max(5000).default(''),
  tags: tagsInput.default([]),
};

/** A signature inside an analysis: one cluster's prototype, or one contact's signature for a category. */
export const signatureRef = z.object({
  /** The lab that owns the analysis; another lab's when it is shared with the caller. */
  analysisLabId: z.string().min(1),
  analysisId: z.string().min(1),
  source: z.discriminatedUnion('type', [
    z.object({ type: z.literal('cluster'), category: z.string().min(1), clusterId: z.number().int().min(0) }),
    z.object({ type: z.literal('contact'), category: z.string().min(1), channelIndex: z.number().int().min(0) }),
  ]),
});
export type SignatureRef = z.infer<typeof signatureRef>;

export const promoteInput = signatureRef.extend(entryFields);
/** Changes only the fields given. */
export const updateInput = z
  .object({ entryId: z.string().min(1), name: entryFields.name.optional(), description: z.string().trim().max(5000).optional(), tags: tagsInput.optional() })
  .refine((u) => u.name !== undefined || u.description !== undefined || u.tags !== undefined, 'Give a name, description or tags to change');
export const listInput = z.object({ tag: z.string().trim().toLowerCase().optional(), text: z.string().trim().max(200).optional() });
export const similarInput = z.object({
  query: z.union([z.object({ entryId: z.string().min(1) }), signatureRef]),
  limit: z.number().int().min(1).max(200).default(20),
});

/** The caller may read the analysis a signature comes from, in its own lab, as a member or through a share. */
export async function requireReadableSource(db: Db, userId: string, ref: Pick<SignatureRef, 'analysisLabId' | 'analysisId'>) {
  await access(db, { userId, review: null }, ref.analysisLabId, { analysisId: ref.analysisId }, 'viewer');
}

const analysisPath = (labId: string, analysisId: string) => `/labs/${labId}/analyses/${analysisId}`;
const signaturesPath = (labId: string, analysisId: string, category: string) => `${analysisPath(labId, analysisId)}/signatures/${encodeURIComponent(category)}`;
const contactPath = (labId: string, analysisId: string, channelIndex: number, category: string) =>
  `${analysisPath(labId, analysisId)}/contacts/${channelIndex}?${new URLSearchParams({ category })}`;

/** The map a reference names, on its analysis' grid, and what the catalogue records about where it came from. */
async function signatureOf(db: Db, blobs: BlobStore, ref: SignatureRef): Promise<{ map: GridMap; datasetId: string; source: CatalogSource }> {
  const [analysis] = await db
    .select({ datasetId: analyses.datasetId, summary: analyses.summary, status: analyses.status })
    .from(analyses)
    .where(and(eq(analyses.id, ref.analysisId), eq(analyses.labId, ref.analysisLabId)));
  if (!analysis) throw new TRPCError({ code: 'NOT_FOUND', message: 'Analysis not found' });
  const summary = signaturesSummaryOf(analysis.summary);
  if (analysis.status !== 'ready' || !summary) throw new TRPCError({ code: 'BAD_REQUEST', message: 'Only a finished Level 1 (signatures) analysis has maps to catalogue' });
  const grid = { freqs: summary.freqs, times: summary.binTimes };
  const { category } = ref.source;
  if (ref.source.type === 'cluster') {
    const { clusterId } = ref.source;
    const p = await getPrototypes(db, blobs, ref.analysisLabId, ref.analysisId, category);
    const i = p.clusters.findIndex((c) => c.id === clusterId);
    if (i < 0) throw new TRPCError({ code: 'NOT_FOUND', message: `No cluster ${clusterId} among the "${category}" signatures` });
    return { map: { values: p.prototypes[i]!, ...grid }, datasetId: analysis.datasetId, source: { type: 'cluster', category, clusterId, contacts: p.clusters[i]!.members } };
  }
  const c = summary.categories.indexOf(category);
  if (c < 0) throw new TRPCError({ code: 'NOT_FOUND', message: `No category "${category}" in this analysis` });
  const contact = await getContactMaps(db, blobs, ref.analysisLabId, ref.analysisId, ref.source.channelIndex);
  return {
    map: { values: contact.signatures[c]!, ...grid },
    datasetId: analysis.datasetId,
    source: { type: 'contact', category, channelIndex: contact.channelIndex, contact: contact.name },
  };
}

/** Adds a signature to the lab's catalogue, with its own copy of the map. */
export async function promoteSignature(db: Db, blobs: BlobStore, actorId: string, labId: string, input: z.infer<typeof promoteInput>) {
  const { name, description, tags, ...ref } = input;
  const { map, datasetId, source } = await signatureOf(db, blobs, ref);
  const bytes = Float32Array.from(map.values);
  const { key } = await blobs.put(new Uint8Array(bytes.buffer));
  const [entry] = await db
    .insert(catalogEntries)
    .values({ labId, name, description, tags, analysisId: ref.analysisId, datasetId, source, prototypeKey: key, freqs: [...map.freqs], binTimes: [...map.times], createdBy: actorId })
    .returning({ id: catalogEntries.id });
  await recordAudit(db, { labId, actorId, action: 'catalogue.promote', objectType: 'catalog-entry', objectId: entry!.id, detail: { analysisId: ref.analysisId, source } });
  return { entryId: entry!.id };
}

/** The lab's entries with the given columns and the names of the analysis and dataset each came from (null once deleted). */
function entriesWithNames<T extends SelectedFields>(db: Db, columns: T) {
  return db
    .select({ ...columns, analysisName: analyses.name, datasetName: datasets.name })
    .from(catalogEntries)
    .leftJoin(analyses, eq(analyses.id, catalogEntries.analysisId))
    .leftJoin(datasets, eq(datasets.id, catalogEntries.datasetId));
}

/** The lab's entries, newest first, optionally with one tag and/or text in the name or description; and every tag in use. */
export async function listCatalogue(db: Db, labId: string, filter: z.infer<typeof listInput>) {
  const text = filter.text ? `%${filter.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const entries = await entriesWithNames(db, {
    id: catalogEntries.id,
    name: catalogEntries.name,
    description: catalogEntries.description,
    tags: catalogEntries.tags,
    source: catalogEntries.source,
    analysisId: catalogEntries.analysisId,
    createdByName: users.name,
    createdAt: catalogEntries.createdAt,
  })
    .leftJoin(users, eq(users.id, catalogEntries.createdBy))
    .where(
      and(
        eq(catalogEntries.labId, labId),
        filter.tag ? sql`${catalogEntries.tags} @> ${JSON.stringify([filter.tag])}::jsonb` : undefined,
        text ? or(ilike(catalogEntries.name, text), ilike(catalogEntries.description, text)) : undefined,
      ),
    )
    .orderBy(desc(catalogEntries.createdAt));
  const all = await db.select({ tags: catalogEntries.tags }).from(catalogEntries).where(eq(catalogEntries.labId, labId));
  return { entries, tags: [...new Set(all.flatMap((e) => e.tags))].sort() };
}

const entryInLab = (labId: string, entryId: string) => and(eq(catalogEntries.id, entryId), eq(catalogEntries.labId, labId));
const noEntry = () => new TRPCError({ code: 'NOT_FOUND', message: 'No catalogue entry with that id in this lab' });

async function entryRow(db: Db, labId: string, entryId: string) {
  const [row] = await db
    .select()
    .from(catalogEntries)
    .where(entryInLab(labId, entryId));
  if (!row) throw noEntry();
  return row;
}

/**
 * Level 1 analyses, finished, that a lab can read: its own, and other labs' shared with it directly or through
 * their dataset. The share must be from the analysis' own lab, as in access().
 */
function readableAnalyses(db: Db, labId: string, analysisId?: string) {
  const sharedWithLab = db
    .select({ one: sql`1` })
    .from(shares)
    .where(
      and(
        eq(shares.granteeLabId, labId),
        eq(shares.labId, analyses.labId),
        or(and(eq(shares.objectKind, 'analysis'), eq(shares.objectId, analyses.id)), and(eq(shares.objectKind, 'dataset'), eq(shares.objectId, analyses.datasetId))),
      ),
    );
  return db
    .select({
      id: analyses.id,
      labId: analyses.labId,
      labName: labs.name,
      name: analyses.name,
      datasetId: analyses.datasetId,
      datasetName: datasets.name,
      summary: analyses.summary,
    })
    .from(analyses)
    .innerJoin(datasets, eq(datasets.id, analyses.datasetId))
    .innerJoin(labs, eq(labs.id, analyses.labId))
    .where(
      and(
        eq(analyses.kind, 'signatures'),
        eq(analyses.status, 'ready'),
        analysisId ? eq(analyses.id, analysisId) : undefined,
        or(eq(analyses.labId, labId), exists(sharedWithLab)),
      ),
    );
}

/**
 * One entry with its map and the evidence behind it: the analysis, the signatures or contact page, the contacts.
 * Evidence is null once the analysis is deleted, or when it is another lab's that is not shared with this lab.
 */
export async function getEntry(db: Db, blobs: BlobStore, labId: string, entryId: string) {
  const entry = await entryRow(db, labId, entryId);
  const values = Array.from(await float32(blobs, entry.prototypeKey));
  const [analysis] = entry.analysisId ? await readableAnalyses(db, labId, entry.analysisId) : [];
  const [dataset] = entry.datasetId ? await db.select({ name: datasets.name }).from(datasets).where(eq(datasets.id, entry.datasetId)) : [];
  let evidence = null;
  if (analysis) {
    const { source } = entry;
    const names = source.type === 'cluster' ? source.contacts : [source.contact];
    const contacts = await db
      .select({ name: analysisContacts.name, channelIndex: analysisContacts.channelIndex })
      .from(analysisContacts)
      .where(and(eq(analysisContacts.analysisId, analysis.id), inArray(analysisContacts.name, names)));
    const contactLink = (c: { name: string; channelIndex: number }) => ({ ...c, path: contactPath(analysis.labId, analysis.id, c.channelIndex, source.category) });
    evidence = {
      analysis: { labId: analysis.labId, labName: analysis.labName, id: analysis.id, name: analysis.name, datasetName: analysis.datasetName, path: analysisPath(analysis.labId, analysis.id) },
      page:
        source.type === 'cluster'
          ? { label: `Cluster ${source.clusterId} of “${source.category}”`, path: signaturesPath(analysis.labId, analysis.id, source.category) }
          : { label: `${source.contact}, “${source.category}”`, path: contactPath(analysis.labId, analysis.id, source.channelIndex, source.category) },
      contacts: contacts.sort((a, b) => names.indexOf(a.name) - names.indexOf(b.name)).map(contactLink),
    };
  }
  const { prototypeKey: _key, ...rest } = entry;
  return { ...rest, datasetName: dataset?.name ?? null, map: { values, freqs: entry.freqs, binTimes: entry.binTimes }, evidence };
}

export async function updateEntry(db: Db, actorId: string, labId: string, input: z.infer<typeof updateInput>) {
  const { entryId, ...fields } = input;
  const [row] = await db
    .update(catalogEntries)
    .set(fields)
    .where(entryInLab(labId, entryId))
    .returning({ id: catalogEntries.id });
  if (!row) throw noEntry();
  await recordAudit(db, { labId, actorId, action: 'catalogue.update', objectType: 'catalog-entry', objectId: entryId });
}

/** Deletes the entry; its map blob stays (content-addressed, it may be another entry's too). */
export async function removeEntry(db: Db, actorId: string, labId: string, entryId: string) {
  const [row] = await db
    .delete(catalogEntries)
    .where(entryInLab(labId, entryId))
    .returning({ name: catalogEntries.name });
  if (!row) throw noEntry();
  await recordAudit(db, { labId, actorId, action: 'catalogue.remove', objectType: 'catalog-entry', objectId: entryId, detail: { name: row.name } });
}

export type SimilarSignature =
  | { kind: 'entry'; similarity: number; entryId: string; name: string; category: string; analysisName: string | null; datasetName: string | null; path: string }
  | {
      kind: 'cluster';
      similarity: number;
      category: string;
      clusterId: number;
      nContacts: number;
      labId: string;
      labName: string;
      analysisId: string;
      analysisName: string;
      datasetId: string;
      datasetName: string;
      path: string;
    };

/**
 * Ranks, by cosine similarity of their maps over the common grid (lib/signatures/similarity.ts), the lab's
 * catalogue entries and the cluster prototypes of every finished Level 1 analysis the lab can read, against an
 * entry or any cluster or contact signature. The query itself is left out, and so is the cluster an entry was
 * promoted from (it is the entry's own map). Candidates whose grids do not overlap the query's are left out too.
 */
export async function similarSignatures(db: Db, blobs: BlobStore, labId: string, input: z.infer<typeof similarInput>): Promise<SimilarSignature[]> {
  const { query } = input;
  let map: GridMap;
  let selfEntry: string | null = null;
  let selfCluster: { analysisId: string; category: string; clusterId: number } | null = null;
  if ('entryId' in query) {
    const entry = await entryRow(db, labId, query.entryId);
    map = { values: await float32(blobs, entry.prototypeKey), freqs: entry.freqs, times: entry.binTimes };
    selfEntry = entry.id;
    if (entry.source.type === 'cluster' && entry.analysisId) selfCluster = { analysisId: entry.analysisId, ...entry.source };
  } else {
    map = (await signatureOf(db, blobs, query)).map;
    if (query.source.type === 'cluster') selfCluster = { analysisId: query.analysisId, ...query.source };
  }

  const found: SimilarSignature[] = [];
  const entries = await entriesWithNames(db, {
    id: catalogEntries.id,
    name: catalogEntries.name,
    source: catalogEntries.source,
    prototypeKey: catalogEntries.prototypeKey,
    freqs: catalogEntries.freqs,
    binTimes: catalogEntries.binTimes,
  }).where(eq(catalogEntries.labId, labId));
  for (const e of entries) {
    if (e.id === selfEntry) continue;
    const similarity = mapSimilarity(map, { values: await float32(blobs, e.prototypeKey), freqs: e.freqs, times: e.binTimes });
    if (similarity === null) continue;
    const { name, analysisName, datasetName } = e;
    found.push({ kind: 'entry', similarity, entryId: e.id, name, category: e.source.category, analysisName, datasetName, path: `/labs/${labId}/catalogue?entry=${e.id}` });
  }

  for (const a of await readableAnalyses(db, labId)) {
    const summary = signaturesSummaryOf(a.summary);
    if (!summary) continue;
    for (const category of Object.keys(summary.clusters)) {
      const p = await getPrototypes(db, blobs, a.labId, a.id, category);
      p.clusters.forEach((cluster, i) => {
        if (selfCluster && selfCluster.analysisId === a.id && selfCluster.category === category && selfCluster.clusterId === cluster.id) return;
        const similarity = mapSimilarity(map, { values: p.prototypes[i]!, freqs: summary.freqs, times: summary.binTimes });
        if (similarity === null) return;
        found.push({
          kind: 'cluster',
          similarity,
          category,
          clusterId: cluster.id,
          nContacts: cluster.members.length,
          labId: a.labId,
          labName: a.labName,
          analysisId: a.id,
          analysisName: a.name,
          datasetId: a.datasetId,
          datasetName: a.datasetName,
          path: signaturesPath(a.labId, a.id, category),
        });
      });
    }
  }
  return found.sort((x, y) => y.similarity - x.similarity).slice(0, input.limit);
}
