import { requireUser } from '@/server/auth/session';
import { LabAnnotationsView } from './lab-annotations-view';

export default async function LabAnnotationsPage({ params }: { params: Promise<{ labId: string }> }) {
  const { labId } = await params;
  await requireUser(`/labs/${labId}/annotations`);
  return <LabAnnotationsView labId={labId} />;
}
