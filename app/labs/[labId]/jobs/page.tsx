import { requireUser } from '@/server/auth/session';
import { JobsView } from './jobs-view';

export default async function JobsPage({ params }: { params: Promise<{ labId: string }> }) {
  const { labId } = await params;
  await requireUser(`/labs/${labId}/jobs`);
  return <JobsView labId={labId} />;
}
