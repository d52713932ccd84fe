import { notFound, redirect } from 'next/navigation';
import { publicationPath, SLUG_PATTERN } from '@/lib/publishing';
import { getRuntime } from '@/server/runtime';
import { latestPublished } from '@/server/services/publishing';

/** /p/<slug>: the newest published version. */
export default async function LatestPublication({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const version = SLUG_PATTERN.test(slug) ? await latestPublished((await getRuntime()).db, slug) : null;
  if (version === null) notFound();
  redirect(publicationPath(slug, version));
}
