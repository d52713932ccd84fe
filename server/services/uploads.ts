import { TRPCError } from '@trpc/server';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { datasets, type UploadedFile } from '@/db/schema';
import type { EpochParams } from '@/lib/jobs';
import { enqueueJob } from '@/server/jobs/service';
import type { Runtime } from '@/server/runtime';
import { uploadStore } from '@/server/uploads/store';
import { recordAudit } from './audit';

export const importUploadsInput = z.object({
  name: z.string().trim().min(1, 'Name the dataset').max(200),
  uploadIds: z.array(z.string().regex(/^[\w-]+$/, 'not an upload id')).min(1, 'Upload at least one file').max(500),
});

/**
 * Moves finished uploads into the blob store (streamed and hashed, never held in memory), creates the dataset and
 * queues its ingest. Refuses files someone else uploaded or for another lab, unfinished uploads, and a set of files
 * this lab already has.
 */
export async function importUploads(runtime: Runtime, userId: string, labId: string, input: z.infer<typeof importUploadsInput>) {
  const store = uploadStore(runtime.config.uploadDir);
  const files: UploadedFile[] = [];
  for (const id of input.uploadIds) {
    const upload = await store.getUpload(id).catch(() => null);
    if (!upload || upload.metadata?.userId !== userId || upload.metadata?.labId !== labId) {
      throw new TRPCError({ code: 'NOT_FOUND', message: `Upload ${id} not found; upload the file again` });
    }
    const name = upload.metadata?.filename ?? id;
    if (upload.size === undefined || upload.offset !== upload.size) {
      throw new TRPCError({ code: 'BAD_REQUEST', message: `${name} is not fully uploaded yet (${upload.offset} of ${upload.size ?? '?'} bytes)` });
    }
    const blob = await runtime.blobs.putStream(store.read(id));
    files.push({ name, key: blob.key, size: blob.size });
  }
  const keys = new Set(files.map((f) => f.key));
  const existing = await runtime.db
    .select({ id: datasets.id, name: datasets.name, files: datasets.files })
    .from(datasets)
    .where(and(eq(datasets.labId, labId), eq(datasets.source, 'upload')));
  const duplicate = existing.find((d) => d.files.length === keys.size && d.files.every((f) => keys.has(f.key)));
  await Promise.all(input.uploadIds.map((id) => store.remove(id).catch(() => undefined)));
  if (duplicate) {
    throw new TRPCError({ code: 'CONFLICT', message: `These files are already in this lab as the dataset "${duplicate.name}"` });
  }
  const [dataset] = await runtime.db
    .insert(datasets)
    .values({ labId, name: input.name, source: 'upload', modality: 'unknown', kind: 'raw', status: 'ingesting', files, createdBy: userId })
    .returning({ id: datasets.id });
  await recordAudit(runtime.db, { labId, actorId: userId, action: 'dataset.upload', objectType: 'dataset', objectId: dataset!.id, detail: { files: files.map((f) => f.name) } });
  const job = await queueIngest(runtime, userId, labId, dataset!.id, input.name, files);
  return { datasetId: dataset!.id, jobId: job.id };
}

function queueIngest(runtime: Runtime, userId: string, labId: string, datasetId: string, name: string, files: UploadedFile[]) {
  return enqueueJob(runtime.db, runtime.boss, {
    labId,
    kind: 'dataset.ingest',
    title: `Ingest "${name}"`,
    params: { datasetId },
    inputChecksums: Object.fromEntries(files.map((f) => [f.name, `sha256:${f.key}`])),
    createdBy: userId,
  });
}

/** Reads the kept upload again, e.g. after a reader fix or once missing sibling files were added. */
export async function reingest(runtime: Runtime, userId: string, labId: string, datasetId: string) {
  const [dataset] = await runtime.db.select().from(datasets).where(and(eq(datasets.id, datasetId), eq(datasets.labId, labId)));
  if (!dataset) throw new TRPCError({ code: 'NOT_FOUND', message: 'Dataset not found' });
  if (dataset.source !== 'upload') throw new TRPCError({ code: 'BAD_REQUEST', message: 'Only uploaded datasets can be ingested again' });
  await runtime.db.update(datasets).set({ status: 'ingesting', error: null }).where(eq(datasets.id, datasetId));
  return queueIngest(runtime, userId, labId, datasetId, dataset.name, dataset.files);
}

export const addFilesInput = z.object({ datasetId: z.string(), uploadIds: importUploadsInput.shape.uploadIds });

/** Adds or replaces (by name) files of an uploaded dataset, then ingests it again: how a rejected upload is fixed. */
export async function addFiles(runtime: Runtime, userId: string, labId: string, input: z.infer<typeof addFilesInput>) {
  const [dataset] = await runtime.db.select().from(datasets).where(and(eq(datasets.id, input.datasetId), eq(datasets.labId, labId)));
  if (!dataset) throw new TRPCError({ code: 'NOT_FOUND', message: 'Dataset not found' });
  const store = uploadStore(runtime.config.uploadDir);
  const files = new Map(dataset.files.map((f) => [f.name.toLowerCase(), f]));
  for (const id of input.uploadIds) {
    const upload = await store.getUpload(id).catch(() => null);
    if (!upload || upload.metadata?.userId !== userId || upload.metadata?.labId !== labId || upload.offset !== upload.size) {
      throw new TRPCError({ code: 'NOT_FOUND', message: `Upload ${id} not found or not finished; upload the file again` });
    }
    const blob = await runtime.blobs.putStream(store.read(id));
    const name = upload.metadata?.filename ?? id;
    files.set(name.toLowerCase(), { name, key: blob.key, size: blob.size });
    await store.remove(id).catch(() => undefined);
  }
  await runtime.db.update(datasets).set({ files: [...files.values()] }).where(eq(datasets.id, dataset.id));
  await recordAudit(runtime.db, { labId, actorId: userId, action: 'dataset.files', objectType: 'dataset', objectId: dataset.id });
  return reingest(runtime, userId, labId, dataset.id);
}

/** Queues cutting a ready recording into epochs; the result is a new dataset. */
export async function makeEpochs(runtime: Runtime, userId: string, labId: string, params: EpochParams) {
  const [source] = await runtime.db.select().from(datasets).where(and(eq(datasets.id, params.sourceDatasetId), eq(datasets.labId, labId)));
  if (!source) throw new TRPCError({ code: 'NOT_FOUND', message: 'Dataset not found' });
  if (source.kind !== 'raw' || source.status !== 'ready') {
    throw new TRPCError({ code: 'BAD_REQUEST', message: `"${source.name}" is not a ready continuous recording; epochs are cut from recordings` });
  }
  return enqueueJob(runtime.db, runtime.boss, {
    labId,
    kind: 'dataset.epoch',
    title: `Epochs "${params.name}"`,
    params,
    inputChecksums: Object.fromEntries(source.files.map((f) => [f.name, `sha256:${f.key}`])),
    createdBy: userId,
  });
}
