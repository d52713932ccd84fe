'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useDeferredValue, useState, type FormEvent } from 'react';
import { parseTags } from '../../../_components/catalogue/add-to-catalogue';
import { Heatmap } from '../../../_components/heatmap';
import { useTRPC } from '../../../_components/trpc';
import { Badge, Button, Card, Empty, ErrorMessage, Field, Input, formatDate } from '../../../_components/ui';

/**
 * The lab's signature catalogue: named signatures with their maps and the evidence behind them, filtered by tag or
 * text, each with a search for where its pattern recurs across datasets. The tag and a single entry (?entry=, where
 * links to an entry land) are in the URL.
 */
export function CatalogueView({ labId }: { labId: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const search = useSearchParams();
  const tag = search.get('tag') ?? undefined;
  const only = search.get('entry');
  const [text, setText] = useState('');
  const deferredText = useDeferredValue(text.trim());
  const lab = useQuery(trpc.labs.get.queryOptions({ labId }));
  const list = useQuery(trpc.catalogue.list.queryOptions({ labId, tag, text: deferredText || undefined }));
  const setTag = (t: string | null) => router.replace(t ? `${pathname}?${new URLSearchParams({ tag: t })}` : pathname, { scroll: false });
  const canEdit = lab.data !== undefined && lab.data.role !== 'viewer';
  const entries = list.data?.entries.filter((e) => !only || e.id === only);

  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <p className="subtitle">
            <Link href={`/labs/${labId}`}>{lab.data?.name ?? 'Lab'}</Link> /
          </p>
          <h1>Signature catalogue</h1>
          <p className="subtitle">
            Named spectrotemporal signatures, added from a cluster or a contact of a Level 1 analysis. “Find similar” ranks the clusters of every
            analysis this lab can read, and the other entries, by cosine similarity of their maps.
          </p>
        </div>
      </div>
      <ErrorMessage error={lab.error ?? list.error} />
      <div className="row">
        <Field label="Search names and descriptions">
          <Input type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="e.g. gamma" />
        </Field>
        {list.data && list.data.tags.length > 0 && (
          <div className="row" role="group" aria-label="Filter by tag">
            {list.data.tags.map((t) => (
              <Button key={t} variant={t === tag ? 'primary' : 'ghost'} aria-pressed={t === tag} onClick={() => setTag(t === tag ? null : t)}>
                {t}
              </Button>
            ))}
          </div>
        )}
        {only && <Link href={pathname}>Show all entries</Link>}
      </div>
      {entries?.length === 0 && (
        <Empty>
          {tag || deferredText || only
            ? 'No entry matches.'
            : 'No signatures yet. Add one from the “Add to catalogue” button of a cluster (signatures page) or a contact.'}
        </Empty>
      )}
      <div className="grid">
        {entries?.map((e) => (
          <EntryCard key={e.id} labId={labId} entryId={e.id} canEdit={canEdit} onTag={setTag} />
        ))}
      </div>
    </div>
  );
}

