import { TRPCError } from '@trpc/server';
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { channels, datasetRenameSchema, datasets, jobs } from '@/db/schema';
import { FormatError, readElectrodesTsv } from '@/lib/formats';
import { describeChannels } from '@/server/anatomy';
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

export const setElectrodesInput = z.object({
  datasetId: z.string(),
  /** A BIDS-style electrodes table: name, x, y, z in mm[, group, location]. */
  tsv: z.string().min(1, 'The electrodes table is empty').max(5_000_000),
  coordFrame: z.string().trim().min(1).max(60),
});

/**
 * Replaces contact positions from an electrodes table, in the frame the user states; MNI positions get atlas
 * regions again. A table naming an unknown channel is refused whole, naming its line, and nothing changes.
 */
export async function setElectrodes(db: Db, actorId: string, labId: string, input: z.infer<typeof setElectrodesInput>) {
  const dataset = await getDataset(db, labId, input.datasetId);
  let rows;
  try {
    rows = readElectrodesTsv('electrodes.tsv', input.tsv, dataset.channels.map((c) => c.name), `"${dataset.name}"`);
  } catch (err) {
    if (err instanceof FormatError) throw new TRPCError({ code: 'BAD_REQUEST', message: err.message });
    throw err;
  }
  const byIndex = new Map(rows.map((r) => [r.index, r]));
  const anatomy = await describeChannels(
    dataset.channels.map((c) => ({ name: c.name, type: c.type, position: byIndex.get(c.index)?.position ?? null, coordFrame: input.coordFrame })),
  );
  await db.transaction(async (tx) => {
    for (const row of rows) {
      const a = anatomy[row.index]!;
      await tx
        .update(channels)
        .set({
          x: row.position?.[0] ?? null,
          y: row.position?.[1] ?? null,
          z: row.position?.[2] ?? null,
          coordFrame: row.position ? input.coordFrame : 'unknown',
          region: a.brodmann ?? null,
          aal: a.aal ?? null,
          atlasDistanceMm: a.atlasDistanceMm ?? null,
          ...(row.group !== undefined ? { group: row.group } : {}),
          ...(row.location !== undefined ? { location: row.location } : {}),
        })
        .where(and(eq(channels.datasetId, input.datasetId), eq(channels.index, row.index)));
    }
    await tx.update(datasets).set({ coordFrame: input.coordFrame }).where(eq(datasets.id, input.datasetId));
  });
  await recordAudit(db, { labId, actorId, action: 'dataset.electrodes', objectType: 'dataset', objectId: input.datasetId, detail: { contacts: rows.length, coordFrame: input.coordFrame } });
  return { updated: rows.length };
}
