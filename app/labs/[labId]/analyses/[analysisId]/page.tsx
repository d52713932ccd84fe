import { and, eq } from 'drizzle-orm';
import { analyses } from '@/db/schema';
import { requireReader } from '@/server/auth/session';
import { getRuntime } from '@/server/runtime';
import { AnalysisView } from './analysis-view';
import { RsaView } from './rsa-view';

export default async function AnalysisPage({ params }: { params: Promise<{ labId: string; analysisId: string }> }) {
  const { labId, analysisId } = await params;
  await requireReader(`/labs/${labId}/analyses/${analysisId}`);
  // Each kind has its own view; access is checked by the view's queries.
  const [row] = await (await getRuntime()).db.select({ kind: analyses.kind }).from(analyses).where(and(eq(analyses.id, analysisId), eq(analyses.labId, labId)));
  if (row?.kind === 'rsa') return <RsaView labId={labId} analysisId={analysisId} />;
  return <AnalysisView labId={labId} analysisId={analysisId} />;
}
