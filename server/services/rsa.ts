/** Level 2: stimulus sets of epochs datasets, the RSA analysis (kind 'rsa' in `analyses`), its views and downloads. */
import { TRPCError } from '@trpc/server';
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { analyses, datasets, type RsaSummary } from '@/db/schema';
import { decodeArray, toNpy, type NdArray } from '@/lib/arrays';
import type { RsaParams, synthesizeVisualParams } from '@/lib/jobs';
import { squareForm } from '@/lib/rsa';
import { StimulusSetError, type StimulusFile } from '@/lib/stimuli';
import { analysisJob, enqueueJob } from '@/server/jobs/service';
import { classicalMds } from '@/server/rsa/mds';
import { MODEL_PREFIX, checkNetworkChoice, describeNetwork, layerLabel, loadNetwork, networkFromBytes, type NetworkDescription } from '@/server/rsa/network';
import { alignmentCsvOf, alignmentRows, contactsCsvOf } from '@/server/rsa/export';
import { readStimulusFiles, storeStimulusSet, trialKeys } from '@/server/rsa/stimuli';
import type { Runtime } from '@/server/runtime';
import type { BlobStore } from '@/server/storage/blobs';
import { uploadStore } from '@/server/uploads/store';
import { recordAudit } from './audit';
import { importUploadsInput } from './uploads';

/** Queues the Level 2 demo dataset: drawn stimuli and epochs whose gamma power follows the network's layers. */
export async function synthesizeVisual(runtime: Runtime, userId: string, labId: string, params: z.infer<typeof synthesizeVisualParams>) {
  return enqueueJob(runtime.db, runtime.boss, { labId, kind: 'dataset.synthesizeVisual', title: `Generate "${params.name}"`, params, createdBy: userId });
}

async function epochsDataset(db: Db, labId: string, datasetId: string) {
  const [dataset] = await db.select().from(datasets).where(and(eq(datasets.id, datasetId), eq(datasets.labId, labId)));
  if (!dataset) throw new TRPCError({ code: 'NOT_FOUND', message: 'Dataset not found' });
  if (dataset.kind !== 'epochs' || dataset.status !== 'ready' || !dataset.blobs.epochs || !dataset.blobs.labels) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: `"${dataset.name}" is not a set of labelled epochs; stimuli belong to the trials of epochs` });
  }
  return dataset;
}

/**
 * Attaches images (PNG/JPEG) and a mapping CSV (lib/stimuli/mapping.ts) to an epochs dataset: either one zip (with
 * its CSV inside, or the CSV beside it) or image files plus one CSV. Every epoch must map to an image that decodes;
 * otherwise the error lists each problem and the dataset is left as it was.
 */
export async function attachStimulusFiles(runtime: Runtime, userId: string, labId: string, datasetId: string, files: StimulusFile[]) {
  const dataset = await epochsDataset(runtime.db, labId, datasetId);
  try {
    const set = await readStimulusFiles(files);
    const labels = decodeArray(await runtime.blobs.get(dataset.blobs.labels!)).data as Int32Array;
    const stored = await storeStimulusSet(runtime.blobs, set, trialKeys(labels, dataset.categories));
    await runtime.db
      .update(datasets)
      .set({ blobs: { ...dataset.blobs, stimuli: stored.stimuli, stimulusOfEpoch: stored.stimulusOfEpoch } })
      .where(eq(datasets.id, dataset.id));
    await recordAudit(runtime.db, { labId, actorId: userId, action: 'dataset.stimuli', objectType: 'dataset', objectId: dataset.id, detail: { images: stored.nImages } });
    return { datasetId: dataset.id, images: stored.nImages, unused: set.unused };
  } catch (err) {
    if (err instanceof TRPCError) throw err;
    const message = err instanceof StimulusSetError ? `The stimulus set was not attached:\n${err.message}` : (err as Error).message;
    throw new TRPCError({ code: 'BAD_REQUEST', message, cause: err });
  }
}

export const attachStimuliInput = z.object({ datasetId: z.string(), uploadIds: importUploadsInput.shape.uploadIds });

/** Finished tus uploads of this user and lab, read into memory (stimuli and models are small enough). */
async function readUploads(runtime: Runtime, userId: string, labId: string, uploadIds: readonly string[]): Promise<StimulusFile[]> {
  const store = uploadStore(runtime.config.uploadDir);
  const files: StimulusFile[] = [];
  for (const id of uploadIds) {
    const upload = await store.getUpload(id).catch(() => null);
    if (!upload || upload.metadata?.userId !== userId || upload.metadata?.labId !== labId || upload.offset !== upload.size) {
      throw new TRPCError({ code: 'NOT_FOUND', message: `Upload ${id} not found or not finished; upload the file again` });
    }
    const chunks: Uint8Array[] = [];
    for await (const chunk of store.read(id)) chunks.push(chunk as Uint8Array);
    files.push({ name: upload.metadata?.filename ?? id, bytes: new Uint8Array(Buffer.concat(chunks)) });
  }
  return files;
}

