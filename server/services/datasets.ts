import { TRPCError } from '@trpc/server';
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { type z } from 'zod';
import type { Db } from '@/db/client';
import { channels, datasetRenameSchema, datasets, jobs } from '@/db/schema';
import { recordAudit } from './audit';

export async function listDatasets(db: Db, labId: string) {
  return db
    .select({
      id: datasets.id,
      name: datasets.name,
      kind: datasets.kind,
      status: datasets.status,
      error: datasets.error,
      format: datasets.format,
      source: datasets.source,
      modality: datasets.modality,
      sfreq: datasets.sfreq,
      nEpochs: datasets.nEpochs,
      nChannels: datasets.nChannels,
      nTimes: datasets.nTimes,
      categories: datasets.categories,
      createdAt: datasets.createdAt,
    })
    .from(datasets)
    .where(eq(datasets.labId, labId))
    .orderBy(desc(datasets.createdAt));
}

export async function getDataset(db: Db, labId: string, datasetId: string) {
  const [dataset] = await db.select().from(datasets).where(and(eq(datasets.id, datasetId), eq(datasets.labId, labId)));
  if (!dataset) throw new TRPCError({ code: 'NOT_FOUND', message: 'Dataset not found' });
  const chs = await db.select().from(channels).where(eq(channels.datasetId, datasetId)).orderBy(asc(channels.index));
  // The latest job that wrote this dataset, so its page can show ingest progress and errors.
  const [lastJob] = await db
    .select({ id: jobs.id, state: jobs.state, progress: jobs.progress, step: jobs.step, error: jobs.error })
    .from(jobs)
    .where(and(eq(jobs.labId, labId), sql`${jobs.params}->>'datasetId' = ${datasetId}`))
    .orderBy(desc(jobs.createdAt))
    .limit(1);
  const { layout: _layout, ...rest } = dataset;
  return { ...rest, hasSignal: Boolean(dataset.layout), channels: chs, lastJob: lastJob ?? null };
}

export const updateDatasetInput = datasetRenameSchema;

export async function updateDataset(db: Db, actorId: string, labId: string, datasetId: string, input: z.infer<typeof updateDatasetInput>) {
  const [row] = await db
    .update(datasets)
    .set({ name: input.name, description: input.description ?? '' })
    .where(and(eq(datasets.id, datasetId), eq(datasets.labId, labId)))
    .returning({ id: datasets.id });
  if (!row) throw new TRPCError({ code: 'NOT_FOUND', message: 'Dataset not found' });
  await recordAudit(db, { labId, actorId, action: 'dataset.update', objectType: 'dataset', objectId: datasetId, detail: input });
}

/** Removes the dataset's records; its blobs stay (content-addressed, possibly shared with other datasets). */
export async function deleteDataset(db: Db, actorId: string, labId: string, datasetId: string) {
  const [row] = await db
    .delete(datasets)
    .where(and(eq(datasets.id, datasetId), eq(datasets.labId, labId)))
    .returning({ id: datasets.id, name: datasets.name });
  if (!row) throw new TRPCError({ code: 'NOT_FOUND', message: 'Dataset not found' });
  await recordAudit(db, { labId, actorId, action: 'dataset.delete', objectType: 'dataset', objectId: datasetId, detail: { name: row.name } });
}
