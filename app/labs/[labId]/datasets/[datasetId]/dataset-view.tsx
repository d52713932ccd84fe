'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useMemo, useState, type FormEvent } from 'react';
import { EventChoice } from '../../../../_components/event-choice';
import { SignalBrowser } from '../../../../_components/signal-browser';
import { useTRPC } from '../../../../_components/trpc';
import { UploadFiles } from '../../../../_components/upload-files';
import { Badge, Button, Card, Empty, ErrorMessage, Field, Input, ProgressBar, Select, formatDate } from '../../../../_components/ui';
import { RsaForms } from './rsa-forms';
import { StateSpaceForms } from './statespace-forms';
import { isMemberEditor, ShareCard } from '@/app/_components/collaboration/share-card';

const fmt = (v: number | null) => (v === null ? '—' : v.toFixed(1));

export function DatasetView({ labId, datasetId }: { labId: string; datasetId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const lab = useQuery(trpc.labs.get.queryOptions({ labId }));
  const dataset = useQuery(trpc.datasets.get.queryOptions({ labId, datasetId }));
  const ready = dataset.data?.status === 'ready';
  const eventsQuery = useQuery({ ...trpc.datasets.events.queryOptions({ labId, datasetId }), enabled: ready });
  const refresh = () => queryClient.invalidateQueries(trpc.datasets.get.queryFilter({ labId, datasetId }));
  const ingesting = dataset.data?.status === 'ingesting';
  const jobId = dataset.data?.lastJob?.id;
  useSubscription(
    trpc.jobs.live.subscriptionOptions(
      { labId },
      {
        enabled: ingesting && Boolean(jobId),
        onData: (changed) => {
          const job = changed.find((j) => j.id === jobId);
          if (!job) return;
          queryClient.setQueryData(trpc.datasets.get.queryKey({ labId, datasetId }), (old) => (old ? { ...old, lastJob: { ...job } } : old));
          if (job.state !== 'queued' && job.state !== 'running') void refresh();
        },
      },
    ),
  );
  const reingest = useMutation(trpc.datasets.reingest.mutationOptions({ onSuccess: refresh }));
  const addFiles = useMutation(trpc.datasets.addFiles.mutationOptions({ onSuccess: refresh }));

  if (dataset.error) return <ErrorMessage error={dataset.error} />;
  const d = dataset.data;
  if (!d) return <p className="muted">Loading…</p>;
  const canEdit = lab.data?.role === 'editor' || lab.data?.role === 'owner';
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <p className="subtitle">
            <Link href="/labs">Labs</Link> / <Link href={`/labs/${labId}`}>{lab.data?.name ?? '…'}</Link> /
          </p>
          <h1>{d.name}</h1>
          <p className="subtitle">
            {d.kind === 'raw'
              ? `${d.format ?? 'Recording'} · ${d.nChannels} channels · ${d.sfreq} Hz · ${(d.nTimes / (d.sfreq || 1)).toFixed(1)} s`
              : `${d.nEpochs} epochs × ${d.nChannels} channels × ${d.nTimes} samples at ${d.sfreq} Hz, tmin ${d.tmin} s`}
            {d.measDate && ` · recorded ${formatDate(d.measDate)}`}
          </p>
        </div>
        <Badge tone={d.status === 'ready' ? 'success' : d.status === 'failed' ? 'danger' : 'info'}>{d.status}</Badge>
      </div>

      {ingesting && (
        <Card title="Ingesting">
          <ProgressBar value={d.lastJob?.progress ?? 0} label="Ingest progress" />
          <p className="muted">{d.lastJob?.step ?? 'Waiting for a worker'}</p>
        </Card>
      )}
      {d.status === 'failed' && (
        <Card title="This upload could not be read">
          <p className="error-message" role="alert">
            {d.error}
          </p>
          <p className="muted">The uploaded files are kept unchanged. Fix them and upload the corrected or missing files here, or ingest again.</p>
          {canEdit && (
            <>
              <UploadFiles labId={labId} label="Upload corrected files" onDone={(uploadIds) => addFiles.mutate({ labId, datasetId, uploadIds })} />
              <Button variant="secondary" onClick={() => reingest.mutate({ labId, datasetId })} disabled={reingest.isPending}>
                Ingest again
              </Button>
            </>
          )}
          <ErrorMessage error={reingest.error ?? addFiles.error} />
        </Card>
      )}

      {ready && d.hasSignal && (
        <Card title="Signals">
          <SignalBrowser
            labId={labId}
            datasetId={datasetId}
            sfreq={d.sfreq}
            nSamples={d.nTimes}
            channels={d.channels}
            events={eventsQuery.data ?? []}
          />
        </Card>
      )}

      {ready && d.kind === 'raw' && canEdit && eventsQuery.data && eventsQuery.data.length > 0 && (
        <EpochForm labId={labId} datasetId={datasetId} name={d.name} events={eventsQuery.data} />
      )}
      {ready && d.kind === 'raw' && d.hasSignal && canEdit && eventsQuery.data && <StateSpaceForms labId={labId} datasetId={datasetId} name={d.name} events={eventsQuery.data} />}

      <div className="grid">
        <Card title={`Channels (${d.channels.length})`}>
          {d.channels.length === 0 ? (
            <Empty>No channels yet.</Empty>
          ) : (
            <div style={{ maxHeight: 420, overflow: 'auto' }}>
              <table>
                <thead>
                  <tr>
                    <th>Name</th>
                    <th>Type</th>
                    <th>Unit</th>
                    <th>Position (mm)</th>
                    <th>Frame</th>
                    <th>Region</th>
                    <th>AAL</th>
                  </tr>
                </thead>
                <tbody>
                  {d.channels.map((c) => (
                    <tr key={c.index}>
                      <td className="mono">{c.name}</td>
                      <td>{c.type}</td>
                      <td>{c.unit}</td>
                      <td className="mono">{c.x === null ? '—' : `${fmt(c.x)}, ${fmt(c.y)}, ${fmt(c.z)}`}</td>
                      <td>{c.coordFrame === 'unknown' ? <span className="muted">unknown</span> : c.coordFrame}</td>
                      <td>{c.region ?? c.location ?? '—'}</td>
                      <td>
                        {c.aal ?? '—'}
                        {c.atlasDistanceMm ? <span className="muted"> ({c.atlasDistanceMm.toFixed(1)} mm away)</span> : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Card>
        {d.kind === 'raw' && (
          <Card title={`Events (${eventsQuery.data?.length ?? 0})`}>
            {eventsQuery.data?.length === 0 && <Empty>No events in this recording.</Empty>}
            {eventsQuery.data && eventsQuery.data.length > 0 && (
              <div style={{ maxHeight: 420, overflow: 'auto' }}>
                <table aria-label="Events">
                  <thead>
                    <tr>
                      <th>Onset (s)</th>
                      <th>Duration (s)</th>
                      <th>Description</th>
                    </tr>
                  </thead>
                  <tbody>
                    {eventsQuery.data.map((e) => (
                      <tr key={e.index}>
                        <td className="mono">{e.onset.toFixed(3)}</td>
                        <td className="mono">{e.duration.toFixed(3)}</td>
                        <td>{e.description}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </Card>
        )}
      </div>
      {ready && d.kind === 'epochs' && canEdit && d.categories.length > 1 && <SignaturesForm labId={labId} datasetId={datasetId} name={d.name} />}
      {ready && d.kind === 'epochs' && canEdit && <RsaForms labId={labId} datasetId={datasetId} name={d.name} hasStimuli={Boolean(d.blobs.stimuli)} />}

      {ready && canEdit && d.channels.length > 0 && <ElectrodesForm labId={labId} datasetId={datasetId} onDone={refresh} />}

      <Card title="Files">
        <table>
          <tbody>
            {d.files.map((f) => (
              <tr key={f.key}>
                <td className="mono">{f.name}</td>
                <td>{(f.size / 1e6).toFixed(2)} MB</td>
                <td className="mono muted">sha256 {f.key.slice(0, 16)}…</td>
              </tr>
            ))}
          </tbody>
        </table>
        {d.files.length === 0 && <Empty>Generated in Brainglass (no uploaded files).</Empty>}
      </Card>
      {isMemberEditor(d.access) && <ShareCard labId={labId} objectKind="dataset" objectId={datasetId} />}
    </div>
  );
}

/** Cut the recording into epochs around chosen events (METHODS.md preprocessing), as a job. */
function EpochForm({ labId, datasetId, name, events }: { labId: string; datasetId: string; name: string; events: { description: string }[] }) {
  const trpc = useTRPC();
  const counts = useMemo(() => {
    const m = new Map<string, number>();
    for (const e of events) m.set(e.description, (m.get(e.description) ?? 0) + 1);
    return [...m];
  }, [events]);
  const [chosen, setChosen] = useState<string[]>([]);
  const make = useMutation(trpc.datasets.makeEpochs.mutationOptions());
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const num = (key: string) => (String(f.get(key) ?? '').trim() === '' ? null : Number(f.get(key)));
    make.mutate({
      labId,
      sourceDatasetId: datasetId,
      name: String(f.get('name')),
      events: chosen,
      tmin: num('tmin') ?? -0.5,
      tmax: num('tmax') ?? 1,
      baseline: f.get('baseline') ? [num('tmin') ?? -0.5, 0] : null,
      lFreq: num('lFreq'),
      hFreq: num('hFreq'),
      lineFreq: num('lineFreq'),
      bipolar: Boolean(f.get('bipolar')),
      rejectFactor: f.get('reject') ? 10 : null,
    });
  };
  return (
    <Card title="Make epochs">
      <form onSubmit={onSubmit}>
        <EventChoice legend="Events to cut around (each becomes a category)" counts={counts} chosen={chosen} onChange={setChosen} />
        <div className="row">
          <Field label="Name">
            <Input name="name" defaultValue={`${name} epochs`} required />
          </Field>
          <Field label="tmin (s)">
            <Input name="tmin" type="number" step="any" defaultValue={-0.5} />
          </Field>
          <Field label="tmax (s)">
            <Input name="tmax" type="number" step="any" defaultValue={1} />
          </Field>
          <Field label="High-pass (Hz)">
            <Input name="lFreq" type="number" step="any" placeholder="none" />
          </Field>
          <Field label="Low-pass (Hz)">
            <Input name="hFreq" type="number" step="any" placeholder="none" />
          </Field>
          <Field label="Line noise notch">
            <Select name="lineFreq" defaultValue="">
              <option value="">none</option>
              <option value="50">50 Hz and harmonics</option>
              <option value="60">60 Hz and harmonics</option>
            </Select>
          </Field>
        </div>
        <div className="row">
          <label className="row">
            <input type="checkbox" name="baseline" /> Baseline correction (tmin..0)
          </label>
          <label className="row">
            <input type="checkbox" name="bipolar" /> Bipolar re-reference along shafts
          </label>
          <label className="row">
            <input type="checkbox" name="reject" /> Reject trials over 10 × the contact&apos;s mean SD
          </label>
        </div>
        <Button type="submit" disabled={make.isPending || chosen.length === 0}>
          Make epochs
        </Button>
      </form>
      <ErrorMessage error={make.error} />
      {make.data && (
        <p role="status">
          Started. Follow it on the <Link href={`/labs/${labId}/jobs`}>jobs page</Link>; the epochs appear in the lab&apos;s datasets when it is done.
        </p>
      )}
    </Card>
  );
}

/** Upload an electrodes table (BIDS *_electrodes.tsv: name, x, y, z in mm) and say which frame it is in. */
function ElectrodesForm({ labId, datasetId, onDone }: { labId: string; datasetId: string; onDone: () => void }) {
  const trpc = useTRPC();
  const set = useMutation(trpc.datasets.setElectrodes.mutationOptions({ onSuccess: onDone }));
  const onSubmit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const file = f.get('table');
    if (!(file instanceof File) || file.size === 0) return;
    set.mutate({ labId, datasetId, tsv: await file.text(), coordFrame: String(f.get('frame')) });
  };
  return (
    <Card title="Electrode positions">
      <p className="muted">
        A tab-separated table with columns name, x, y, z (mm) and optionally group and location, one row per contact. Positions in MNI space get Brodmann
        and AAL regions; positions in any other frame are stored as such and never mixed with MNI.
      </p>
      <form onSubmit={(e) => void onSubmit(e)} className="row">
        <input type="file" name="table" accept=".tsv,.txt" aria-label="Electrodes table" className="input" required />
        <Select name="frame" defaultValue="mni_tal" aria-label="Coordinate frame">
          <option value="mni_tal">MNI (mm)</option>
          <option value="head">head (mm)</option>
          <option value="unknown">unknown</option>
        </Select>
        <Button type="submit" disabled={set.isPending}>
          Set positions
        </Button>
      </form>
      <ErrorMessage error={set.error} />
      {set.data && <p role="status">{set.data.updated} contacts updated.</p>}
    </Card>
  );
}

/** Level 1: which spectrotemporal features of each contact predict each category (METHODS.md), as a job. */
function SignaturesForm({ labId, datasetId, name }: { labId: string; datasetId: string; name: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const start = useMutation(trpc.analyses.startSignatures.mutationOptions({ onSuccess: (r) => router.push(`/labs/${labId}/analyses/${r.analysisId}`) }));
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const trees = String(f.get('trees') ?? '').trim();
    start.mutate({
      labId,
      datasetId,
      name: String(f.get('name')),
      preset: f.get('preset') === 'paper' ? 'paper' : 'quick',
      ...(trees ? { nEstimators: Number(trees) } : {}),
      importance: f.get('importance') === 'leaf-paths' ? 'leaf-paths' : 'class-gini',
      nNull: Number(f.get('nNull') || 2),
      seed: Number(f.get('seed') || 0),
      clusterMethod: f.get('cluster') === 'cosine-complete' ? 'cosine-complete' : 'ward',
      k: Number(f.get('k') || 5),
      responsiveOnly: f.get('responsiveOnly') === 'on',
    });
  };
  return (
    <Card title="Level 1: spectrotemporal signatures">
      <p className="muted">
        One random forest per contact decodes the category from Morlet power (frequency × time); its importance maps show which features predict each
        category, and the predictive contacts&apos; signatures are clustered. The quick preset takes seconds per contact; the paper preset (146 frequencies,
        3000 trees, 5 folds) reproduces the published analysis.
      </p>
      <form onSubmit={onSubmit}>
        <div className="row">
          <Field label="Name">
            <Input name="name" defaultValue={`Signatures of ${name}`} required />
          </Field>
          <Field label="Preset">
            <Select name="preset" defaultValue="quick">
              <option value="quick">quick (first look)</option>
              <option value="paper">paper (published defaults)</option>
            </Select>
          </Field>
          <Field label="Trees" hint="preset default when empty">
            <Input name="trees" type="number" min={1} max={10000} />
          </Field>
          <Field label="Category importance">
            <Select name="importance" defaultValue="class-gini">
              <option value="class-gini">class-split Gini (category-specific)</option>
              <option value="leaf-paths">leaf-to-root paths (the paper&apos;s)</option>
            </Select>
          </Field>
        </div>
        <div className="row">
          <Field label="Shuffled-label runs per contact">
            <Input name="nNull" type="number" min={1} max={100} defaultValue={2} />
          </Field>
          <Field label="Seed">
            <Input name="seed" type="number" min={0} defaultValue={0} />
          </Field>
          <Field label="Clustering">
            <Select name="cluster" defaultValue="ward">
              <option value="ward">Ward, Euclidean</option>
              <option value="cosine-complete">complete linkage, cosine</option>
            </Select>
          </Field>
          <Field label="Clusters">
            <Input name="k" type="number" min={1} max={16} defaultValue={5} />
          </Field>
        </div>
        <label className="row">
          <input type="checkbox" name="responsiveOnly" defaultChecked /> Only contacts responsive to the stimuli can be predictive (the paper&apos;s selection)
        </label>
        <Button type="submit" disabled={start.isPending}>
          Run analysis
        </Button>
      </form>
      <ErrorMessage error={start.error} />
    </Card>
  );
}
