import { TRPCError } from '@trpc/server';
import { and, asc, eq } from 'drizzle-orm';
import { analyses, analysisContacts, signaturesSummaryOf } from '@/db/schema';
import { ndarray, toNpy } from '@/lib/arrays';
import { unpackForest } from '@/lib/ml/forest/serialize';
import { forestToOnnx } from '@/lib/onnx';
import { contactsCsv as toContactsCsv } from '@/lib/signatures/export';
import type { Runtime } from '@/server/runtime';
import { contactForest } from './analyses';

async function analysisOf(runtime: Runtime, labId: string, analysisId: string) {
  const [a] = await runtime.db.select().from(analyses).where(and(eq(analyses.id, analysisId), eq(analyses.labId, labId)));
  const summary = signaturesSummaryOf(a?.summary ?? null);
  if (!a || !summary) throw new TRPCError({ code: 'NOT_FOUND', message: 'No finished analysis with this id' });
  return { ...a, summary };
}

/** contact, region, per-category F1 and predictive flags, and the threshold used. */
export async function contactsCsv(runtime: Runtime, labId: string, analysisId: string) {
  const a = await analysisOf(runtime, labId, analysisId);
  const rows = await runtime.db.select().from(analysisContacts).where(eq(analysisContacts.analysisId, analysisId)).orderBy(asc(analysisContacts.channelIndex));
  return { body: toContactsCsv(rows, a.summary.categories, a.summary.threshold), type: 'text/csv', name: `${a.name.replace(/[^\w.-]+/g, '_')}-contacts.csv` };
}

/** Importance maps of every contact: contacts x categories x frequencies x times, float32. */
export async function importanceNpy(runtime: Runtime, labId: string, analysisId: string) {
  const a = await analysisOf(runtime, labId, analysisId);
  const rows = await runtime.db.select().from(analysisContacts).where(eq(analysisContacts.analysisId, analysisId)).orderBy(asc(analysisContacts.channelIndex));
  const nC = a.summary.categories.length;
  const nF = a.summary.freqs.length;
  const nT = a.summary.binTimes.length;
  const size = nF * nT;
  const out = new Float32Array(rows.length * nC * size);
  for (const [i, r] of rows.entries()) {
    const bytes = await runtime.blobs.get(r.blobs.maps!);
    const maps = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    for (let c = 0; c < nC; c++) out.set(maps.subarray(c * 3 * size, (c * 3 + 1) * size), (i * nC + c) * size);
  }
  return { body: toNpy(ndarray('float32', out, [rows.length, nC, nF, nT], ['contacts', 'categories', 'freqs', 'times'])), type: 'application/octet-stream', name: 'importance.npy' };
}

/** The contact's forest refitted on all trials, as an ONNX TreeEnsembleClassifier over its flattened features. */
export async function decoderOnnx(runtime: Runtime, labId: string, analysisId: string, channelIndex: number) {
  const a = await analysisOf(runtime, labId, analysisId);
  const row = await contactForest(runtime.db, labId, analysisId, channelIndex);
  const forest = unpackForest(await runtime.blobs.get(row.blobs.forest!));
  return { body: forestToOnnx(forest, { classLabels: a.summary.categories.map((_, i) => i) }), type: 'application/octet-stream', name: `${row.name}-decoder.onnx` };
}
