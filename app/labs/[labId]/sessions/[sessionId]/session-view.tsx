'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import Link from 'next/link';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { StateMapCanvas } from '../../../../_components/state-map';
import { ActionLegend, StateMap, actionColors } from '../../../../_components/state-map-view';
import { EventChoice } from '../../../../_components/event-choice';
import { useTRPC } from '../../../../_components/trpc';
import { Badge, Button, Card, Empty, ErrorMessage, Field, Input, ProgressBar, Select } from '../../../../_components/ui';

type Stats = {
  framesReceived: number;
  framesDropped: number;
  framesLate: number;
  framesRefused: number;
  windows: number;
  points: number;
  queuedSamples: number;
  latencyMs: { p50: number; p99: number; last: number } | null;
  computeMs: { p50: number; p99: number } | null;
  frameAgeMs: { p50: number } | null;
  receiving: boolean;
  seconds: number;
  replay: { running: boolean; speed: number; positionS: number; durationS: number; error: string | null } | null;
  cue: { action: string; trial: number } | null;
  calibration: Record<string, number>;
  training: boolean;
  mapVersion: number;
};

const ms = (v: number) => (v < 10 ? v.toFixed(1) : v.toFixed(0));
const tokenKey = (sessionId: string) => `brainglass-session-token:${sessionId}`;

/** A live state-space session: the map with the moving point, the stream's health, calibration and separability. */
export function SessionView({ labId, sessionId }: { labId: string; sessionId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const lab = useQuery(trpc.labs.get.queryOptions({ labId }));
  const session = useQuery(trpc.statespace.session.queryOptions({ labId, sessionId }));
  const refresh = () => queryClient.invalidateQueries(trpc.statespace.session.queryFilter({ labId, sessionId }));
  const [view, setView] = useState<StateMapCanvas | null>(null);
  const [stats, setStats] = useState<Stats | null>(null);
  const [messageAgeMs, setMessageAgeMs] = useState<number | null>(null);
  const mapVersion = session.data?.mapVersion;
  const onData = useCallback(
    (message: { points: { x: number; y: number }[]; stats: Stats; serverTime: number }) => {
      view?.addPoints(message.points);
      setStats(message.stats);
      setMessageAgeMs(Date.now() - message.serverTime);
      // A map trained elsewhere (another tab, a colleague): load it.
      if (mapVersion !== undefined && message.stats.mapVersion !== mapVersion) void queryClient.invalidateQueries(trpc.statespace.session.queryFilter({ labId, sessionId }));
    },
    [view, mapVersion, queryClient, trpc, labId, sessionId],
  );
  useSubscription(trpc.statespace.live.subscriptionOptions({ labId, sessionId }, { enabled: session.data?.status === 'open', onData }));
  const actions = useMemo(() => session.data?.actions ?? [], [session.data?.actions]);
  const colorOf = useMemo(() => actionColors(actions), [actions]);

  if (session.error) return <ErrorMessage error={session.error} />;
  const s = session.data;
  if (!s) return <p className="muted">Loading…</p>;
  const canEdit = lab.data?.role === 'editor' || lab.data?.role === 'owner';
  const open = s.status === 'open';
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <p className="subtitle">
            <Link href="/labs">Labs</Link> / <Link href={`/labs/${labId}`}>{lab.data?.name ?? '…'}</Link> /
          </p>
          <h1>{s.name}</h1>
          <p className="subtitle">
            Live mental state map ·{' '}
            {s.source === 'replay' ? (
              <>
                replays <Link href={`/labs/${labId}/datasets/${s.datasetId}`}>{s.datasetName ?? 'a recording'}</Link>
              </>
            ) : (
              'device stream'
            )}
            {s.sfreq && s.chNames && ` · ${s.chNames.length} channels at ${s.sfreq} Hz`} · {s.windowS} s windows every {s.hopS * 1000} ms
          </p>
        </div>
        <div className="row">
          <Badge tone={open ? 'success' : 'neutral'}>{s.status}</Badge>
          {canEdit && open && <CloseButton labId={labId} sessionId={sessionId} onDone={refresh} />}
        </div>
      </div>

      {open && canEdit && (s.source === 'replay' ? <ReplayControls labId={labId} sessionId={sessionId} stats={stats} /> : <DeviceSource labId={labId} sessionId={sessionId} />)}

      <div className="grid">
        <Card title="Map">
          {!s.map && <Empty>No map yet: calibrate below, then train the map.</Empty>}
          <StateMap map={s.map} colorOf={colorOf} onReady={setView} label="Mental state map" />
          <ActionLegend actions={actions} colorOf={colorOf} />
          {s.map && (
            <p className="muted">
              {s.map.rows} × {s.map.cols} nodes, trained on {s.map.nTrained} windows · shading: calibration windows per node · download{' '}
              <a href={`/api/labs/${labId}/sessions/${sessionId}/map.json`}>map.json</a> · <a href={`/api/labs/${labId}/sessions/${sessionId}/map.onnx`}>map.onnx</a>
            </p>
          )}
        </Card>
        <LiveStats stats={stats} messageAgeMs={messageAgeMs} open={open} />
      </div>

      {open && canEdit && (
        <Calibration
          labId={labId}
          sessionId={sessionId}
          actions={actions}
          hasMap={Boolean(s.map)}
          stats={stats}
          eventKinds={s.source === 'replay' ? s.eventKinds : []}
          onChange={refresh}
        />
      )}
      <Separability report={s.report} />
    </div>
  );
}

