'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { SharedObjectKind } from '@/db/schema';
import { useTRPC } from '../trpc';
import { Badge, Button, Card, ErrorMessage, Field, Input, Select, formatDate } from '../ui';

/**
 * Who else sees this dataset or analysis: other labs (viewer or editor) and reviewers with a read-only link. For the
 * owning lab's editors; the server enforces the same (server/routers/sharing.ts).
 */
export function ShareCard({ labId, objectKind, objectId }: { labId: string; objectKind: SharedObjectKind; objectId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const object = { labId, objectKind, objectId };
  const state = useQuery(trpc.sharing.of.queryOptions(object));
  const refresh = () => queryClient.invalidateQueries(trpc.sharing.of.queryFilter(object));
  const share = useMutation(trpc.sharing.share.mutationOptions({ onSuccess: refresh }));
  const unshare = useMutation(trpc.sharing.unshare.mutationOptions({ onSuccess: refresh }));
  const createLink = useMutation(trpc.sharing.createReviewLink.mutationOptions({ onSuccess: refresh }));
  const revoke = useMutation(trpc.sharing.revokeReviewLink.mutationOptions({ onSuccess: refresh }));
  const [grantee, setGrantee] = useState('');
  const [role, setRole] = useState<'viewer' | 'editor'>('viewer');

  const submitShare = (e: FormEvent) => {
    e.preventDefault();
    share.mutate({ ...object, granteeLabId: grantee.trim(), role }, { onSuccess: () => setGrantee('') });
  };
  const submitLink = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    createLink.mutate({
      ...object,
      label: String(form.get('label') ?? ''),
      expiresInDays: Number(form.get('days') ?? 30),
      password: String(form.get('password') ?? '') || undefined,
    });
  };
  const origin = typeof window === 'undefined' ? '' : window.location.origin;

  return (
    <Card title="Sharing">
      <form onSubmit={submitShare} className="row" aria-label="Share with a lab">
        <Field label="Lab ID" hint="Shown on the other lab's page">
          <Input value={grantee} onChange={(e) => setGrantee(e.target.value)} required placeholder="lab id" />
        </Field>
        <Field label="Role">
          <Select value={role} onChange={(e) => setRole(e.target.value as 'viewer' | 'editor')}>
            <option value="viewer">viewer (read only)</option>
            <option value="editor">editor (may annotate)</option>
          </Select>
        </Field>
        <Button type="submit" disabled={share.isPending || !grantee.trim()}>
          Share
        </Button>
      </form>
      <ErrorMessage error={share.error ?? unshare.error} />
      {state.data && state.data.shares.length > 0 && (
        <ul aria-label="Labs it is shared with">
          {state.data.shares.map((s) => (
            <li key={s.granteeLabId} className="row">
              {s.granteeName} <Badge>{s.role}</Badge>
              <Button variant="ghost" onClick={() => unshare.mutate({ ...object, granteeLabId: s.granteeLabId })} aria-label={`Stop sharing with ${s.granteeName}`}>
                Stop sharing
              </Button>
            </li>
          ))}
        </ul>
      )}

      <h3>Reviewer links</h3>
      <p className="muted">A read-only link that needs no account. Revoking it stops it at once.</p>
      <form onSubmit={submitLink} className="row" aria-label="Create a reviewer link">
        <Field label="Label">
          <Input name="label" placeholder="e.g. Reviewer 2" />
        </Field>
        <Field label="Valid for (days)">
          <Input name="days" type="number" min={1} max={365} defaultValue={30} />
        </Field>
        <Field label="Link password (optional)">
          <Input name="password" type="password" autoComplete="new-password" minLength={6} />
        </Field>
        <Button type="submit" disabled={createLink.isPending}>
          Create link
        </Button>
      </form>
      <ErrorMessage error={createLink.error ?? revoke.error} />
      {createLink.data && (
        <p role="status">
          Copy this link now, it is shown only once: <code data-testid="review-link">{`${origin}${createLink.data.path}`}</code>
        </p>
      )}
      {state.data && state.data.reviewLinks.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>Label</th>
              <th>Created</th>
              <th>Expires</th>
              <th>Status</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {state.data.reviewLinks.map((l) => (
              <tr key={l.id}>
                <td>
                  {l.label || '—'} {l.hasPassword && <Badge>password</Badge>}
                </td>
                <td>{formatDate(l.createdAt)}</td>
                <td>{formatDate(l.expiresAt)}</td>
                <td>
                  <Badge tone={l.status === 'open' ? 'success' : 'neutral'}>{l.status}</Badge>
                </td>
                <td>
                  {l.status === 'open' && (
                    <Button variant="danger" onClick={() => revoke.mutate({ labId, linkId: l.id })} aria-label={`Revoke link ${l.label || l.id}`}>
                      Revoke
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

/** Whether the caller edits as a member of the owning lab: only they share, publish and run analyses. */
export const isMemberEditor = (access: { role: string; via: string } | undefined) => access?.via === 'member' && access.role !== 'viewer';
