import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { CitationCard, Provenance, PublicationHeader, PublishedResult, PublishedViews, Tombstone } from '@/app/_components/publishing/published-parts';
import { originOf } from '@/server/published';
import { getRuntime } from '@/server/runtime';
import { loadPublication } from './load';

type Params = Promise<{ slug: string; version: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { slug, version } = await params;
  const view = await loadPublication(slug, version);
  if (view.state === 'unpublished') return { title: `Unpublished (${slug} ${version})`, robots: { index: false } };
  return { title: `${view.snapshot.title} (${version})`, description: `${view.snapshot.authors.join(', ')}: ${view.snapshot.analysis.name}` };
}

/**
 * A published version, for anyone, rendered on the server from its immutable snapshot (cached by blob key; whether it
 * is still published is read on every request). An unpublished version shows a tombstone (HTTP 200: App Router pages
 * cannot answer 410; the files under it do).
 */
export default async function PublishedPage({ params }: { params: Params }) {
  const { slug, version } = await params;
  const view = await loadPublication(slug, version);
  if (view.state === 'unpublished') return <Tombstone view={view} />;
  const { snapshot } = view;
  return (
    <div className="stack">
      <PublicationHeader snapshot={snapshot} versions={view.versions} />
      <PublishedViews snapshot={snapshot} blobs={(await getRuntime()).blobs} />
      <PublishedResult snapshot={snapshot} />
      <Provenance snapshot={snapshot} />
      <CitationCard snapshot={snapshot} origin={originOf(await headers())} />
    </div>
  );
}
