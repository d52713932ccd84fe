'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import type { LabRole } from '@/db/schema';
import { useTRPC } from '../../_components/trpc';
import { UploadFiles } from '../../_components/upload-files';
import { Badge, Button, Card, Empty, ErrorMessage, Field, Input, Select, formatDate } from '../../_components/ui';
import { SharedWithLab } from '../../_components/collaboration/shared-with-lab';
import { StateSpaceCard } from './statespace-card';

const can = (role: LabRole | undefined, needed: LabRole) =>
  role !== undefined && ['viewer', 'editor', 'owner'].indexOf(role) >= ['viewer', 'editor', 'owner'].indexOf(needed);

export function LabOverview({ labId, userId }: { labId: string; userId: string }) {
  const trpc = useTRPC();
  const lab = useQuery(trpc.labs.get.queryOptions({ labId }));
  if (lab.error) {
    return (
      <Card title="Lab not found">
        <ErrorMessage error={lab.error} />
        <Link href="/labs">Back to your labs</Link>
      </Card>
    );
  }
  if (!lab.data) return <p className="muted">Loading…</p>;
  const role = lab.data.role;
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <p className="subtitle">
            <Link href="/labs">Labs</Link> /
          </p>
          <h1>{lab.data.name}</h1>
          {lab.data.description && <p className="subtitle">{lab.data.description}</p>}
        </div>
        <div className="row">
          <Badge tone="info">you are {role}</Badge>
          <Link className="btn btn-secondary" href={`/labs/${labId}/jobs`}>
            Jobs
          </Link>
          <Link className="btn btn-secondary" href={`/labs/${labId}/catalogue`}>
            Catalogue
          </Link>
          <Link className="btn btn-secondary" href={`/labs/${labId}/annotations`}>
            Annotations
          </Link>
        </div>
      </div>
      <Datasets labId={labId} role={role} />
      <Analyses labId={labId} />
      <StateSpaceCard labId={labId} canEdit={can(role, 'editor')} />
      <SharedWithLab labId={labId} />
      {can(role, 'editor') && <UploadRecording labId={labId} />}
      <div className="grid">
        <Members labId={labId} role={role} userId={userId} />
        {can(role, 'owner') && <Invitations labId={labId} />}
      </div>
      <AuditLog labId={labId} />
    </div>
  );
}

