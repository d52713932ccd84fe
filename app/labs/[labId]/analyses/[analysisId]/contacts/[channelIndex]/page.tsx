import { requireReader } from '@/server/auth/session';
import { ContactView } from './contact-view';

export default async function ContactPage({ params }: { params: Promise<{ labId: string; analysisId: string; channelIndex: string }> }) {
  const { labId, analysisId, channelIndex } = await params;
  await requireReader(`/labs/${labId}/analyses/${analysisId}/contacts/${channelIndex}`);
  return <ContactView labId={labId} analysisId={analysisId} channelIndex={Number(channelIndex)} />;
}