function LiveStats({ stats, messageAgeMs, open }: { stats: Stats | null; messageAgeMs: number | null; open: boolean }) {
  return (
    <Card title="Live">
      {!stats ? (
        <Empty>{open ? 'Connecting…' : 'The session is closed: no stream.'}</Empty>
      ) : (
        <table aria-label="Stream">
          <tbody>
            <tr>
              <th>Latency</th>
              <td data-testid="latency">
                {stats.latencyMs ? `${ms(stats.latencyMs.p50)} ms median, ${ms(stats.latencyMs.p99)} ms p99` : '—'}
                <div className="muted">sample arrival → point sent{messageAgeMs !== null && `; + ${ms(Math.max(0, messageAgeMs))} ms to this page`}</div>
              </td>
            </tr>
            <tr>
              <th>Compute</th>
              <td>{stats.computeMs ? `${ms(stats.computeMs.p50)} ms median, ${ms(stats.computeMs.p99)} ms p99 per window` : '—'}</td>
            </tr>
            <tr>
              <th>Points</th>
              <td data-testid="points">
                {stats.points} of {stats.windows} windows {stats.receiving ? <Badge tone="success">receiving</Badge> : <Badge>idle</Badge>}
              </td>
            </tr>
            <tr>
              <th>Frames</th>
              <td>
                {stats.framesReceived} received · <span data-testid="dropped">{stats.framesDropped} dropped</span> · {stats.framesLate} late · {stats.framesRefused} refused
                (queue full)
                {stats.frameAgeMs && <div className="muted">frame age on arrival {ms(stats.frameAgeMs.p50)} ms (device clock)</div>}
              </td>
            </tr>
            <tr>
              <th>Stream</th>
              <td>
                {stats.seconds.toFixed(1)} s · {stats.queuedSamples} samples queued
              </td>
            </tr>
          </tbody>
        </table>
      )}
    </Card>
  );
}

