'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import type { FormEvent } from 'react';
import { useTRPC } from '../../../../_components/trpc';
import { UploadFiles } from '../../../../_components/upload-files';
import { Button, Card, ErrorMessage, Field, Input, Select } from '../../../../_components/ui';

/** Level 2 on an epochs dataset: attach (or replace) its stimulus set, and start the RSA once it has one. */
export function RsaForms({ labId, datasetId, name, hasStimuli }: { labId: string; datasetId: string; name: string; hasStimuli: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const attach = useMutation(
    trpc.rsa.attachStimuli.mutationOptions({ onSuccess: () => queryClient.invalidateQueries(trpc.datasets.get.queryFilter({ labId, datasetId })) }),
  );
  const start = useMutation(trpc.rsa.start.mutationOptions({ onSuccess: (r) => router.push(`/labs/${labId}/analyses/${r.analysisId}`) }));
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const stopAfter = Number(f.get('stopAfter') || 0);
    const fdrQ = Number(f.get('fdrQ') || 0);
    start.mutate({
      labId,
      datasetId,
      name: String(f.get('name')),
      nPermutations: Number(f.get('nPermutations') || 10_000),
      stopAfter: stopAfter > 0 ? stopAfter : null,
      variant: f.get('variant') === 'paper' ? 'paper' : 'standard',
      alpha: Number(f.get('alpha') || 0.001),
      fdrQ: fdrQ > 0 ? fdrQ : null,
      seed: Number(f.get('seed') || 1),
      controlSeed: Number(f.get('controlSeed') || 1),
    });
  };
  return (
    <Card title="Level 2: network layers along the visual hierarchy (RSA)">
      <p className="muted">
        Each contact&apos;s band/window responses (theta to high gamma, three windows) are compared with every layer of an image network (MobileNetV2 by default,
        and the same network with random weights as a control) through representational dissimilarity matrices over the stimuli; the significant pairs give
        an area × layer score and the alignment of the ventral stream (BA17 → 18 → 19 → 37 → 20) with the network&apos;s depth.
      </p>
      {hasStimuli && (
        <form onSubmit={onSubmit}>
          <div className="row">
            <Field label="Name">
              <Input name="name" defaultValue={`RSA of ${name}`} required />
            </Field>
            <Field label="Permutations">
              <Input name="nPermutations" type="number" min={100} max={100000} defaultValue={10000} />
            </Field>
            <Field label="Stop after exceedances" hint="11: same p ≤ 0.001 decisions, far faster; 0: every permutation">
              <Input name="stopAfter" type="number" min={0} defaultValue={11} />
            </Field>
            <Field label="Score">
              <Select name="variant" defaultValue="standard">
                <option value="standard">Spearman, upper triangle (standard)</option>
                <option value="paper">Spearman, full min-max scaled matrices (the paper&apos;s)</option>
              </Select>
            </Field>
          </div>
          <div className="row">
            <Field label="Significance p ≤">
              <Input name="alpha" type="number" step="any" min={0} max={1} defaultValue={0.001} />
            </Field>
            <Field label="or FDR q" hint="empty: use p">
              <Input name="fdrQ" type="number" step="any" min={0} max={1} />
            </Field>
            <Field label="Seed">
              <Input name="seed" type="number" min={0} defaultValue={1} />
            </Field>
            <Field label="Random network seed">
              <Input name="controlSeed" type="number" min={0} defaultValue={1} />
            </Field>
          </div>
          <Button type="submit" disabled={start.isPending}>
            Run RSA
          </Button>
        </form>
      )}
      <p className="muted">
        {hasStimuli ? 'Replace the stimulus set: ' : 'Attach the stimuli first: '}a zip of PNG/JPEG images with a mapping CSV (columns <code>file</code> and one of{' '}
        <code>event_code</code>, <code>label</code>, <code>trial</code>), or the images and the CSV as files.
      </p>
      <UploadFiles labId={labId} label="Upload stimuli" onDone={(uploadIds) => attach.mutate({ labId, datasetId, uploadIds })} />
      {attach.data && <p>Attached {attach.data.images} images.</p>}
      <ErrorMessage error={attach.error ?? start.error} />
    </Card>
  );
}
