import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { channels, datasets, events, type SignalLayout, type UploadedFile } from '@/db/schema';
import { encodeArray, ndarray } from '@/lib/arrays';
import { openRecording, readEpochsNpz, type ByteSource, type EpochsData, type RecordingReader } from '@/lib/formats';
import { PyramidBuilder, chunkSamplesFor } from '@/lib/signal/pyramid';
import { blobSource, type BlobStore } from '@/server/storage/blobs';
import { channelRows } from '../channels';
import type { JobContext } from '../context';

export const ingestParams = z.object({ datasetId: z.string() });

/** Which uploaded file to open: the header or data file that names the others. */
const PRIMARY = ['vhdr', 'edf', 'bdf', 'nwb', 'zip', 'npz'];

export function primaryFile(files: UploadedFile[]): UploadedFile | null {
  const ext = (f: UploadedFile) => f.name.split('.').pop()?.toLowerCase() ?? '';
  for (const e of PRIMARY) {
    const hit = files.find((f) => ext(f) === e);
    if (hit) return hit;
  }
  return null;
}

/**
 * Reads the uploaded files with our readers and stores the canonical form: Float32 chunks plus display pyramids for
 * a recording, or the epochs array for an .npz; channels and events go to the database. The upload stays as it was,
 * so a failed ingest can be retried after the files are fixed.
 */
export async function ingestDataset(ctx: JobContext) {
  const { datasetId } = ingestParams.parse(ctx.params);
  const { db } = ctx.runtime;
  const [dataset] = await db.select().from(datasets).where(and(eq(datasets.id, datasetId), eq(datasets.labId, ctx.labId)));
  if (!dataset) throw new Error(`Dataset ${datasetId} no longer exists`);
  await db.update(datasets).set({ status: 'ingesting', error: null }).where(eq(datasets.id, datasetId));
  try {
    const primary = primaryFile(dataset.files);
    if (!primary) {
      throw new Error(
        `None of the uploaded files (${dataset.files.map((f) => f.name).join(', ')}) is a recording we can open: expected .vhdr (with its .vmrk and .eeg), .edf, .bdf, .nwb, a BIDS folder as .zip, or .npz`,
      );
    }
    const sources = new Map(dataset.files.map((f) => [f.name.toLowerCase(), blobSource(ctx.runtime.blobs, f)]));
    const resolve = async (name: string): Promise<ByteSource | null> => sources.get(name.split(/[\\/]/).pop()!.toLowerCase()) ?? null;
    const source = sources.get(primary.name.toLowerCase())!;
    await ctx.progress(0.01, `Reading ${primary.name}`);
    const result = primary.name.toLowerCase().endsWith('.npz')
      ? await storeEpochs(ctx, datasetId, await readEpochsNpz(source))
      : await storeRecording(ctx, datasetId, await openRecording(source, resolve));
    await db.update(datasets).set({ status: 'ready', error: null }).where(eq(datasets.id, datasetId));
    return result;
  } catch (err) {
    if (!ctx.signal.aborted) {
      const message = err instanceof Error ? err.message : String(err);
      await db.update(datasets).set({ status: 'failed', error: message }).where(eq(datasets.id, datasetId));
    }
    throw err;
  }
}

/**
 * Streams a recording into its canonical form: Float32 chunks (channel-major within each chunk, about 4 MB each) and
 * min/max display pyramids. Memory stays at one chunk plus the pyramid's base level (1/32 of the samples).
 */
export async function writeCanonicalSignal(
  reader: RecordingReader,
  blobs: BlobStore,
  onProgress: (fraction: number) => Promise<void> | void = () => undefined,
  signal?: AbortSignal,
): Promise<SignalLayout> {
  const { info } = reader;
  const nChannels = info.channels.length;
  const all = info.channels.map((_, i) => i);
  const chunkSamples = chunkSamplesFor(nChannels);
  const pyramid = new PyramidBuilder(nChannels, info.nSamples);
  const chunks: string[] = [];
  for (let start = 0; start < info.nSamples; start += chunkSamples) {
    signal?.throwIfAborted();
    const length = Math.min(chunkSamples, info.nSamples - start);
    const perChannel = await reader.readSamples(all, start, start + length);
    const chunk = new Float32Array(nChannels * length);
    perChannel.forEach((samples, c) => chunk.set(samples, c * length));
    pyramid.add(chunk, start, length);
    chunks.push((await blobs.put(new Uint8Array(chunk.buffer))).key);
    await onProgress((start + length) / info.nSamples);
  }
  const levels: SignalLayout['pyramid'] = [];
  for (const level of pyramid.levels()) {
    levels.push({ factor: level.factor, nBins: level.nBins, key: (await blobs.put(new Uint8Array(level.data.buffer))).key });
  }
  return { chunkSamples, chunks, pyramid: levels };
}

