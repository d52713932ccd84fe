import type { Metadata } from 'next';
import { ViewerBench } from './viewer-bench';

export const metadata: Metadata = { title: '3D viewer benchmark' };

/**
 * The 3D viewer with N synthetic contacts on the cortex (?n=, default 11000), for `npm run bench:viewer` and the
 * e2e tests. With ?bench=1 it measures time to first frame and frame rate while orbiting (window.__viewerStats).
 */
export default async function ViewerBenchPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const n = Math.min(200_000, Math.max(1, Math.floor(Number(params.n)) || 11_000));
  return <ViewerBench n={n} bench={params.bench === '1'} />;
}
