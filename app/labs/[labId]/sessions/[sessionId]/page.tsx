import { requireUser } from '@/server/auth/session';
import { SessionView } from './session-view';

export default async function SessionPage({ params }: { params: Promise<{ labId: string; sessionId: string }> }) {
  const { labId, sessionId } = await params;
  await requireUser(`/labs/${labId}/sessions/${sessionId}`);
  return <SessionView labId={labId} sessionId={sessionId} />;
}