function Datasets({ labId, role }: { labId: string; role: LabRole }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const datasets = useQuery(trpc.datasets.list.queryOptions({ labId }));
  const remove = useMutation(
    trpc.datasets.delete.mutationOptions({ onSuccess: () => queryClient.invalidateQueries(trpc.datasets.list.queryFilter({ labId })) }),
  );
  return (
    <Card title="Datasets" actions={can(role, 'editor') && <Link href={`/labs/${labId}/jobs`}>Generate a synthetic dataset</Link>}>
      <ErrorMessage error={datasets.error ?? remove.error} />
      {datasets.data?.length === 0 && <Empty>No datasets yet.</Empty>}
      {datasets.data && datasets.data.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Epochs × channels × samples</th>
              <th>sfreq</th>
              <th>Categories</th>
              <th>Added</th>
              {can(role, 'editor') && <th />}
            </tr>
          </thead>
          <tbody>
            {datasets.data.map((d) => (
              <tr key={d.id}>
                <td>
                  <Link href={`/labs/${labId}/datasets/${d.id}`}>{d.name}</Link> <Badge>{d.kind === 'raw' ? (d.format ?? 'recording') : 'epochs'}</Badge>{' '}
                  {d.status !== 'ready' && <Badge tone={d.status === 'failed' ? 'danger' : 'info'}>{d.status}</Badge>}
                </td>
                <td className="mono">
                  {d.nEpochs} × {d.nChannels} × {d.nTimes}
                </td>
                <td>{d.sfreq} Hz</td>
                <td>{d.categories.join(', ')}</td>
                <td>{formatDate(d.createdAt)}</td>
                {can(role, 'editor') && (
                  <td>
                    <Button
                      variant="danger"
                      aria-label={`Delete dataset ${d.name}`}
                      disabled={remove.isPending}
                      onClick={() => confirm(`Delete the dataset "${d.name}"?`) && remove.mutate({ labId, datasetId: d.id })}
                    >
                      Delete
                    </Button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}

function Analyses({ labId }: { labId: string }) {
  const trpc = useTRPC();
  const analyses = useQuery(trpc.analyses.list.queryOptions({ labId }));
  if (!analyses.data?.length) return null;
  return (
    <Card title="Analyses">
      <table>
        <tbody>
          {analyses.data.map((a) => (
            <tr key={a.id}>
              <td>
                <Link href={`/labs/${labId}/analyses/${a.id}`}>{a.name}</Link>
              </td>
              <td className="muted">of {a.datasetName}</td>
              <td>
                <Badge tone={a.status === 'ready' ? 'success' : a.status === 'failed' ? 'danger' : 'info'}>{a.status}</Badge>
              </td>
              <td className="muted">{formatDate(a.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}

function UploadRecording({ labId }: { labId: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [name, setName] = useState('');
  const importUploads = useMutation(trpc.datasets.importUploads.mutationOptions({ onSuccess: (r) => router.push(`/labs/${labId}/datasets/${r.datasetId}`) }));
  return (
    <Card title="Upload a recording">
      <p className="muted">
        EDF/EDF+, BDF, BrainVision (choose the .vhdr, .vmrk and .eeg together) or NumPy epochs (.npz). Uploads resume after a reload or a
        dropped connection: choose the same files again.
      </p>
      <Field label="Dataset name">
        <Input value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. Patient 7, session 2" />
      </Field>
      <UploadFiles
        labId={labId}
        label="Upload and ingest"
        onDone={(uploadIds, names) => importUploads.mutate({ labId, uploadIds, name: name.trim() || names[0]!.replace(/\.[^.]+$/, '') })}
      />
      {importUploads.isPending && <p className="muted">Storing the files…</p>}
      <ErrorMessage error={importUploads.error} />
    </Card>
  );
}

function Members({ labId, role, userId }: { labId: string; role: LabRole; userId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const members = useQuery(trpc.labs.members.queryOptions({ labId }));
  const refresh = () => queryClient.invalidateQueries(trpc.labs.members.queryFilter({ labId }));
  const setRole = useMutation(trpc.labs.setRole.mutationOptions({ onSuccess: refresh }));
  const removeMember = useMutation(trpc.labs.removeMember.mutationOptions({ onSuccess: refresh }));
  const isOwner = can(role, 'owner');
  return (
    <Card title="Members">
      <ErrorMessage error={members.error ?? setRole.error ?? removeMember.error} />
      <table>
        <tbody>
          {members.data?.map((m) => (
            <tr key={m.userId}>
              <td>
                {m.name ?? m.email} {m.userId === userId && <span className="muted">(you)</span>}
                <div className="muted">{m.email}</div>
              </td>
              <td>
                {isOwner ? (
                  <Select
                    aria-label={`Role of ${m.name ?? m.email}`}
                    value={m.role}
                    onChange={(e) => setRole.mutate({ labId, userId: m.userId, role: e.target.value as LabRole })}
                  >
                    <option value="viewer">viewer</option>
                    <option value="editor">editor</option>
                    <option value="owner">owner</option>
                  </Select>
                ) : (
                  <Badge>{m.role}</Badge>
                )}
              </td>
              {isOwner && (
                <td>
                  {m.userId !== userId && (
                    <Button variant="ghost" onClick={() => removeMember.mutate({ labId, userId: m.userId })}>
                      Remove
                    </Button>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}

function Invitations({ labId }: { labId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const invitations = useQuery(trpc.invitations.list.queryOptions({ labId }));
  const refresh = () => queryClient.invalidateQueries(trpc.invitations.list.queryFilter({ labId }));
  const [link, setLink] = useState<string | null>(null);
  const [role, setRole] = useState<LabRole>('viewer');
  const create = useMutation(
    trpc.invitations.create.mutationOptions({
      onSuccess: (inv) => {
        setLink(`${window.location.origin}/invite/${inv.token}`);
        void refresh();
      },
    }),
  );
  const revoke = useMutation(trpc.invitations.revoke.mutationOptions({ onSuccess: refresh }));
  const tone = { open: 'info', accepted: 'success', expired: 'warning', revoked: 'danger' } as const;
  return (
    <Card title="Invitations">
      <div className="row">
        <Field label="Role for the new member">
          <Select value={role} onChange={(e) => setRole(e.target.value as LabRole)}>
            <option value="viewer">viewer (read only)</option>
            <option value="editor">editor</option>
            <option value="owner">owner</option>
          </Select>
        </Field>
        <Button onClick={() => create.mutate({ labId, role, expiresInDays: 7, note: '' })} disabled={create.isPending}>
          Create invitation link
        </Button>
      </div>
      {link && (
        <Field label="Send this link (valid 7 days, single use)">
          <div className="copy-box">
            <input className="input" readOnly value={link} aria-label="Invitation link" onFocus={(e) => e.target.select()} />
            <Button variant="secondary" onClick={() => void navigator.clipboard?.writeText(link)}>
              Copy
            </Button>
          </div>
        </Field>
      )}
      <ErrorMessage error={create.error ?? revoke.error ?? invitations.error} />
      <table>
        <tbody>
          {invitations.data?.map((i) => (
            <tr key={i.id}>
              <td>
                <Badge>{i.role}</Badge>
              </td>
              <td>
                <Badge tone={tone[i.status as keyof typeof tone]}>{i.status}</Badge>
                {i.acceptedByName && <span className="muted"> by {i.acceptedByName}</span>}
              </td>
              <td className="muted">expires {formatDate(i.expiresAt)}</td>
              <td>
                {i.status === 'open' && (
                  <Button variant="ghost" onClick={() => revoke.mutate({ labId, invitationId: i.id })}>
                    Revoke
                  </Button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}

function AuditLog({ labId }: { labId: string }) {
  const trpc = useTRPC();
  const audit = useQuery(trpc.labs.audit.queryOptions({ labId }));
  return (
    <Card title="Activity">
      <ErrorMessage error={audit.error} />
      {audit.data?.length === 0 && <Empty>Nothing yet.</Empty>}
      <table>
        <tbody>
          {audit.data?.slice(0, 30).map((e) => (
            <tr key={e.id}>
              <td className="muted">{formatDate(e.at)}</td>
              <td>{e.actorName ?? e.actorEmail ?? 'someone'}</td>
              <td className="mono">{e.action}</td>
              <td className="muted">
                {e.objectType} {e.objectId.slice(0, 8)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}
