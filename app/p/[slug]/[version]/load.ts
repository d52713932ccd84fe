import { notFound } from 'next/navigation';
import { cache } from 'react';
import { SLUG_PATTERN, versionOfSegment } from '@/lib/publishing';
import { getRuntime } from '@/server/runtime';
import { getPublished } from '@/server/services/publishing';

/** The publication a /p/<slug>/v<N> page shows (once per request: metadata and page share it), or a 404. */
export const loadPublication = cache(async (slug: string, segment: string) => {
  const version = versionOfSegment(segment);
  const view = SLUG_PATTERN.test(slug) && version !== null ? await getPublished(await getRuntime(), slug, version) : null;
  if (!view) notFound();
  return view;
});
