'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import type { AnnotationLevel } from '@/db/schema';
import { describeAnchor } from '../../../_components/annotations/annotations';
import { useTRPC } from '../../../_components/trpc';
import { Badge, Card, Empty, ErrorMessage, Select, formatDate } from '../../../_components/ui';

type Filter = 'tag' | 'author' | 'dataset' | 'level' | 'resolved';
// Spelled out: the schema's enum object is server code.
const LEVELS: AnnotationLevel[] = ['electrode', 'region', 'whole-brain'];

/** Every thread on the lab's results, newest first, filtered by tag, author, dataset, level and state (kept in the URL). */
export function LabAnnotationsView({ labId }: { labId: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const search = useSearchParams();
  const value = (k: Filter) => search.get(k) ?? '';
  const setFilter = (k: Filter, v: string) => {
    const next = new URLSearchParams(window.location.search);
    if (v) next.set(k, v);
    else next.delete(k);
    router.replace(`${pathname}?${next.toString()}`, { scroll: false });
  };
  const level = value('level');
  const list = useQuery(
    trpc.annotations.labList.queryOptions({
      labId,
      tag: value('tag') || undefined,
      authorId: value('author') || undefined,
      datasetId: value('dataset') || undefined,
      level: LEVELS.find((l) => l === level),
      resolved: value('resolved') ? value('resolved') === 'resolved' : undefined,
    }),
  );
  const d = list.data;
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <p className="subtitle">
            <Link href="/labs">Labs</Link> / <Link href={`/labs/${labId}`}>Lab</Link> /
          </p>
          <h1>Annotations</h1>
          <p className="subtitle">Notes on this lab&apos;s contacts, clusters, regions and maps, by its members and the labs it shares with.</p>
        </div>
      </div>
      <Card
        title={d ? `${d.annotations.length} threads` : 'Threads'}
        actions={
          <div className="row" role="group" aria-label="Filters">
            <Select aria-label="Tag" value={value('tag')} onChange={(e) => setFilter('tag', e.target.value)}>
              <option value="">any tag</option>
              {d?.tags.map((t) => (
                <option key={t}>{t}</option>
              ))}
            </Select>
            <Select aria-label="Author" value={value('author')} onChange={(e) => setFilter('author', e.target.value)}>
              <option value="">any author</option>
              {d?.authors.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.label}
                </option>
              ))}
            </Select>
            <Select aria-label="Dataset" value={value('dataset')} onChange={(e) => setFilter('dataset', e.target.value)}>
              <option value="">any dataset</option>
              {d?.datasets.map((ds) => (
                <option key={ds.id} value={ds.id}>
                  {ds.label}
                </option>
              ))}
            </Select>
            <Select aria-label="Level" value={level} onChange={(e) => setFilter('level', e.target.value)}>
              <option value="">any level</option>
              {LEVELS.map((l) => (
                <option key={l}>{l}</option>
              ))}
            </Select>
            <Select aria-label="State" value={value('resolved')} onChange={(e) => setFilter('resolved', e.target.value)}>
              <option value="">open and resolved</option>
              <option value="open">open</option>
              <option value="resolved">resolved</option>
            </Select>
          </div>
        }
      >
        <ErrorMessage error={list.error} />
        {d && d.annotations.length === 0 && <Empty>No annotations match.</Empty>}
        {d && d.annotations.length > 0 && (
          <table aria-label="Annotations">
            <thead>
              <tr>
                <th>On</th>
                <th>Note</th>
                <th>Tags</th>
                <th>Author</th>
                <th>Replies</th>
              </tr>
            </thead>
            <tbody>
              {d.annotations.map((a) => (
                <tr key={a.id} data-testid="lab-annotation">
                  <td>
                    <Link href={a.link}>{a.objectName ?? a.objectKind}</Link>
                    <br />
                    <span className="muted">
                      {describeAnchor(a.anchor)} · {a.level} · {a.datasetName}
                    </span>
                  </td>
                  {/* Rendered by lib/markdown.ts on the server: raw HTML off, only http(s)/mailto/relative links. */}
                  <td className="markdown" dangerouslySetInnerHTML={{ __html: a.bodyHtml }} />
                  <td>
                    {a.tags.map((t) => (
                      <button key={t} type="button" className="btn btn-ghost" onClick={() => setFilter('tag', t)} aria-label={`Filter by tag ${t}`}>
                        <Badge tone="info">{t}</Badge>
                      </button>
                    ))}
                    {a.resolved && <Badge tone="success">resolved</Badge>}
                  </td>
                  <td>
                    {a.authorName ?? '—'}
                    <br />
                    <span className="muted">{formatDate(a.createdAt)}</span>
                  </td>
                  <td className="mono">{a.replies}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </div>
  );
}
