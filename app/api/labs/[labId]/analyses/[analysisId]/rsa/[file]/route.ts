import { download } from '@/server/downloads';
import { RSA_FILES, rsaFile } from '@/server/services/rsa';

/** Downloads of an RSA analysis: contacts.csv, alignment.json/.csv, rho/p per network and the layer RDMs as .npy. */
export async function GET(_req: Request, { params }: { params: Promise<{ labId: string; analysisId: string; file: string }> }) {
  const { labId, analysisId, file } = await params;
  const known = RSA_FILES.find((f) => f === file);
  if (!known) return new Response(`Unknown file ${file}; one of ${RSA_FILES.join(', ')}`, { status: 404 });
  return download(labId, { analysisId }, (runtime) => rsaFile(runtime, labId, analysisId, known));
}
