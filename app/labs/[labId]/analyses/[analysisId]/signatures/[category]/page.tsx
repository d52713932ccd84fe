import { requireReader } from '@/server/auth/session';
import { SignaturesView } from './signatures-view';

export default async function SignaturesPage({ params }: { params: Promise<{ labId: string; analysisId: string; category: string }> }) {
  const { labId, analysisId, category } = await params;
  await requireReader(`/labs/${labId}/analyses/${analysisId}/signatures/${category}`);
  return <SignaturesView labId={labId} analysisId={analysisId} category={decodeURIComponent(category)} />;
}
