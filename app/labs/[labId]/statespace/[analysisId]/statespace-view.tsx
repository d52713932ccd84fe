'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import Link from 'next/link';
import { useMemo } from 'react';
import { StateMapAnnotations } from '../../../../_components/annotations/picked-annotations';
import { ActionLegend, StateMap, actionColors } from '../../../../_components/state-map-view';
import { useTRPC } from '../../../../_components/trpc';
import { Badge, Card, ErrorMessage, ProgressBar } from '../../../../_components/ui';
import { isMemberEditor, ShareCard } from '@/app/_components/collaboration/share-card';

const f2 = (v: number) => v.toFixed(2);
const f3 = (v: number) => v.toFixed(3);

/** An offline state-space analysis: the map with every labelled window on it, accuracy against chance, confusion, separability. */
export function StatespaceView({ labId, analysisId }: { labId: string; analysisId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const analysis = useQuery(trpc.statespace.analysis.queryOptions({ labId, analysisId }));
  const a = analysis.data;
  useSubscription(
    trpc.jobs.live.subscriptionOptions(
      { labId },
      {
        enabled: a?.status === 'running',
        onData: (changed) => {
          if (changed.some((j) => j.id === a?.jobId)) void queryClient.invalidateQueries(trpc.statespace.analysis.queryFilter({ labId, analysisId }));
        },
      },
    ),
  );
  const classes = useMemo(() => a?.metrics?.classes ?? [], [a?.metrics?.classes]);
  const colorOf = useMemo(() => actionColors(classes), [classes]);
  const windows = a?.windows;
  const dots = useMemo(
    () => (windows ? windows.labels.map((k, i) => ({ x: windows.positions[2 * i]!, y: windows.positions[2 * i + 1]!, action: classes[k]! })) : undefined),
    [windows, classes],
  );

  if (analysis.error) return <ErrorMessage error={analysis.error} />;
  if (!a) return <p className="muted">Loading…</p>;
  const m = a.metrics;
  const files = `/api/labs/${labId}/statespace/${analysisId}`;
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <p className="subtitle">
            <Link href="/labs">Labs</Link> / <Link href={`/labs/${labId}`}>Lab</Link> / <Link href={`/labs/${labId}/datasets/${a.datasetId}`}>{a.datasetName}</Link> /
          </p>
          <h1>{a.name}</h1>
          <p className="subtitle">Level 3 mental state map · software {a.job?.softwareVersion ?? '?'}</p>
        </div>
        <Badge tone={a.status === 'ready' ? 'success' : a.status === 'failed' ? 'danger' : 'info'}>{a.job?.state === 'cancelled' ? 'cancelled' : a.status}</Badge>
      </div>
      {a.status === 'running' && a.job && (
        <Card title="Running">
          <ProgressBar value={a.job.progress} label="Analysis progress" />
          <p className="muted">{a.job.step}</p>
        </Card>
      )}
      {a.job?.error && (
        <Card title="The analysis failed">
          <p className="error-message">{a.job.error}</p>
          <p className="muted">
            Fix the parameters and start it again from the recording&apos;s page, or <Link href={`/labs/${labId}/jobs`}>retry the job</Link>.
          </p>
        </Card>
      )}
      {m && (
        <>
          <Card title="Result">
            <p>
              Used as a classifier, the map is right for <strong data-testid="accuracy">{f3(m.crossValidation.accuracy)}</strong> of the windows ({m.crossValidation.nSplits}-fold
              cross-validation over trials: every fold trains its own map), against <strong data-testid="chance">{f3(m.chance.mean)}</strong> ± {f3(m.chance.sd)} on{' '}
              {m.chance.nShuffles} shuffles of the trials&apos; labels (95th percentile {f3(m.chance.p95)}).
            </p>
            <p className="muted">
              {m.nWindows} windows of {m.features.windowS} s every {m.features.hopS * 1000} ms inside {m.nTrials} trials ({Object.entries(m.windowsPerClass)
                .map(([c, n]) => `${c} ${n}`)
                .join(', ')}
              ); {m.features.channels.length} channels × {m.features.bands.length} bands = {m.features.nFeatures} log band powers. Quantisation error {f2(m.quantisationError)},
              topographic error {f3(m.topographicError)}.
            </p>
            <p>
              Downloads: <a href={`${files}/metrics.json`}>metrics.json</a> · <a href={`${files}/map.json`}>map.json</a> · <a href={`${files}/map.onnx`}>map.onnx</a> (features →
              position, node, posterior)
            </p>
          </Card>
          <div className="grid">
            <Card title="Map">
              <StateMap map={a.map} colorOf={colorOf} dots={dots} label="State-space map with windows" />
              <ActionLegend actions={classes} colorOf={colorOf} />
              <p className="muted">Cells: the action with most windows there (shaded by how many). Dots: every window at its position.</p>
            </Card>
            <div className="stack">
              <Card title="Confusion matrix">
                <table aria-label="Confusion matrix">
                  <thead>
                    <tr>
                      <th>true \ predicted</th>
                      {classes.map((c) => (
                        <th key={c}>{c}</th>
                      ))}
                      <th>F1</th>
                    </tr>
                  </thead>
                  <tbody>
                    {m.crossValidation.confusion.map((row, i) => (
                      <tr key={classes[i]}>
                        <th>{classes[i]}</th>
                        {row.map((v, j) => (
                          <td key={j} className="mono" style={{ fontWeight: i === j ? 700 : 400 }}>
                            {v}
                          </td>
                        ))}
                        <td className="mono">{f2(m.crossValidation.f1[classes[i]!] ?? 0)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </Card>
              <Card title="Separability">
                <table aria-label="Separability">
                  <thead>
                    <tr>
                      <th>Classes</th>
                      <th title="Bhattacharyya coefficient of the territories: 1 = the same place">Overlap</th>
                      <th title="Cross-validated accuracy of telling the two apart; chance 0.5">Pair accuracy</th>
                    </tr>
                  </thead>
                  <tbody>
                    {m.separability.map((p) => (
                      <tr key={`${p.a}|${p.b}`}>
                        <td>
                          {p.a} · {p.b}
                        </td>
                        <td className="mono">{f2(p.overlap)}</td>
                        <td className="mono">{f2(p.accuracy)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </Card>
            </div>
          </div>
        </>
      )}
      {classes.length > 0 && <StateMapAnnotations labId={labId} analysisId={analysisId} access={a.access} actions={classes} />}
      {isMemberEditor(a.access) && <ShareCard labId={labId} objectKind="statespace" objectId={analysisId} />}
    </div>
  );
}