function ReplayControls({ labId, sessionId, stats }: { labId: string; sessionId: string; stats: Stats | null }) {
  const trpc = useTRPC();
  const [speed, setSpeed] = useState<1 | 2 | 10>(1);
  const replay = useMutation(trpc.statespace.replay.mutationOptions());
  const r = stats?.replay;
  return (
    <Card title="Replay">
      <div className="row">
        <Button onClick={() => replay.mutate({ labId, sessionId, play: !r?.running, speed })} disabled={replay.isPending}>
          {r?.running ? 'Pause replay' : 'Start replay'}
        </Button>
        <Select
          aria-label="Replay speed"
          value={speed}
          onChange={(e) => {
            const next = Number(e.target.value) as 1 | 2 | 10;
            setSpeed(next);
            if (r?.running) replay.mutate({ labId, sessionId, play: true, speed: next });
          }}
        >
          <option value={1}>real time</option>
          <option value={2}>× 2</option>
          <option value={10}>× 10</option>
        </Select>
        {r && (
          <div style={{ flex: 1, minWidth: 200 }}>
            <ProgressBar value={r.positionS / r.durationS} label="Replay position" />
            <span className="muted">
              {r.positionS.toFixed(1)} of {r.durationS.toFixed(1)} s
            </span>
          </div>
        )}
      </div>
      {r?.error && <p className="error-message">{r.error}</p>}
      <ErrorMessage error={replay.error} />
    </Card>
  );
}

function DeviceSource({ labId, sessionId }: { labId: string; sessionId: string }) {
  const trpc = useTRPC();
  // The token is shown once: right after the session was made (handed over in sessionStorage) or regenerated.
  const [token, setToken] = useState<string | null>(() => (typeof window === 'undefined' ? null : sessionStorage.getItem(tokenKey(sessionId))));
  const origin = typeof window === 'undefined' ? '' : window.location.origin;
  useEffect(() => sessionStorage.removeItem(tokenKey(sessionId)), [sessionId]);
  const regenerate = useMutation(trpc.statespace.regenerateToken.mutationOptions({ onSuccess: (r) => setToken(r.token) }));
  const url = `${origin}/api/sessions/${sessionId}/frames`;
  return (
    <Card title="Device stream">
      <p className="muted">
        A device bridge POSTs binary frames (docs/streaming.md) to the endpoint below with <code>Authorization: Bearer &lt;token&gt;</code>. To replay a file as a
        device would:
      </p>
      <pre className="log">{`npm run stream -- recording.edf --session ${sessionId} --token ${token ?? '<token>'} --url ${origin}`}</pre>
      <Field label="Endpoint">
        <Input readOnly value={url} onFocus={(e) => e.target.select()} />
      </Field>
      {token ? (
        <Field label="Token (shown once: copy it now)">
          <Input readOnly value={token} aria-label="Session token" onFocus={(e) => e.target.select()} />
        </Field>
      ) : (
        <Button variant="secondary" onClick={() => regenerate.mutate({ labId, sessionId })} disabled={regenerate.isPending}>
          New token (the old one stops working)
        </Button>
      )}
      <ErrorMessage error={regenerate.error} />
    </Card>
  );
}

/** Hands a new device session's token to its page, which shows it once. */
export function handOverToken(sessionId: string, token: string): void {
  sessionStorage.setItem(tokenKey(sessionId), token);
}