function EntryCard({ labId, entryId, canEdit, onTag }: { labId: string; entryId: string; canEdit: boolean; onTag: (tag: string) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const entry = useQuery(trpc.catalogue.get.queryOptions({ labId, entryId }));
  const [editing, setEditing] = useState(false);
  const [similarShown, setSimilarShown] = useState(false);
  const refresh = () => queryClient.invalidateQueries(trpc.catalogue.pathFilter());
  const update = useMutation(
    trpc.catalogue.update.mutationOptions({
      onSuccess: () => {
        setEditing(false);
        return refresh();
      },
    }),
  );
  const remove = useMutation(trpc.catalogue.remove.mutationOptions({ onSuccess: refresh }));
  const e = entry.data;
  if (entry.error) return <ErrorMessage error={entry.error} />;
  if (!e) return <Card title="…">Loading…</Card>;
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    update.mutate({ labId, entryId, name: String(form.get('name')), description: String(form.get('description')), tags: parseTags(String(form.get('tags'))) });
  };
  const what = e.source.type === 'cluster' ? `cluster ${e.source.clusterId}, ${e.source.contacts.length} contacts` : `contact ${e.source.contact}`;
  return (
    <Card
      title={e.name}
      actions={
        canEdit &&
        !editing && (
          <>
            <Button variant="ghost" onClick={() => setEditing(true)}>
              Edit
            </Button>
            <Button variant="danger" disabled={remove.isPending} onClick={() => confirm(`Remove “${e.name}” from the catalogue?`) && remove.mutate({ labId, entryId })}>
              Remove
            </Button>
          </>
        )
      }
    >
      {editing ? (
        <form onSubmit={submit} aria-label={`Edit ${e.name}`}>
          <Field label="Name">
            <Input name="name" required defaultValue={e.name} maxLength={200} />
          </Field>
          <Field label="Description">
            <Input name="description" defaultValue={e.description} maxLength={5000} />
          </Field>
          <Field label="Tags" hint="Comma-separated">
            <Input name="tags" defaultValue={e.tags.join(', ')} />
          </Field>
          <div className="row">
            <Button type="submit" disabled={update.isPending}>
              Save
            </Button>
            <Button variant="ghost" onClick={() => setEditing(false)}>
              Cancel
            </Button>
          </div>
        </form>
      ) : (
        <>
          <p className="row">
            {e.tags.map((t) => (
              <Button key={t} variant="ghost" onClick={() => onTag(t)} aria-label={`Show entries tagged ${t}`}>
                <Badge tone="info">{t}</Badge>
              </Button>
            ))}
          </p>
          {e.description && <p>{e.description}</p>}
        </>
      )}
      <ErrorMessage error={update.error ?? remove.error} />
      <Heatmap values={e.map.values} freqs={e.map.freqs} times={e.map.binTimes} colormap="rdbu" label={`Map of ${e.name}`} unit="signature" width={360} height={200} />
      <p className="muted">
        “{e.source.category}”, {what}
        {e.datasetName && <> · {e.datasetName}</>} · added {formatDate(e.createdAt)}
      </p>
      {e.evidence ? (
        <p>
          <Link href={e.evidence.analysis.path}>{e.evidence.analysis.name}</Link>
          {e.evidence.analysis.labId !== labId && <span className="muted"> ({e.evidence.analysis.labName})</span>} ·{' '}
          <Link href={e.evidence.page.path}>{e.evidence.page.label}</Link>
          {e.evidence.contacts.length > 0 && ' · '}
          {e.evidence.contacts.map((c) => (
            <span key={c.channelIndex}>
              <Link href={c.path}>{c.name}</Link>{' '}
            </span>
          ))}
        </p>
      ) : (
        <p className="muted">The analysis it came from was deleted or is not shared with this lab; the map is kept.</p>
      )}
      <Button variant="secondary" aria-expanded={similarShown} onClick={() => setSimilarShown(!similarShown)}>
        {similarShown ? 'Hide similar' : 'Find similar'}
      </Button>
      {similarShown && <SimilarSignatures labId={labId} entryId={entryId} />}
    </Card>
  );
}

function SimilarSignatures({ labId, entryId }: { labId: string; entryId: string }) {
  const trpc = useTRPC();
  const similar = useQuery(trpc.catalogue.similar.queryOptions({ labId, query: { entryId } }));
  if (similar.error) return <ErrorMessage error={similar.error} />;
  if (!similar.data) return <p className="muted">Comparing…</p>;
  if (!similar.data.length) return <Empty>Nothing to compare with yet: no other entry, and no clustered Level 1 analysis this lab can read.</Empty>;
  return (
    <table aria-label="Similar signatures">
      <thead>
        <tr>
          <th>Similarity</th>
          <th>Signature</th>
          <th>Analysis</th>
          <th>Dataset</th>
        </tr>
      </thead>
      <tbody>
        {similar.data.map((s) => (
          <tr key={s.kind === 'entry' ? s.entryId : `${s.analysisId}/${s.category}/${s.clusterId}`}>
            <td className="mono">{s.similarity.toFixed(3)}</td>
            <td>
              <Link href={s.path}>{s.kind === 'entry' ? s.name : `cluster ${s.clusterId} of “${s.category}”`}</Link>
              {s.kind === 'entry' ? <Badge>entry</Badge> : <span className="muted"> · {s.nContacts} contacts</span>}
            </td>
            <td>
              {s.analysisName ?? '—'}
              {s.kind === 'cluster' && s.labId !== labId && <span className="muted"> ({s.labName})</span>}
            </td>
            <td>{s.datasetName ?? '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
