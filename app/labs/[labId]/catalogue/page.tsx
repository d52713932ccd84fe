import { requireUser } from '@/server/auth/session';
import { CatalogueView } from './catalogue-view';

export default async function CataloguePage({ params }: { params: Promise<{ labId: string }> }) {
  const { labId } = await params;
  await requireUser(`/labs/${labId}/catalogue`);
  return <CatalogueView labId={labId} />;
}
