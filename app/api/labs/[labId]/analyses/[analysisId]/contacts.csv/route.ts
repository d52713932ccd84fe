import { download } from '@/server/downloads';
import { contactsCsv } from '@/server/services/exports';

export async function GET(_req: Request, { params }: { params: Promise<{ labId: string; analysisId: string }> }) {
  const { labId, analysisId } = await params;
  return download(labId, { analysisId }, (runtime) => contactsCsv(runtime, labId, analysisId));
}
