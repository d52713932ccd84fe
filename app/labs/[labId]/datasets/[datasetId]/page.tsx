import { requireReader } from '@/server/auth/session';
import { DatasetView } from './dataset-view';

export default async function DatasetPage({ params }: { params: Promise<{ labId: string; datasetId: string }> }) {
  const { labId, datasetId } = await params;
  await requireReader(`/labs/${labId}/datasets/${datasetId}`);
  return <DatasetView labId={labId} datasetId={datasetId} />;
}
