'use client';

import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useMemo, useState, type FormEvent } from 'react';
import { EventChoice } from '../../../../_components/event-choice';
import { useTRPC } from '../../../../_components/trpc';
import { Button, Card, ErrorMessage, Field, Input } from '../../../../_components/ui';

/**
 * Level 3 on a recording: replay it into a live session, or map its labelled events offline (accuracy against
 * shuffled-label chance, separability, the map as JSON and ONNX).
 */
export function StateSpaceForms({ labId, datasetId, name, events }: { labId: string; datasetId: string; name: string; events: { description: string }[] }) {
  const trpc = useTRPC();
  const router = useRouter();
  const counts = useMemo(() => {
    const m = new Map<string, number>();
    for (const e of events) m.set(e.description, (m.get(e.description) ?? 0) + 1);
    return [...m];
  }, [events]);
  const [chosen, setChosen] = useState<string[]>([]);
  const replay = useMutation(trpc.statespace.createSession.mutationOptions({ onSuccess: (r) => router.push(`/labs/${labId}/sessions/${r.sessionId}`) }));
  const analyse = useMutation(trpc.statespace.startAnalysis.mutationOptions({ onSuccess: (r) => router.push(`/labs/${labId}/statespace/${r.analysisId}`) }));
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const num = (key: string) => Number(f.get(key));
    analyse.mutate({
      labId,
      datasetId,
      name: String(f.get('name')),
      events: chosen,
      windowS: num('windowS'),
      hopS: num('hopS'),
      rows: num('size'),
      cols: num('size'),
      nShuffles: num('nShuffles'),
    });
  };
  return (
    <Card title="Level 3: mental state space">
      <p className="muted">
        A self-organising map of the recording&apos;s log band power (1 s windows): replay the recording into a live session and watch its state move on the map,
        or map labelled events offline and see how well the map tells them apart.
      </p>
      <div className="row">
        <Button
          onClick={() => replay.mutate({ labId, name: `${name} replay`, source: 'replay', datasetId, actions: [] })}
          disabled={replay.isPending}
        >
          Start a replay session
        </Button>
      </div>
      <ErrorMessage error={replay.error} />
      {counts.length > 1 && (
        <form aria-label="State-space analysis" onSubmit={onSubmit} style={{ marginTop: '1rem' }}>
          <EventChoice legend="Events to map (each kind is one mental action)" counts={counts} chosen={chosen} onChange={setChosen} />
          <div className="row">
            <Field label="Analysis name">
              <Input name="name" defaultValue={`${name} state space`} required />
            </Field>
            <Field label="Window (s)">
              <Input name="windowS" type="number" step="any" min={0.1} defaultValue={1} />
            </Field>
            <Field label="Hop (s)">
              <Input name="hopS" type="number" step="any" min={0.01} defaultValue={0.25} />
            </Field>
            <Field label="Map size (nodes per side)">
              <Input name="size" type="number" min={2} max={40} defaultValue={10} />
            </Field>
            <Field label="Label shuffles for chance">
              <Input name="nShuffles" type="number" min={1} max={200} defaultValue={20} />
            </Field>
          </div>
          <Button type="submit" disabled={analyse.isPending || chosen.length < 2}>
            Run state-space analysis
          </Button>
          <ErrorMessage error={analyse.error} />
        </form>
      )}
    </Card>
  );
}
