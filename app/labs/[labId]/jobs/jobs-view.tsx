'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import type { JobState } from '@/db/schema';
import { useTRPC } from '../../../_components/trpc';
import { Badge, Button, Card, Empty, ErrorMessage, Field, Input, ProgressBar, formatDate } from '../../../_components/ui';

const stateTone: Record<JobState, 'neutral' | 'info' | 'success' | 'danger' | 'warning'> = {
  queued: 'neutral',
  running: 'info',
  succeeded: 'success',
  failed: 'danger',
  cancelled: 'warning',
};

export function JobsView({ labId }: { labId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const lab = useQuery(trpc.labs.get.queryOptions({ labId }));
  const jobs = useQuery(trpc.jobs.list.queryOptions({ labId }));
  // ?job= (the inbox's link to a finished job) opens that job's details.
  const [open, setOpen] = useState<string | null>(useSearchParams().get('job'));

  // Live updates: merge each changed job into the cached list as it arrives.
  const live = useSubscription(
    trpc.jobs.live.subscriptionOptions(
      { labId },
      {
        enabled: Boolean(lab.data),
        onData: (changed) => {
          queryClient.setQueryData(trpc.jobs.list.queryKey({ labId }), (old) => {
            if (!old) return old;
            const byId = new Map(old.map((j) => [j.id, j]));
            let added = false;
            for (const job of changed) {
              if (!byId.has(job.id)) added = true;
              byId.set(job.id, { ...byId.get(job.id), ...job });
            }
            const list = [...byId.values()];
            return added ? list.sort((a, b) => +new Date(b.createdAt) - +new Date(a.createdAt)) : list;
          });
          for (const job of changed) {
            queryClient.setQueryData(trpc.jobs.get.queryKey({ labId, jobId: job.id }), (old) => (old ? { ...old, ...job } : old));
            if (job.state === 'succeeded') void queryClient.invalidateQueries(trpc.datasets.list.queryFilter({ labId }));
          }
        },
      },
    ),
  );

  const canEdit = lab.data?.role === 'editor' || lab.data?.role === 'owner';
  const cancel = useMutation(trpc.jobs.cancel.mutationOptions());
  const retry = useMutation(trpc.jobs.retry.mutationOptions());

  if (lab.error) return <ErrorMessage error={lab.error} />;
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <p className="subtitle">
            <Link href="/labs">Labs</Link> / <Link href={`/labs/${labId}`}>{lab.data?.name ?? '…'}</Link> /
          </p>
          <h1>Jobs</h1>
        </div>
        <Badge tone={live.status === 'pending' ? 'success' : live.status === 'error' ? 'danger' : 'neutral'}>
          {live.status === 'pending' ? 'live' : live.status === 'connecting' ? 'connecting…' : live.status}
        </Badge>
      </div>
      {canEdit && <SynthesizeForm labId={labId} />}
      <Card title="All jobs">
        <ErrorMessage error={jobs.error ?? cancel.error ?? retry.error} />
        {jobs.data?.length === 0 && <Empty>No jobs yet.</Empty>}
        {jobs.data && jobs.data.length > 0 && (
          <table>
            <thead>
              <tr>
                <th>Job</th>
                <th>State</th>
                <th style={{ width: '30%' }}>Progress</th>
                <th>Started</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {jobs.data.map((job) => (
                <tr key={job.id} data-job-id={job.id}>
                  <td>
                    <Button variant="ghost" onClick={() => setOpen(open === job.id ? null : job.id)} aria-expanded={open === job.id}>
                      {job.title}
                    </Button>
                    {job.attempt > 1 && <span className="muted"> attempt {job.attempt}</span>}
                    {open === job.id && <JobDetail labId={labId} jobId={job.id} />}
                  </td>
                  <td>
                    <Badge tone={stateTone[job.state]}>{job.state}</Badge>
                  </td>
                  <td>
                    <ProgressBar value={job.progress} label={`Progress of ${job.title}`} />
                    <div className="muted">{job.step}</div>
                    {job.error && <p className="error-message">{job.error}</p>}
                  </td>
                  <td className="muted">{job.startedAt ? formatDate(job.startedAt) : '—'}</td>
                  <td>
                    {canEdit && (job.state === 'queued' || job.state === 'running') && (
                      <Button variant="danger" onClick={() => cancel.mutate({ labId, jobId: job.id })}>
                        Cancel
                      </Button>
                    )}
                    {canEdit && (job.state === 'failed' || job.state === 'cancelled') && (
                      <Button variant="secondary" onClick={() => retry.mutate({ labId, jobId: job.id })}>
                        Retry
                      </Button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </div>
  );
}

function JobDetail({ labId, jobId }: { labId: string; jobId: string }) {
  const trpc = useTRPC();
  const job = useQuery(trpc.jobs.get.queryOptions({ labId, jobId }));
  if (!job.data) return <p className="muted">Loading…</p>;
  const j = job.data;
  return (
    <div className="stack" style={{ marginTop: '0.5rem' }}>
      {j.error && (
        <div>
          <strong>Error:</strong> {j.error}
          {j.errorCause && <pre className="log">{j.errorCause}</pre>}
        </div>
      )}
      <div className="muted">
        kind <code>{j.kind}</code> · software {j.softwareVersion} · parameters <code>{JSON.stringify(j.params)}</code>
      </div>
      <pre className="log" aria-label="Job log">
        {j.log.map((l) => `${l.at.slice(11, 19)} ${l.level.padEnd(5)} ${l.message}`).join('\n')}
      </pre>
    </div>
  );
}

function SynthesizeForm({ labId }: { labId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const start = useMutation(
    trpc.jobs.synthesize.mutationOptions({ onSuccess: () => queryClient.invalidateQueries(trpc.jobs.list.queryFilter({ labId })) }),
  );
  const [name, setName] = useState('Synthetic iEEG');
  const [seed, setSeed] = useState(1);
  const [trials, setTrials] = useState(30);
  function onSubmit(event: FormEvent) {
    event.preventDefault();
    start.mutate({ labId, name, seed, trialsPerCategory: trials });
  }
  return (
    <Card title="Generate a synthetic dataset">
      <p className="muted">
        Intracranial epochs at 512 Hz with planted category signatures and a ground-truth file, to try analyses on data whose answer is known.
      </p>
      <form onSubmit={onSubmit} className="row">
        <Field label="Dataset name">
          <Input value={name} onChange={(e) => setName(e.target.value)} required />
        </Field>
        <Field label="Seed">
          <Input type="number" value={seed} onChange={(e) => setSeed(Number(e.target.value))} min={0} />
        </Field>
        <Field label="Trials per category">
          <Input type="number" value={trials} onChange={(e) => setTrials(Number(e.target.value))} min={2} max={200} />
        </Field>
        <Button type="submit" disabled={start.isPending}>
          Start job
        </Button>
      </form>
      <ErrorMessage error={start.error} />
    </Card>
  );
}
