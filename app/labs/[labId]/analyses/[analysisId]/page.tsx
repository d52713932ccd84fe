import { requireUser } from '@/server/auth/session';
import { AnalysisView } from './analysis-view';

export default async function AnalysisPage({ params }: { params: Promise<{ labId: string; analysisId: string }> }) {
  const { labId, analysisId } = await params;
  await requireUser(`/labs/${labId}/analyses/${analysisId}`);
  return <AnalysisView labId={labId} analysisId={analysisId} />;
}
