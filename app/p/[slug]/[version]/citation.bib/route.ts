import { bibtex } from '@/lib/publishing';
import { publishedFile } from '@/server/published';
import { citationOf } from '@/server/services/publishing';

export function GET(request: Request, { params }: { params: Promise<{ slug: string; version: string }> }) {
  return publishedFile(request, params, async (_runtime, snapshot, url) => ({
    body: bibtex(citationOf(snapshot, url)),
    type: 'application/x-bibtex; charset=utf-8',
    name: `${snapshot.slug}-v${snapshot.version}.bib`,
  }));
}
