import { requireReader } from '@/server/auth/session';
import { StatespaceView } from './statespace-view';

export default async function StatespaceAnalysisPage({ params }: { params: Promise<{ labId: string; analysisId: string }> }) {
  const { labId, analysisId } = await params;
  await requireReader(`/labs/${labId}/statespace/${analysisId}`);
  return <StatespaceView labId={labId} analysisId={analysisId} />;
}
