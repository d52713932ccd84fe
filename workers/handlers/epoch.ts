import { and, asc, eq, inArray } from 'drizzle-orm';
import { channels, datasets, events } from '@/db/schema';
import { encodeArray, ndarray } from '@/lib/arrays';
import { bipolarReference, epochs as cutEpochs, filterData, notch, rejectTrials } from '@/lib/preprocessing';
import { epochParams } from '@/lib/jobs';
import { readChannel } from '@/server/storage/signal';
import type { JobContext } from '../context';

/**
 * Cuts a stored recording into epochs around chosen events, one channel at a time (memory: one channel of the
 * recording plus the epochs): optional bipolar re-reference along shafts, notch and band-pass (zero-phase) on the
 * continuous signal, baseline correction, and the per-contact trial rejection of METHODS.md.
 */
export async function epochDataset(ctx: JobContext) {
  const p = epochParams.parse(ctx.params);
  const { db, blobs } = ctx.runtime;
  const [source] = await db.select().from(datasets).where(and(eq(datasets.id, p.sourceDatasetId), eq(datasets.labId, ctx.labId)));
  if (!source?.layout || source.kind !== 'raw') throw new Error('The source must be a continuous recording that has been ingested');
  const layout = source.layout;
  const sfreq = source.sfreq;
  const chs = await db.select().from(channels).where(eq(channels.datasetId, source.id)).orderBy(asc(channels.index));
  const evs = await db
    .select()
    .from(events)
    .where(and(eq(events.datasetId, source.id), inArray(events.description, p.events)))
    .orderBy(asc(events.onset));
  if (evs.length === 0) throw new Error(`No events named ${p.events.map((e) => `"${e}"`).join(', ')} in this recording`);
  const rows = evs.map((e) => [Math.round(e.onset * sfreq), p.events.indexOf(e.description)] as const);

  const positions = chs.every((c) => c.x !== null) ? chs.flatMap((c) => [c.x!, c.y!, c.z!]) : null;
  const bipolar = p.bipolar ? bipolarReference(chs.map((c) => c.name), new Float64Array(chs.length), positions) : null;
  if (bipolar && bipolar.pairs.length === 0) throw new Error('No neighbouring contacts on a shaft (names like LO1, LO2) to pair for a bipolar reference');
  const outputs = bipolar ? bipolar.pairs.map(([a, b], i) => ({ name: bipolar.chNames[i]!, anode: a, cathode: b as number | null })) : chs.map((c) => ({ name: c.name, anode: c.index, cathode: null as number | null }));

  let data: Float32Array | null = null;
  let shape = { nEpochs: 0, nTimes: 0, tmin: 0 };
  let kept: [number, number][] = [];
  for (const [o, out] of outputs.entries()) {
    ctx.throwIfCancelled();
    const x = Float64Array.from(await readChannel(blobs, layout, source.nTimes, out.anode));
    if (out.cathode !== null) {
      const y = await readChannel(blobs, layout, source.nTimes, out.cathode);
      for (let i = 0; i < x.length; i++) x[i]! -= y[i]!;
    }
    let signal: Float64Array = x;
    if (p.lineFreq) signal = notch(signal, sfreq, { lineFreq: p.lineFreq });
    if (p.lFreq !== null || p.hFreq !== null) signal = filterData(signal, sfreq, p.lFreq, p.hFreq);
    const e = cutEpochs([signal], sfreq, rows, p.tmin, p.tmax, { baseline: p.baseline, includeTmax: p.includeTmax });
    if (!data) {
      if (e.nEpochs === 0) throw new Error(`Every epoch runs past the recording: ${p.tmin}..${p.tmax} s around ${rows.length} events`);
      data = new Float32Array(e.nEpochs * outputs.length * e.nTimes);
      shape = { nEpochs: e.nEpochs, nTimes: e.nTimes, tmin: e.tmin };
      kept = e.events;
      if (e.dropped.length) await ctx.log(`${e.dropped.length} events dropped: their window runs past the recording`, 'warn');
    }
    for (let t = 0; t < e.nEpochs; t++) data.set(e.data.subarray(t * e.nTimes, (t + 1) * e.nTimes), (t * outputs.length + o) * e.nTimes);
    await ctx.progress((0.9 * (o + 1)) / outputs.length, `Channel ${o + 1} of ${outputs.length}`);
  }

  const { nEpochs, nTimes } = shape;
  const labels = Int32Array.from(kept, ([, code]) => code);
  const stored: Record<string, string> = {
    epochs: (await blobs.put(encodeArray(ndarray('float32', data!, [nEpochs, outputs.length, nTimes], ['epochs', 'channels', 'times'])))).key,
    labels: (await blobs.put(encodeArray(ndarray('int32', labels, [nEpochs], ['epochs'])))).key,
  };
  let rejectedTotal = 0;
  if (p.rejectFactor) {
    await ctx.progress(0.93, 'Rejecting trials');
    const rejection = rejectTrials({ data: data!, nEpochs, nChannels: outputs.length, nTimes, chNames: outputs.map((o) => o.name) }, p.rejectFactor);
    stored.rejected = (await blobs.put(encodeArray(ndarray('uint8', rejection.rejected, [nEpochs, outputs.length], ['epochs', 'channels'])))).key;
    rejectedTotal = rejection.report.reduce((n, r) => n + r.nRejected, 0);
    for (const r of rejection.report.filter((r) => r.nRejected > 0)) await ctx.log(`${r.chName}: ${r.nRejected} of ${nEpochs} trials rejected (peak > ${r.threshold.toExponential(2)} V)`);
  }
  await ctx.progress(0.97, 'Recording the epochs');
  const datasetId = await db.transaction(async (tx) => {
    const [dataset] = await tx
      .insert(datasets)
      .values({
        labId: ctx.labId,
        name: p.name,
        description: `Epochs of "${source.name}" around ${p.events.join(', ')}, ${p.tmin}..${p.tmax} s`,
        source: 'derived',
        kind: 'epochs',
        modality: source.modality,
        sfreq,
        tmin: shape.tmin,
        nEpochs,
        nChannels: outputs.length,
        nTimes,
        categories: p.events,
        coordFrame: source.coordFrame,
        blobs: stored,
        createdBy: ctx.userId,
      })
      .returning({ id: datasets.id });
    await tx.insert(channels).values(
      outputs.map((out, index) => {
        const anode = chs[out.anode]!;
        // A bipolar pair keeps its first contact's position and regions (METHODS.md, preprocessing step 2).
        return { ...anode, datasetId: dataset!.id, index, name: out.name };
      }),
    );
    return dataset!.id;
  });
  await ctx.log(`Made ${nEpochs} epochs x ${outputs.length} channels x ${nTimes} samples${p.rejectFactor ? `; ${rejectedTotal} contact-trials rejected` : ''}`);
  return { datasetId, nEpochs, nChannels: outputs.length, nTimes, rejected: rejectedTotal };
}