function Calibration({
  labId,
  sessionId,
  actions,
  hasMap,
  stats,
  eventKinds,
  onChange,
}: {
  labId: string;
  sessionId: string;
  actions: string[];
  hasMap: boolean;
  stats: Stats | null;
  eventKinds: { description: string; n: number }[];
  onChange: () => void;
}) {
  const trpc = useTRPC();
  const options = { onSuccess: onChange };
  const cue = useMutation(trpc.statespace.cue.mutationOptions());
  const train = useMutation(trpc.statespace.train.mutationOptions(options));
  const fit = useMutation(trpc.statespace.fitFromEvents.mutationOptions(options));
  const add = useMutation(trpc.statespace.addAction.mutationOptions(options));
  const rename = useMutation(trpc.statespace.renameAction.mutationOptions(options));
  const drop = useMutation(trpc.statespace.dropAction.mutationOptions(options));
  const [newAction, setNewAction] = useState('');
  const [renaming, setRenaming] = useState<{ from: string; to: string } | null>(null);
  const [cueSeconds, setCueSeconds] = useState(5);
  const [rounds, setRounds] = useState(3);
  const [chosenEvents, setChosenEvents] = useState<string[]>([]);
  // The cue sequence being run: every action in turn, `rounds` times.
  const [run, setRun] = useState<{ cues: string[]; index: number; startedAt: number } | null>(null);
  const [now, setNow] = useState(0);
  const cueMutate = cue.mutate;

  useEffect(() => {
    if (!run) return;
    cueMutate({ labId, sessionId, action: run.cues[run.index]! });
    const tick = setInterval(() => setNow(Date.now()), 100);
    const next = setTimeout(() => {
      if (run.index + 1 < run.cues.length) setRun({ ...run, index: run.index + 1, startedAt: Date.now() });
      else {
        cueMutate({ labId, sessionId, action: null });
        setRun(null);
      }
    }, cueSeconds * 1000);
    return () => {
      clearInterval(tick);
      clearTimeout(next);
    };
  }, [run, cueSeconds, labId, sessionId, cueMutate]);

  const stop = () => {
    setRun(null);
    cue.mutate({ labId, sessionId, action: null });
  };
  const current = run ? run.cues[run.index]! : null;
  const error = cue.error ?? train.error ?? fit.error ?? add.error ?? rename.error ?? drop.error;
  const nWindows = Object.values(stats?.calibration ?? {}).reduce((a, b) => a + b, 0);
  return (
    <Card title="Calibration">
      <p className="muted">
        Name the mental actions you will try. The page cues them in turn; the windows recorded during each cue (after a 0.5 s settle) teach the map that action.
        Actions whose territories overlap are hard to tell apart: rename, drop or replace them and calibrate again.
      </p>
      <table aria-label="Actions">
        <tbody>
          {actions.map((a) => (
            <tr key={a}>
              <td>
                {renaming?.from === a ? (
                  <form
                    className="row"
                    onSubmit={(e) => {
                      e.preventDefault();
                      rename.mutate({ labId, sessionId, from: a, to: renaming.to });
                      setRenaming(null);
                    }}
                  >
                    <Input aria-label={`New name for ${a}`} value={renaming.to} onChange={(e) => setRenaming({ from: a, to: e.target.value })} autoFocus />
                    <Button type="submit">Rename</Button>
                  </form>
                ) : (
                  <strong>{a}</strong>
                )}
              </td>
              <td className="muted">{stats?.calibration[a] ?? 0} windows</td>
              <td>
                <Button variant="ghost" onClick={() => setRenaming({ from: a, to: a })} disabled={Boolean(run)}>
                  Rename
                </Button>
                <Button variant="ghost" aria-label={`Drop ${a}`} onClick={() => drop.mutate({ labId, sessionId, action: a })} disabled={Boolean(run)}>
                  Drop
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (newAction.trim()) add.mutate({ labId, sessionId, action: newAction.trim() });
          setNewAction('');
        }}
      >
        <Input aria-label="New action" placeholder="e.g. imagine left hand" value={newAction} onChange={(e) => setNewAction(e.target.value)} />
        <Button type="submit" variant="secondary">
          Add action
        </Button>
      </form>

      {run ? (
        <div className="stack" style={{ margin: '1rem 0' }}>
          <p style={{ fontSize: '2rem', margin: 0 }} data-testid="cue">
            {current}
          </p>
          <ProgressBar value={Math.min(1, (now - run.startedAt) / (cueSeconds * 1000))} label="Cue time" />
          <p className="muted">
            Cue {run.index + 1} of {run.cues.length}
          </p>
          <Button variant="danger" onClick={stop}>
            Stop calibration
          </Button>
        </div>
      ) : (
        <div className="row" style={{ marginTop: '1rem' }}>
          <Field label="Seconds per cue">
            <Input type="number" min={2} max={30} value={cueSeconds} onChange={(e) => setCueSeconds(Number(e.target.value))} />
          </Field>
          <Field label="Rounds">
            <Input type="number" min={1} max={10} value={rounds} onChange={(e) => setRounds(Number(e.target.value))} />
          </Field>
          <Button
            onClick={() => setRun({ cues: Array.from({ length: rounds }, () => actions).flat(), index: 0, startedAt: Date.now() })}
            disabled={actions.length === 0 || !stats?.receiving}
            title={stats?.receiving ? undefined : 'Start the stream first'}
          >
            Start calibration
          </Button>
          <Button variant="secondary" onClick={() => train.mutate({ labId, sessionId, mode: 'refit' })} disabled={nWindows === 0 || train.isPending || stats?.training}>
            {hasMap ? 'Refit map' : 'Train map'}
          </Button>
          {hasMap && (
            <Button variant="secondary" onClick={() => train.mutate({ labId, sessionId, mode: 'update' })} disabled={train.isPending || stats?.training}>
              Update map with new windows
            </Button>
          )}
          {(train.isPending || fit.isPending) && <span className="muted">Training…</span>}
        </div>
      )}

      {eventKinds.length > 1 && !run && (
        <form
          aria-label="Calibrate from events"
          onSubmit={(e) => {
            e.preventDefault();
            fit.mutate({ labId, sessionId, events: chosenEvents });
          }}
        >
          <EventChoice
            legend="Or calibrate from the recording's events (each kind becomes an action)"
            counts={eventKinds.map(({ description, n }) => [description, n] as const)}
            chosen={chosenEvents}
            onChange={setChosenEvents}
          />
          <Button type="submit" disabled={chosenEvents.length < 2 || fit.isPending}>
            Fit map from events
          </Button>
        </form>
      )}
      <ErrorMessage error={error} />
    </Card>
  );
}

function Separability({ report }: { report: { mode: string; nWindows: number; accuracy: number | null; pairs: { a: string; b: string; overlap: number; accuracy: number | null }[]; trainedAt: string } | null }) {
  if (!report) return null;
  const nActions = new Set(report.pairs.flatMap((p) => [p.a, p.b])).size;
  return (
    <Card title="Separability">
      <p>
        Trained on {report.nWindows} windows ({report.mode === 'events' ? "the recording's events" : report.mode}).{' '}
        {report.accuracy !== null ? (
          <>
            Cross-validated accuracy over cues <strong data-testid="calibration-accuracy">{report.accuracy.toFixed(2)}</strong> (chance ≈ {(1 / Math.max(1, nActions)).toFixed(2)}).
          </>
        ) : (
          'Two cues or more of every action give a cross-validated accuracy.'
        )}
      </p>
      {report.pairs.length > 0 && (
        <table aria-label="Separability">
          <thead>
            <tr>
              <th>Actions</th>
              <th title="Bhattacharyya coefficient of the two territories: 1 = the same place, 0 = apart">Territory overlap</th>
              <th title="Cross-validated accuracy of telling the two apart; chance 0.5">Pair accuracy</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {report.pairs.map((p) => {
              const overlapping = p.overlap > 0.5 || (p.accuracy !== null && p.accuracy < 0.7);
              return (
                <tr key={`${p.a}|${p.b}`}>
                  <td>
                    {p.a} · {p.b}
                  </td>
                  <td className="mono">{p.overlap.toFixed(2)}</td>
                  <td className="mono">{p.accuracy === null ? '—' : p.accuracy.toFixed(2)}</td>
                  <td>{overlapping ? <Badge tone="warning">overlap: try another action</Badge> : <Badge tone="success">distinct</Badge>}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </Card>
  );
}

function CloseButton({ labId, sessionId, onDone }: { labId: string; sessionId: string; onDone: () => void }) {
  const trpc = useTRPC();
  const close = useMutation(trpc.statespace.close.mutationOptions({ onSuccess: onDone }));
  return (
    <Button variant="danger" onClick={() => confirm('Close this session? Its stream stops; the map stays.') && close.mutate({ labId, sessionId })} disabled={close.isPending}>
      Close session
    </Button>
  );
}
