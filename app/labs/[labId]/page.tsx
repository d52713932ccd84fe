import { requireUser } from '@/server/auth/session';
import { LabOverview } from './lab-overview';

export default async function LabPage({ params }: { params: Promise<{ labId: string }> }) {
  const { labId } = await params;
  const user = await requireUser(`/labs/${labId}`);
  return <LabOverview labId={labId} userId={user.id} />;
}
