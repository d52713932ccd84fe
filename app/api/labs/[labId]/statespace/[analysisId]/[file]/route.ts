import { download } from '@/server/downloads';
import { STATESPACE_FILES, statespaceFile } from '@/server/services/statespace';

/** map.json, map.onnx and metrics.json of an offline state-space analysis. */
export async function GET(_req: Request, { params }: { params: Promise<{ labId: string; analysisId: string; file: string }> }) {
  const { labId, analysisId, file } = await params;
  if (!(file in STATESPACE_FILES)) return new Response(`No file "${file}": expected ${Object.keys(STATESPACE_FILES).join(', ')}\n`, { status: 404 });
  return download(labId, { objectKind: 'statespace', objectId: analysisId }, (runtime) => statespaceFile(runtime, labId, analysisId, file as keyof typeof STATESPACE_FILES));
}
