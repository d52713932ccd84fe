import { citationCff } from '@/lib/publishing';
import { publishedFile } from '@/server/published';
import { citationOf } from '@/server/services/publishing';

export function GET(request: Request, { params }: { params: Promise<{ slug: string; version: string }> }) {
  return publishedFile(request, params, async (_runtime, snapshot, url) => ({
    body: citationCff(citationOf(snapshot, url)),
    type: 'application/x-yaml; charset=utf-8',
    name: 'CITATION.cff',
  }));
}