async function removeUploads(runtime: Runtime, uploadIds: readonly string[]) {
  const store = uploadStore(runtime.config.uploadDir);
  await Promise.all(uploadIds.map((id) => store.remove(id).catch(() => undefined)));
}

/** attachStimulusFiles for finished tus uploads of this user and lab; the uploads are removed once read. */
export async function attachStimuli(runtime: Runtime, userId: string, labId: string, input: z.infer<typeof attachStimuliInput>) {
  const result = await attachStimulusFiles(runtime, userId, labId, input.datasetId, await readUploads(runtime, userId, labId, input.uploadIds));
  await removeUploads(runtime, input.uploadIds);
  return result;
}

/** Descriptions by model sha256: measuring the layers' shapes runs the model (3 s for MobileNetV2), and they never change. */
const descriptions = new Map<string, NetworkDescription>();

/** A network's image input and its layers, for choosing what to compare. */
export async function describeModel(runtime: Runtime, labId: string, modelKey: string | null) {
  return badRequestOnError(async () => {
    const network = await loadNetwork(runtime.db, runtime.blobs, labId, modelKey);
    const description = descriptions.get(network.sha256) ?? (await describeNetwork(network));
    descriptions.set(network.sha256, description);
    // The same bytes may be uploaded under another name.
    return { ...description, name: network.name };
  });
}

export const attachModelInput = z.object({ datasetId: z.string(), uploadId: importUploadsInput.shape.uploadIds.element });

/**
 * Keeps an uploaded .onnx image model with the epochs dataset (replacing one of the same file name) once it reads as
 * ONNX, has an image input and runs; returns its description. The upload is removed once read.
 */
export async function attachModel(runtime: Runtime, userId: string, labId: string, input: z.infer<typeof attachModelInput>) {
  const dataset = await epochsDataset(runtime.db, labId, input.datasetId);
  const [file] = await readUploads(runtime, userId, labId, [input.uploadId]);
  const description = await badRequestOnError(() => describeNetwork(networkFromBytes(file!.bytes, file!.name)));
  const { key } = await runtime.blobs.put(file!.bytes);
  await runtime.db
    .update(datasets)
    .set({ blobs: sql`${datasets.blobs} || ${JSON.stringify({ [`${MODEL_PREFIX}${file!.name}`]: key })}::jsonb` })
    .where(eq(datasets.id, dataset.id));
  await removeUploads(runtime, [input.uploadId]);
  await recordAudit(runtime.db, { labId, actorId: userId, action: 'dataset.model', objectType: 'dataset', objectId: dataset.id, detail: { file: file!.name, key } });
  return { key, name: file!.name, description };
}

/** Runs `f`, turning a plain error (a model that does not read or run) into a BAD_REQUEST with its message. */
async function badRequestOnError<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    if (err instanceof TRPCError) throw err;
    throw new TRPCError({ code: 'BAD_REQUEST', message: (err as Error).message, cause: err });
  }
}

/** Creates the analysis record and queues its job. */
export async function startRsa(runtime: Runtime, userId: string, labId: string, params: RsaParams) {
  const dataset = await epochsDataset(runtime.db, labId, params.datasetId);
  if (!dataset.blobs.stimuli || !dataset.blobs.stimulusOfEpoch) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: `"${dataset.name}" has no stimulus set; attach the images its epochs showed first` });
  }
  await badRequestOnError(async () => checkNetworkChoice(await loadNetwork(runtime.db, runtime.blobs, labId, params.modelKey), params.layers, params.input));
  const [analysis] = await runtime.db
    .insert(analyses)
    .values({ labId, datasetId: dataset.id, kind: 'rsa', name: params.name, params, createdBy: userId })
    .returning({ id: analyses.id });
  const job = await enqueueJob(runtime.db, runtime.boss, {
    labId,
    kind: 'analysis.rsa',
    title: `RSA "${params.name}"`,
    params: { ...params, analysisId: analysis!.id },
    inputChecksums: {
      epochs: `sha256:${dataset.blobs.epochs}`,
      stimuli: `sha256:${dataset.blobs.stimuli}`,
      ...(params.modelKey ? { model: `sha256:${params.modelKey}` } : {}),
    },
    createdBy: userId,
  });
  await runtime.db.update(analyses).set({ jobId: job.id }).where(eq(analyses.id, analysis!.id));
  await recordAudit(runtime.db, { labId, actorId: userId, action: 'analysis.start', objectType: 'analysis', objectId: analysis!.id });
  return { analysisId: analysis!.id, jobId: job.id };
}

async function rsaRow(db: Db, labId: string, analysisId: string) {
  const [row] = await db.select().from(analyses).where(and(eq(analyses.id, analysisId), eq(analyses.labId, labId), eq(analyses.kind, 'rsa')));
  if (!row) throw new TRPCError({ code: 'NOT_FOUND', message: 'Analysis not found' });
  const summary = row.summary && 'kind' in row.summary ? (row.summary as RsaSummary) : null;
  return { ...row, summary };
}

