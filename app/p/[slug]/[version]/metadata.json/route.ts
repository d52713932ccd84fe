import { publishedFile } from '@/server/published';

/** The snapshot as published: results, parameters, software version, input checksums and the arrays' blob keys. */
export function GET(request: Request, { params }: { params: Promise<{ slug: string; version: string }> }) {
  return publishedFile(request, params, async (_runtime, snapshot, url) => ({ body: JSON.stringify({ url, ...snapshot }), type: 'application/json' }));
}
