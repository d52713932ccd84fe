import { TRPCError } from '@trpc/server';
import { publicationPath, SLUG_PATTERN, versionOfSegment } from '@/lib/publishing';
import { getRuntime, type Runtime } from './runtime';
import { getPublished, type PublishedSnapshot } from './services/publishing';

/** The site's origin as the request reached it (through a proxy when it says so), for absolute URLs in citations. */
export function originOf(headers: Headers): string {
  const host = headers.get('x-forwarded-host') ?? headers.get('host') ?? 'localhost';
  return `${headers.get('x-forwarded-proto') ?? 'http'}://${host}`;
}

/** A published version's files never change, so browsers and proxies may keep them for a year. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';

export const isoDay = (d: Date | string) => new Date(d).toISOString().slice(0, 10);

/**
 * A file of a published version (/p/<slug>/v<N>/...), for anyone: 404 for an unknown address, 410 with the date and
 * reason once unpublished (checked on every request), else what `make` returns, cacheable as immutable.
 */
export async function publishedFile(
  request: Request,
  params: Promise<{ slug: string; version: string }>,
  make: (runtime: Runtime, snapshot: PublishedSnapshot, url: string) => Promise<{ body: string | Uint8Array; type: string; name?: string }>,
): Promise<Response> {
  const { slug, version: segment } = await params;
  const version = versionOfSegment(segment);
  const runtime = await getRuntime();
  const view = SLUG_PATTERN.test(slug) && version !== null ? await getPublished(runtime, slug, version) : null;
  if (!view) return new Response('No such publication\n', { status: 404 });
  const path = publicationPath(slug, view.version);
  if (view.state === 'unpublished') {
    return new Response(`${path} was unpublished on ${isoDay(view.unpublishedAt)}${view.reason ? `: ${view.reason}` : ''}\n`, { status: 410 });
  }
  try {
    const file = await make(runtime, view.snapshot, `${originOf(request.headers)}${path}`);
    return new Response(typeof file.body === 'string' ? file.body : new Blob([file.body as BlobPart]), {
      headers: {
        'content-type': file.type,
        'cache-control': IMMUTABLE,
        ...(file.name ? { 'content-disposition': `attachment; filename="${file.name}"` } : {}),
      },
    });
  } catch (err) {
    if (err instanceof TRPCError && err.code === 'NOT_FOUND') return new Response(`${err.message}\n`, { status: 404 });
    throw err;
  }
}
