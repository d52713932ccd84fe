import Link from 'next/link';
import { PublishedViews, Tombstone } from '@/app/_components/publishing/published-parts';
import { publicationPath } from '@/lib/publishing';
import { isoDay } from '@/server/published';
import { getRuntime } from '@/server/runtime';
import { loadPublication } from '../load';

/**
 * The interactive views of a published version for an iframe (next.config.ts lets any site frame /p/…/embed): no
 * site header (`data-embed` hides it, app/globals.css), a one-line caption linking to the full page.
 */
export default async function PublishedEmbed({ params }: { params: Promise<{ slug: string; version: string }> }) {
  const { slug, version } = await params;
  const view = await loadPublication(slug, version);
  if (view.state === 'unpublished') {
    return (
      <div data-embed>
        <Tombstone view={view} />
      </div>
    );
  }
  const { snapshot: s } = view;
  return (
    <div className="stack" data-embed>
      <p data-testid="published-version">
        <Link href={publicationPath(s.slug, s.version)} target="_top">
          <strong>{s.title}</strong>
        </Link>{' '}
        <span className="muted">
          v{s.version} · {s.authors.join(', ')} · {isoDay(s.publishedAt)} · Brainglass
        </span>
      </p>
      <PublishedViews snapshot={s} blobs={(await getRuntime()).blobs} />
    </div>
  );
}
