import { TRPCError } from '@trpc/server';
import { and, asc, desc, eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { analyses, analysisContacts, channels, datasets, signaturesSummaryOf } from '@/db/schema';
import type { SignaturesParams } from '@/lib/jobs';
import { analysisJob, enqueueJob } from '@/server/jobs/service';
import type { Runtime } from '@/server/runtime';
import type { BlobStore } from '@/server/storage/blobs';
import { recordAudit } from './audit';

/** Creates the analysis record and queues its job; results fill in as contacts finish. */
export async function startSignatures(runtime: Runtime, userId: string, labId: string, params: SignaturesParams) {
  const [dataset] = await runtime.db.select().from(datasets).where(and(eq(datasets.id, params.datasetId), eq(datasets.labId, labId)));
  if (!dataset) throw new TRPCError({ code: 'NOT_FOUND', message: 'Dataset not found' });
  if (dataset.kind !== 'epochs' || dataset.status !== 'ready' || !dataset.blobs.labels) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: `"${dataset.name}" is not a set of labelled epochs; make epochs around stimulus events first` });
  }
  const [analysis] = await runtime.db
    .insert(analyses)
    .values({ labId, datasetId: dataset.id, kind: 'signatures', name: params.name, params, createdBy: userId })
    .returning({ id: analyses.id });
  const job = await enqueueJob(runtime.db, runtime.boss, {
    labId,
    kind: 'analysis.signatures',
    title: `Signatures "${params.name}"`,
    params: { ...params, analysisId: analysis!.id },
    inputChecksums: { epochs: `sha256:${dataset.blobs.epochs}`, labels: `sha256:${dataset.blobs.labels}` },
    createdBy: userId,
  });
  await runtime.db.update(analyses).set({ jobId: job.id }).where(eq(analyses.id, analysis!.id));
  await recordAudit(runtime.db, { labId, actorId: userId, action: 'analysis.start', objectType: 'analysis', objectId: analysis!.id });
  return { analysisId: analysis!.id, jobId: job.id };
}

export async function listAnalyses(db: Db, labId: string) {
  return db
    .select({ id: analyses.id, name: analyses.name, kind: analyses.kind, status: analyses.status, datasetId: analyses.datasetId, datasetName: datasets.name, createdAt: analyses.createdAt })
    .from(analyses)
    .innerJoin(datasets, eq(datasets.id, analyses.datasetId))
    .where(eq(analyses.labId, labId))
    .orderBy(desc(analyses.createdAt));
}

async function analysisRow(db: Db, labId: string, analysisId: string) {
  const [row] = await db.select().from(analyses).where(and(eq(analyses.id, analysisId), eq(analyses.labId, labId)));
  if (!row) throw new TRPCError({ code: 'NOT_FOUND', message: 'Analysis not found' });
  return row;
}

export async function getAnalysis(db: Db, labId: string, analysisId: string) {
  const row = await analysisRow(db, labId, analysisId);
  const [dataset] = await db.select({ name: datasets.name, categories: datasets.categories }).from(datasets).where(eq(datasets.id, row.datasetId));
  const job = await analysisJob(db, row.jobId);
  const contacts = await db
    .select({
      channelIndex: analysisContacts.channelIndex,
      name: analysisContacts.name,
      region: analysisContacts.region,
      nTrials: analysisContacts.nTrials,
      f1: analysisContacts.f1,
      accuracy: analysisContacts.accuracy,
      predictive: analysisContacts.predictive,
      nSignificant: analysisContacts.nSignificant,
      responsive: analysisContacts.responsive,
      // Where the contact is, for the 3D brain: MNI mm when coordFrame says so.
      x: channels.x,
      y: channels.y,
      z: channels.z,
      coordFrame: channels.coordFrame,
      aal: channels.aal,
    })
    .from(analysisContacts)
    .leftJoin(channels, and(eq(channels.datasetId, row.datasetId), eq(channels.index, analysisContacts.channelIndex)))
    .where(eq(analysisContacts.analysisId, analysisId))
    .orderBy(asc(analysisContacts.channelIndex));
  return { ...row, summary: signaturesSummaryOf(row.summary), datasetName: dataset?.name ?? '', categories: dataset?.categories ?? [], job: job ?? null, contacts };
}

/** A contact's maps as plain arrays for the browser: per category importance, mean log power and signature. */
export async function getContactMaps(db: Db, blobs: BlobStore, labId: string, analysisId: string, channelIndex: number) {
  const analysis = await analysisRow(db, labId, analysisId);
  const [row] = await db
    .select()
    .from(analysisContacts)
    .where(and(eq(analysisContacts.analysisId, analysisId), eq(analysisContacts.channelIndex, channelIndex)));
  if (!row) throw new TRPCError({ code: 'NOT_FOUND', message: 'No result for this contact (yet)' });
  return { ...row, blobs: undefined, summary: signaturesSummaryOf(analysis.summary), ...(await contactMaps(blobs, row.blobs)) };
}

/** The maps of a contact's result blobs ('maps', 'mdi', 'shape'), split per category as plain arrays. */
export async function contactMaps(blobs: BlobStore, keys: Record<string, string>) {
  const [nFreqs, nBins] = keys.shape!.split('x').map(Number) as [number, number];
  const size = nFreqs * nBins;
  const maps = await float32(blobs, keys.maps!);
  const mdi = await float32(blobs, keys.mdi!);
  const nClasses = maps.length / (3 * size);
  const part = (c: number, k: number) => Array.from(maps.subarray((c * 3 + k) * size, (c * 3 + k + 1) * size));
  return {
    nFreqs,
    nBins,
    importance: Array.from({ length: nClasses }, (_, c) => part(c, 0)),
    meanLogPower: Array.from({ length: nClasses }, (_, c) => part(c, 1)),
    signatures: Array.from({ length: nClasses }, (_, c) => part(c, 2)),
    mdi: Array.from(mdi),
  };
}

/** Cluster prototypes of one category's signatures, as nFreqs x nBins arrays. */
export async function getPrototypes(db: Db, blobs: BlobStore, labId: string, analysisId: string, category: string) {
  const analysis = await analysisRow(db, labId, analysisId);
  const key = analysis.blobs[`prototypes:${category}`];
  const summary = signaturesSummaryOf(analysis.summary);
  const clusters = summary?.clusters[category];
  if (!key || !clusters || !summary) return { clusters: [], prototypes: [], nFreqs: 0, nBins: 0 };
  const data = await float32(blobs, key);
  const nFreqs = summary.freqs.length;
  const nBins = summary.binTimes.length;
  const size = nFreqs * nBins;
  return { ...clusters, nFreqs, nBins, prototypes: clusters.clusters.map((_, i) => Array.from(data.subarray(i * size, (i + 1) * size))) };
}

export async function contactForest(db: Db, labId: string, analysisId: string, channelIndex: number) {
  await analysisRow(db, labId, analysisId);
  const [row] = await db
    .select()
    .from(analysisContacts)
    .where(and(eq(analysisContacts.analysisId, analysisId), eq(analysisContacts.channelIndex, channelIndex)));
  if (!row) throw new TRPCError({ code: 'NOT_FOUND', message: 'No result for this contact (yet)' });
  return row;
}

export async function float32(blobs: BlobStore, key: string): Promise<Float32Array> {
  const bytes = await blobs.get(key);
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}
