import { channels, datasets, events } from '@/db/schema';
import type { RecordingReader } from '@/lib/formats';
import { synthesizeEegParams } from '@/lib/jobs';
import type { SyntheticRaw } from '@/lib/synthetic';
import { channelRows } from '../channels';
import type { JobContext } from '../context';
import { runInThread } from '../threads/pool';
import { writeCanonicalSignal } from './ingest';

/** The generator's output behind the reader interface, so it is stored exactly as an uploaded recording. */
function syntheticReader(raw: SyntheticRaw): RecordingReader {
  return {
    info: {
      format: 'Synthetic EEG',
      sfreq: raw.sfreq,
      nSamples: raw.nSamples,
      channels: raw.chNames.map((name) => ({ name, type: 'eeg', unit: 'V' })),
      annotations: raw.annotations,
    },
    async readSamples(chs, start, stop) {
      return chs.map((c) => Float64Array.from(raw.data[c]!.subarray(start, stop)));
    },
  };
}

/**
 * Draws a continuous scalp EEG recording with planted motor imagery classes (Level 3 ground truth) and stores it
 * as a recording: signal chunks and pyramids, channels at their 10-20 positions, one event per trial.
 */
export async function synthesizeEegDataset(ctx: JobContext) {
  const params = synthesizeEegParams.parse(ctx.params);
  await ctx.progress(0, 'Generating EEG');
  const raw = await runInThread('synthesizeEeg', { seed: params.seed, trialsPerClass: params.trialsPerClass }, { signal: ctx.signal });
  const { blobs, db } = ctx.runtime;
  const reader = syntheticReader(raw);
  const layout = await writeCanonicalSignal(reader, blobs, (f) => ctx.progress(0.2 + 0.7 * f, 'Writing signal chunks'), ctx.signal);
  const groundTruth = await blobs.put(new TextEncoder().encode(JSON.stringify(raw.groundTruth, null, 1)));
  ctx.throwIfCancelled();
  await ctx.progress(0.95, 'Recording channels and events');
  // Named 10-20 sites: the standard montage gives their positions.
  const rows = await channelRows('', raw.chNames.map((name) => ({ name, type: 'eeg', unit: 'V', coordFrame: null })));
  const datasetId = await db.transaction(async (tx) => {
    const [dataset] = await tx
      .insert(datasets)
      .values({
        labId: ctx.labId,
        name: params.name,
        description: `Seeded generator (seed ${params.seed}): ${raw.classes.join(', ')} trials of ${raw.annotations[0]?.duration ?? 0} s; ground truth stored beside the signal.`,
        kind: 'raw',
        source: 'synthetic',
        format: reader.info.format,
        modality: 'eeg',
        sfreq: raw.sfreq,
        nEpochs: 1,
        nChannels: raw.chNames.length,
        nTimes: raw.nSamples,
        layout,
        blobs: { groundTruth: groundTruth.key },
        createdBy: ctx.userId,
      })
      .returning({ id: datasets.id });
    const id = dataset!.id;
    await tx.insert(channels).values(rows.map((row) => ({ ...row, datasetId: id })));
    await tx.insert(events).values(raw.annotations.map((a, index) => ({ datasetId: id, index, ...a })));
    return id;
  });
  await ctx.log(`Stored ${raw.chNames.length} channels x ${raw.nSamples} samples at ${raw.sfreq} Hz, ${raw.annotations.length} trials`);
  return { datasetId, inputs: { groundTruth: groundTruth.key } };
}
