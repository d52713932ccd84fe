'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useTRPC } from '../../_components/trpc';
import { Badge, Button, Card, Empty, ErrorMessage, Input, formatDate } from '../../_components/ui';
import { handOverToken } from './sessions/[sessionId]/session-view';

/** Level 3 in a lab: live sessions and offline state-space analyses; a new device session; the synthetic EEG. */
export function StateSpaceCard({ labId, canEdit }: { labId: string; canEdit: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const sessions = useQuery(trpc.statespace.sessions.queryOptions({ labId }));
  const analyses = useQuery(trpc.statespace.analyses.queryOptions({ labId }));
  const [name, setName] = useState('');
  const device = useMutation(
    trpc.statespace.createSession.mutationOptions({
      onSuccess: (r) => {
        if (r.token) handOverToken(r.sessionId, r.token);
        router.push(`/labs/${labId}/sessions/${r.sessionId}`);
      },
    }),
  );
  const synthesize = useMutation(trpc.statespace.synthesizeEeg.mutationOptions());
  return (
    <Card title="Mental state space (Level 3)">
      <p className="muted">Replay sessions and offline analyses start from a recording&apos;s page; a device session takes frames from an EEG bridge.</p>
      <ErrorMessage error={sessions.error ?? analyses.error ?? device.error ?? synthesize.error} />
      {sessions.data?.length === 0 && analyses.data?.length === 0 && <Empty>No sessions or state-space analyses yet.</Empty>}
      {sessions.data && sessions.data.length > 0 && (
        <table aria-label="Live sessions">
          <tbody>
            {sessions.data.map((s) => (
              <tr key={s.id}>
                <td>
                  <Link href={`/labs/${labId}/sessions/${s.id}`}>{s.name}</Link> <Badge>{s.source === 'replay' ? 'replay' : 'device'}</Badge>{' '}
                  {s.status === 'closed' && <Badge>closed</Badge>}
                </td>
                <td className="muted">{s.datasetName ?? ''}</td>
                <td>{s.actions.join(', ')}</td>
                <td className="muted">{formatDate(s.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {analyses.data && analyses.data.length > 0 && (
        <table aria-label="State-space analyses">
          <tbody>
            {analyses.data.map((a) => (
              <tr key={a.id}>
                <td>
                  <Link href={`/labs/${labId}/statespace/${a.id}`}>{a.name}</Link>
                </td>
                <td className="muted">of {a.datasetName}</td>
                <td className="mono">
                  {a.metrics && `accuracy ${a.metrics.crossValidation.accuracy.toFixed(2)} vs chance ${a.metrics.chance.mean.toFixed(2)}`}
                </td>
                <td>
                  <Badge tone={a.status === 'ready' ? 'success' : a.status === 'failed' ? 'danger' : 'info'}>{a.status}</Badge>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canEdit && (
        <div className="row" style={{ marginTop: '0.75rem' }}>
          <form
            className="row"
            onSubmit={(e) => {
              e.preventDefault();
              device.mutate({ labId, name: name.trim() || 'EEG cap', source: 'device', actions: [] });
            }}
          >
            <Input aria-label="Device session name" placeholder="e.g. Pilot 3, cap 64" value={name} onChange={(e) => setName(e.target.value)} />
            <Button type="submit" variant="secondary" disabled={device.isPending}>
              New device session
            </Button>
          </form>
          <Button
            variant="ghost"
            onClick={() => synthesize.mutate({ labId, name: 'Synthetic EEG (motor imagery)', seed: 1, trialsPerClass: 20 })}
            disabled={synthesize.isPending || synthesize.isSuccess}
          >
            Generate a synthetic EEG recording
          </Button>
          {synthesize.isSuccess && (
            <span role="status" className="muted">
              Started: it appears under Datasets when the job is done.
            </span>
          )}
        </div>
      )}
    </Card>
  );
}