async function arrayOf(blobs: BlobStore, key: string | undefined): Promise<NdArray> {
  if (!key) throw new TRPCError({ code: 'NOT_FOUND', message: 'No finished analysis with this id' });
  return decodeArray(await blobs.get(key));
}

/**
 * The analysis with its job and summary; once ready, per contact and band its best (layer, rho, p) over windows
 * among the tested pairs, for the trained network.
 */
export async function getRsa(runtime: Runtime, labId: string, analysisId: string) {
  const row = await rsaRow(runtime.db, labId, analysisId);
  const [dataset] = await runtime.db.select({ name: datasets.name }).from(datasets).where(eq(datasets.id, row.datasetId));
  const job = await analysisJob(runtime.db, row.jobId);
  const { blobs: keys, summary, ...rest } = row;
  let contacts: { name: string; region: string | null; bands: ({ layer: number; rho: number; p: number } | null)[] }[] = [];
  if (row.status === 'ready' && summary) {
    const rho = (await arrayOf(runtime.blobs, keys['rho:trained'])).data as Float32Array;
    const p = (await arrayOf(runtime.blobs, keys['p:trained'])).data as Float32Array;
    const nC = summary.contacts.length;
    const nL = summary.layers.length;
    const nW = summary.windows.length;
    contacts = summary.contacts.map((c, ci) => ({
      ...c,
      bands: summary.bands.map((_, b) => {
        let best: { layer: number; rho: number; p: number } | null = null;
        for (let w = 0; w < nW; w++) {
          for (let l = 0; l < nL; l++) {
            const k = ((b * nW + w) * nC + ci) * nL + l;
            if (Number.isFinite(rho[k]) && (!best || rho[k]! > best.rho)) best = { layer: l, rho: rho[k]!, p: p[k]! };
          }
        }
        return best;
      }),
    }));
  }
  return { ...rest, summary, layerLabels: summary?.layers.map(layerLabel) ?? [], datasetName: dataset?.name ?? '', job: job ?? null, contacts };
}

/** One layer's RDM (square, stimuli in analysis order) and a 2D classical MDS of the stimuli from it. */
export async function getRsaRdm(runtime: Runtime, labId: string, analysisId: string, network: 'trained' | 'random', layer: number) {
  const row = await rsaRow(runtime.db, labId, analysisId);
  const all = await arrayOf(runtime.blobs, row.blobs.rdms);
  const [, nLayers, m] = all.shape as [number, number, number];
  if (!(layer >= 0 && layer < nLayers)) throw new TRPCError({ code: 'BAD_REQUEST', message: `layer must be 0..${nLayers - 1}` });
  const at = ((network === 'trained' ? 0 : 1) * nLayers + layer) * m;
  const condensed = (all.data as Float32Array).subarray(at, at + m);
  const square = squareForm(condensed);
  const n = Math.round(Math.sqrt(square.length));
  return { n, matrix: Array.from(square, (v) => Math.round(v * 1e4) / 1e4), mds: Array.from(classicalMds(square, n)) };
}

export const RSA_FILES = ['contacts.csv', 'alignment.json', 'alignment.csv', 'rho-trained.npy', 'p-trained.npy', 'rho-random.npy', 'p-random.npy', 'rdms.npy'] as const;

/** The download files of a finished RSA analysis. */
export async function rsaFile(runtime: Runtime, labId: string, analysisId: string, file: (typeof RSA_FILES)[number]) {
  const row = await rsaRow(runtime.db, labId, analysisId);
  if (row.status !== 'ready' || !row.summary) throw new TRPCError({ code: 'NOT_FOUND', message: 'No finished analysis with this id' });
  return { ...(await rsaFileOf(runtime.blobs, row.summary, row.blobs, file)), name: `${row.name.replace(/[^\w.-]+/g, '_')}-${file}` };
}

/** One download file from an RSA summary and the analysis's array blobs (also for published snapshots). */
export async function rsaFileOf(blobs: BlobStore, summary: RsaSummary, keys: Record<string, string>, file: (typeof RSA_FILES)[number]) {
  const npy = async (key: string | undefined) => ({ body: toNpy(await arrayOf(blobs, key)), type: 'application/octet-stream' });
  switch (file) {
    case 'alignment.json':
      return { body: JSON.stringify({ areas: summary.areas, layers: summary.layers, ...summary.networks, rows: alignmentRows(summary) }, null, 1), type: 'application/json' };
    case 'alignment.csv':
      return { body: alignmentCsvOf(summary), type: 'text/csv' };
    case 'contacts.csv': {
      const get = async (k: string) => (await arrayOf(blobs, keys[k])).data as Float32Array;
      const body = contactsCsvOf(summary, { trained: await get('rho:trained'), random: await get('rho:random') }, { trained: await get('p:trained'), random: await get('p:random') });
      return { body, type: 'text/csv' };
    }
    case 'rdms.npy':
      return npy(keys.rdms);
    default: {
      const [what, network] = file.replace('.npy', '').split('-') as ['rho' | 'p', 'trained' | 'random'];
      return npy(keys[`${what}:${network}`]);
    }
  }
}