async function storeRecording(ctx: JobContext, datasetId: string, reader: RecordingReader) {
  const { info } = reader;
  const { db } = ctx.runtime;
  const nChannels = info.channels.length;
  const layout = await writeCanonicalSignal(reader, ctx.runtime.blobs, (f) => ctx.progress(0.95 * f, 'Writing signal chunks'), ctx.signal);
  await ctx.progress(0.96, 'Labelling channels and recording events');
  const rows = await channelRows(
    datasetId,
    info.channels.map((ch) => ({ ...ch, coordFrame: ch.position ? (info.coordFrame ?? 'unknown') : null })),
  );
  await db.transaction(async (tx) => {
    await tx.delete(channels).where(eq(channels.datasetId, datasetId));
    await tx.delete(events).where(eq(events.datasetId, datasetId));
    await tx
      .update(datasets)
      .set({
        kind: 'raw',
        format: info.format,
        modality: modalityOf(info.channels.map((c) => c.type)),
        sfreq: info.sfreq,
        tmin: 0,
        nEpochs: 1,
        nChannels,
        nTimes: info.nSamples,
        layout,
        coordFrame: info.coordFrame ?? null,
        measDate: info.measDate ?? null,
      })
      .where(eq(datasets.id, datasetId));
    if (nChannels) await tx.insert(channels).values(rows);
    // Inserted in slices: a long recording can carry tens of thousands of annotations.
    for (let i = 0; i < info.annotations.length; i += 1000) {
      await tx.insert(events).values(
        info.annotations.slice(i, i + 1000).map((a, j) => ({ datasetId, index: i + j, onset: a.onset, duration: a.duration, description: a.description })),
      );
    }
  });
  await ctx.log(`Stored ${nChannels} channels x ${info.nSamples} samples at ${info.sfreq} Hz in ${layout.chunks.length} chunks, ${info.annotations.length} events`);
  return { datasetId, chunks: layout.chunks.length, events: info.annotations.length };
}

async function storeEpochs(ctx: JobContext, datasetId: string, epochs: EpochsData) {
  const { blobs, db } = ctx.runtime;
  const nChannels = epochs.chNames.length;
  const data = await blobs.put(encodeArray(ndarray('float32', epochs.data, [epochs.nEpochs, nChannels, epochs.nTimes], ['epochs', 'channels', 'times'])));
  const categories = [...new Set(epochs.labels ?? [])];
  const labelIndex = Int32Array.from(epochs.labels ?? [], (l) => categories.indexOf(l));
  const labels = await blobs.put(encodeArray(ndarray('int32', labelIndex, [labelIndex.length], ['epochs'])));
  const rows = await channelRows(
    datasetId,
    epochs.chNames.map((name, i) => ({
      name,
      type: 'seeg',
      unit: 'V',
      position: epochs.positions ? ([0, 1, 2].map((k) => epochs.positions![i * 3 + k]!) as [number, number, number]) : undefined,
      coordFrame: epochs.positions ? 'mni_tal' : null,
    })),
  );
  await db.transaction(async (tx) => {
    await tx.delete(channels).where(eq(channels.datasetId, datasetId));
    await tx
      .update(datasets)
      .set({
        kind: 'epochs',
        format: 'NPZ epochs',
        sfreq: epochs.sfreq,
        tmin: epochs.tmin,
        nEpochs: epochs.nEpochs,
        nChannels,
        nTimes: epochs.nTimes,
        categories,
        coordFrame: epochs.positions ? 'mni_tal' : null,
        blobs: { epochs: data.key, ...(epochs.labels ? { labels: labels.key } : {}) },
      })
      .where(eq(datasets.id, datasetId));
    await tx.insert(channels).values(rows);
  });
  return { datasetId, epochs: epochs.nEpochs };
}

function modalityOf(types: string[]): string {
  for (const t of ['seeg', 'ecog', 'eeg']) if (types.includes(t)) return t;
  return types[0] ?? 'unknown';
}
