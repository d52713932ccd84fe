import { download } from '@/server/downloads';
import { importanceNpy } from '@/server/services/exports';

export async function GET(_req: Request, { params }: { params: Promise<{ labId: string; analysisId: string }> }) {
  const { labId, analysisId } = await params;
  return download(labId, { analysisId }, (runtime) => importanceNpy(runtime, labId, analysisId));
}
