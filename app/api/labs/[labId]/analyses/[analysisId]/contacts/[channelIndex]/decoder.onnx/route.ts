import { download } from '@/server/downloads';
import { decoderOnnx } from '@/server/services/exports';

export async function GET(_req: Request, { params }: { params: Promise<{ labId: string; analysisId: string; channelIndex: string }> }) {
  const { labId, analysisId, channelIndex } = await params;
  return download(labId, { analysisId }, (runtime) => decoderOnnx(runtime, labId, analysisId, Number(channelIndex)));
}
