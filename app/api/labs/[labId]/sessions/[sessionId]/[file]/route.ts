import { download } from '@/server/downloads';
import { sessionMapFile } from '@/server/services/statespace';

/** A live session's current map as map.json or map.onnx. */
export async function GET(_req: Request, { params }: { params: Promise<{ labId: string; sessionId: string; file: string }> }) {
  const { labId, sessionId, file } = await params;
  if (file !== 'map.json' && file !== 'map.onnx') return new Response(`No file "${file}": expected map.json or map.onnx\n`, { status: 404 });
  return download(labId, null, (runtime) => sessionMapFile(runtime, labId, sessionId, file));
}
