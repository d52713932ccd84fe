import { TRPCError } from '@trpc/server';
import { and, asc, eq } from 'drizzle-orm';
import { analyses, analysisContacts, signaturesSummaryOf, type SignaturesSummary } from '@/db/schema';
import { ndarray, toNpy } from '@/lib/arrays';
import { unpackForest } from '@/lib/ml/forest/serialize';
import { forestToOnnx } from '@/lib/onnx';
import { contactsCsv as toContactsCsv } from '@/lib/signatures/export';
import type { Runtime } from '@/server/runtime';
import type { BlobStore } from '@/server/storage/blobs';
import { contactForest, float32 } from './analyses';

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
  return { body: await importanceNpyOf(runtime.blobs, rows, a.summary), type: 'application/octet-stream', name: 'importance.npy' };
}

/** importance.npy of the given contacts' result blobs, in their order (also for published snapshots). */
export async function importanceNpyOf(blobs: BlobStore, contacts: readonly { blobs: Record<string, string> }[], summary: SignaturesSummary): Promise<Uint8Array> {
  const nC = summary.categories.length;
  const nF = summary.freqs.length;
  const nT = summary.binTimes.length;
  const size = nF * nT;
  const out = new Float32Array(contacts.length * nC * size);
  for (const [i, r] of contacts.entries()) {
    const maps = await float32(blobs, r.blobs.maps!);
    for (let c = 0; c < nC; c++) out.set(maps.subarray(c * 3 * size, (c * 3 + 1) * size), (i * nC + c) * size);
  }
  return toNpy(ndarray('float32', out, [contacts.length, nC, nF, nT], ['contacts', 'categories', 'freqs', 'times']));
}

/** The contact's forest refitted on all trials, as an ONNX TreeEnsembleClassifier over its flattened features. */
export async function decoderOnnx(runtime: Runtime, labId: string, analysisId: string, channelIndex: number) {
  const a = await analysisOf(runtime, labId, analysisId);
  const row = await contactForest(runtime.db, labId, analysisId, channelIndex);
  return { body: await decoderOnnxOf(runtime.blobs, row.blobs.forest!, a.summary.categories), type: 'application/octet-stream', name: `${row.name}-decoder.onnx` };
}

/** The ONNX model of a stored forest (blob key), with the categories' indices as class labels. */
export async function decoderOnnxOf(blobs: BlobStore, forestKey: string, categories: readonly string[]): Promise<Uint8Array> {
  return forestToOnnx(unpackForest(await blobs.get(forestKey)), { classLabels: categories.map((_, i) => i) });
}
