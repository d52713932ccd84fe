'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import Link from 'next/link';
import { useMemo, useState } from 'react';
import { useTRPC } from '../../../../_components/trpc';
import { Badge, Card, ErrorMessage, ProgressBar, Select } from '../../../../_components/ui';

/** Electrode level of a Level 1 analysis: every contact's per-category F1, sortable and filterable by region. */
export function AnalysisView({ labId, analysisId }: { labId: string; analysisId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const analysis = useQuery(trpc.analyses.get.queryOptions({ labId, analysisId }));
  const running = analysis.data?.status === 'running';
  useSubscription(
    trpc.jobs.live.subscriptionOptions(
      { labId },
      {
        enabled: running,
        onData: (changed) => {
          if (changed.some((j) => j.id === analysis.data?.jobId)) void queryClient.invalidateQueries(trpc.analyses.get.queryFilter({ labId, analysisId }));
        },
      },
    ),
  );
  const [region, setRegion] = useState('');
  const [sortBy, setSortBy] = useState<number | null>(null);
  const a = analysis.data;
  const regions = useMemo(() => [...new Set(a?.contacts.map((c) => c.region ?? '?'))].sort(), [a]);
  const contacts = useMemo(() => {
    const list = (a?.contacts ?? []).filter((c) => !region || (c.region ?? '?') === region);
    return sortBy === null ? list : [...list].sort((x, y) => y.f1[sortBy]! - x.f1[sortBy]!);
  }, [a, region, sortBy]);

  if (analysis.error) return <ErrorMessage error={analysis.error} />;
  if (!a) return <p className="muted">Loading…</p>;
  const summary = a.summary;
  const base = `/labs/${labId}/analyses/${analysisId}`;
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <p className="subtitle">
            <Link href="/labs">Labs</Link> / <Link href={`/labs/${labId}`}>Lab</Link> / <Link href={`/labs/${labId}/datasets/${a.datasetId}`}>{a.datasetName}</Link> /
          </p>
          <h1>{a.name}</h1>
          <p className="subtitle">
            Level 1 signatures · preset {String(a.params.preset)} · software {a.job?.softwareVersion ?? '?'}
          </p>
        </div>
        <Badge tone={a.status === 'ready' ? 'success' : a.status === 'failed' ? 'danger' : 'info'}>{a.status}</Badge>
      </div>
      {running && a.job && (
        <Card title="Running">
          <ProgressBar value={a.job.progress} label="Analysis progress" />
          <p className="muted">
            {a.job.step} · {a.contacts.length} contacts done
          </p>
        </Card>
      )}
      {a.job?.error && (
        <Card title="The analysis failed">
          <p className="error-message">{a.job.error}</p>
        </Card>
      )}
      {summary && (
        <Card title="Result">
          <p>
            A contact is <strong>predictive</strong> of a category when its cross-validated F1 exceeds <strong data-testid="threshold">{summary.threshold.toFixed(3)}</strong>,
            the {(100 * (1 - Number(a.params.nullP ?? 1e-5))).toFixed(3)}th percentile of {summary.nullValues} F1 values on shuffled labels (chance ≈{' '}
            {(1 / summary.categories.length).toFixed(3)}).
          </p>
          <table>
            <thead>
              <tr>
                <th>Category</th>
                <th>Predictive contacts</th>
                <th>Signatures</th>
              </tr>
            </thead>
            <tbody>
              {summary.categories.map((c) => (
                <tr key={c}>
                  <td>{c}</td>
                  <td>{summary.predictive[c]?.join(', ') || <span className="muted">none</span>}</td>
                  <td>{summary.clusters[c] && <Link href={`${base}/signatures/${encodeURIComponent(c)}`}>{summary.clusters[c].clusters.length} clusters</Link>}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>
            Downloads: <a href={`/api/labs/${labId}/analyses/${analysisId}/contacts.csv`}>contacts.csv</a> ·{' '}
            <a href={`/api/labs/${labId}/analyses/${analysisId}/importance.npy`}>importance.npy</a> (contacts × categories × frequencies × times)
          </p>
        </Card>
      )}
      <Card
        title={`Contacts (${a.contacts.length})`}
        actions={
          <div className="row">
            <Select aria-label="Filter by region" value={region} onChange={(e) => setRegion(e.target.value)}>
              <option value="">all regions</option>
              {regions.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </Select>
          </div>
        }
      >
        <div style={{ overflowX: 'auto' }}>
          <table aria-label="Contacts">
            <thead>
              <tr>
                <th>Contact</th>
                <th>Region</th>
                <th>Trials</th>
                {a.categories.map((c, i) => (
                  <th key={c}>
                    <button className="btn btn-ghost" onClick={() => setSortBy(i)} aria-label={`Sort by F1 of ${c}`}>
                      {c}
                      {sortBy === i ? ' ▼' : ''}
                    </button>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {contacts.map((c) => (
                <tr key={c.channelIndex}>
                  <td>
                    <Link href={`${base}/contacts/${c.channelIndex}`}>{c.name}</Link>
                  </td>
                  <td>{c.region ?? '—'}</td>
                  <td>{c.nTrials}</td>
                  {c.f1.map((f, i) => (
                    <td key={i} className="mono" style={c.predictive?.[i] ? { fontWeight: 700, background: '#e5e9ff' } : undefined}>
                      {f.toFixed(2)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p className="muted">F1 per category from stratified cross-validated predictions; bold: predictive.</p>
      </Card>
    </div>
  );
}
