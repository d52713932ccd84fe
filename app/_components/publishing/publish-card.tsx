'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTRPC } from '../trpc';
import { Badge, Button, Card, ErrorMessage, Field, Input, formatDate } from '../ui';

/**
 * Publishing an analysis: each publication is a new immutable version at /p/<slug>/v<N>, public and citable; a
 * version can be unpublished (its address then says so, with the reason). For the owning lab's editors.
 */
export function PublishCard({ labId, analysisId, analysisName }: { labId: string; analysisId: string; analysisName: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const versions = useQuery(trpc.publishing.list.queryOptions({ labId, analysisId }));
  const refresh = () => queryClient.invalidateQueries(trpc.publishing.list.queryFilter({ labId, analysisId }));
  const publish = useMutation(trpc.publishing.publish.mutationOptions({ onSuccess: refresh }));
  const unpublish = useMutation(trpc.publishing.unpublish.mutationOptions({ onSuccess: refresh }));
  const [title, setTitle] = useState(analysisName);
  const [authors, setAuthors] = useState('');
  const origin = typeof window === 'undefined' ? '' : window.location.origin;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const names = authors
      .split(/[;\n]/)
      .map((a) => a.trim())
      .filter(Boolean);
    publish.mutate({ labId, analysisId, title: title.trim(), authors: names.length ? names : undefined });
  };
  const [withdrawing, setWithdrawing] = useState<number | null>(null);
  const [reason, setReason] = useState('');
  const withdraw = (e: FormEvent) => {
    e.preventDefault();
    unpublish.mutate({ labId, analysisId, version: withdrawing!, reason: reason.trim() }, { onSuccess: () => setWithdrawing(null) });
  };
  const published = publish.data;

  return (
    <Card title="Publish">
      <p className="muted">
        A publication is a frozen copy of this result (tables, maps, brain, parameters, software version, input checksums) at a public address, with a
        citation and a download bundle. Publishing again makes a new version; earlier versions never change.
      </p>
      <form onSubmit={submit} className="stack" aria-label="Publish this analysis">
        <Field label="Title">
          <Input value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={300} />
        </Field>
        <Field label="Authors" hint="Separated by semicolons, e.g. “Lovelace, Ada; Grace Hopper”; empty: you">
          <Input value={authors} onChange={(e) => setAuthors(e.target.value)} />
        </Field>
        <div className="row">
          <Button type="submit" disabled={publish.isPending || !title.trim()}>
            Publish
          </Button>
          {published && (
            <span>
              Published v{published.version} at{' '}
              <a href={published.path} data-testid="published-url">
                {origin}
                {published.path}
              </a>
            </span>
          )}
        </div>
      </form>
      <ErrorMessage error={publish.error ?? unpublish.error ?? versions.error} />
      {versions.data && versions.data.length > 0 && (
        <table aria-label="Published versions">
          <thead>
            <tr>
              <th>Version</th>
              <th>Title</th>
              <th>Published</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {versions.data.map((v) => (
              <tr key={v.version}>
                <td>
                  <a href={v.path}>v{v.version}</a>
                </td>
                <td>{v.title}</td>
                <td>{formatDate(v.publishedAt)}</td>
                <td>
                  {v.unpublishedAt ? (
                    <Badge tone="warning">
                      unpublished {formatDate(v.unpublishedAt)}: {v.unpublishedReason}
                    </Badge>
                  ) : withdrawing === v.version ? (
                    <form onSubmit={withdraw} className="row" aria-label={`Unpublish v${v.version}`}>
                      <Field label="Reason" hint="Shown on the page that replaces it">
                        <Input value={reason} onChange={(e) => setReason(e.target.value)} required maxLength={1000} />
                      </Field>
                      <Button type="submit" variant="danger" disabled={unpublish.isPending || !reason.trim()}>
                        Unpublish
                      </Button>
                      <Button variant="ghost" onClick={() => setWithdrawing(null)}>
                        Cancel
                      </Button>
                    </form>
                  ) : (
                    <Button variant="secondary" onClick={() => {
                        setWithdrawing(v.version);
                        setReason('');
                      }}>
                      Unpublish v{v.version}
                    </Button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}
