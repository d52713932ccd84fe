import { publishedFile } from '@/server/published';
import { publishedBundle } from '@/server/services/publishing';

export function GET(request: Request, { params }: { params: Promise<{ slug: string; version: string }> }) {
  return publishedFile(request, params, async (runtime, snapshot, url) => ({
    body: await publishedBundle(runtime.blobs, snapshot, url),
    type: 'application/zip',
    name: `${snapshot.slug}-v${snapshot.version}.zip`,
  }));
}
