'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import type { RsaParams } from '@/lib/jobs';
import { IMAGENET_NORMALISATION, type InputSpec, type Normalisation } from '@/lib/stimuli/spec';
import type { NetworkDescription } from '@/server/rsa/network';
import { useTRPC } from '../../../../_components/trpc';
import { UploadFiles } from '../../../../_components/upload-files';
import { Button, Card, ErrorMessage, Field, Input, Select } from '../../../../_components/ui';

const numbers = (v: FormDataEntryValue | null) => String(v ?? '').split(/[\s,]+/).filter(Boolean).map(Number);

/** The input settings of the form that differ from what the model states: only those go into the parameters. */
function inputOverrides(f: FormData, spec: InputSpec): RsaParams['input'] {
  const kind = String(f.get('normalisation') ?? spec.normalisation.kind) as Normalisation['kind'];
  const chosen: Partial<InputSpec> = {
    width: Number(f.get('width')),
    height: Number(f.get('height')),
    layout: f.get('layout') as InputSpec['layout'],
    channels: f.get('channels') as InputSpec['channels'],
    resize: f.get('resize') as InputSpec['resize'],
    normalisation: kind === 'meanStd' ? { kind, mean: numbers(f.get('mean')), std: numbers(f.get('std')) } : { kind },
  };
  return Object.fromEntries(Object.entries(chosen).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(spec[k as keyof InputSpec])));
}

const SOURCE = { model: 'from the model', metadata: "from the model's metadata", default: 'a default: the model does not say', user: 'yours' } as const;

/** The chosen network's layers (checkboxes, its defaults ticked) and input settings, read from the model; uncontrolled, read on submit. */
function NetworkSettings({ network }: { network: NetworkDescription }) {
  const { spec, source, input } = network;
  const [normalisation, setNormalisation] = useState(spec.normalisation.kind);
  const meanStd = (spec.normalisation.kind === 'meanStd' ? spec.normalisation : IMAGENET_NORMALISATION) as Extract<Normalisation, { kind: 'meanStd' }>;
  return (
    <>
      <fieldset className="field" style={{ border: 0, padding: 0 }}>
        <legend className="field-label">Layers to compare ({network.layers.length} in the graph; ticked: {network.defaultLayers.length} spread over the network)</legend>
        <div className="choice-list">
          {network.layers.map((l) => (
            <label key={l.name} className="row" title={l.name}>
              <input type="checkbox" name="layer" value={l.name} defaultChecked={network.defaultLayers.includes(l.name)} />
              <span className="mono">{l.label}</span>
              <span className="muted">
                {l.opType} · {l.shape.join(' × ')}
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      <p className="muted">
        Input <code>{input.name}</code> ({input.elemTypeName}, shape [{input.shape?.join(', ') ?? 'unknown'}]). Size {SOURCE[source.width]}, layout {SOURCE[source.layout]},
        normalisation {SOURCE[source.normalisation]}; change what the model gets wrong.
      </p>
      <div className="row">
        <Field label="Width">
          <Input name="width" type="number" min={1} defaultValue={spec.width} />
        </Field>
        <Field label="Height">
          <Input name="height" type="number" min={1} defaultValue={spec.height} />
        </Field>
        <Field label="Layout">
          <Select name="layout" defaultValue={spec.layout}>
            <option value="NCHW">NCHW (PyTorch)</option>
            <option value="NHWC">NHWC (TensorFlow)</option>
          </Select>
        </Field>
        <Field label="Channels">
          <Select name="channels" defaultValue={spec.channels}>
            <option value="RGB">RGB</option>
            <option value="BGR">BGR (Caffe)</option>
            <option value="gray">grey</option>
          </Select>
        </Field>
        <Field label="Resize">
          <Select name="resize" defaultValue={spec.resize}>
            <option value="crop">scale, crop the centre</option>
            <option value="stretch">stretch</option>
          </Select>
        </Field>
        <Field label="Normalisation" hint={spec.dtype === 'uint8' ? 'uint8 input: raw 0-255 values' : undefined}>
          <Select name="normalisation" value={normalisation} onChange={(e) => setNormalisation(e.target.value as Normalisation['kind'])} disabled={spec.dtype === 'uint8'}>
            <option value="raw">raw 0-255</option>
            <option value="unit">0-1</option>
            <option value="meanStd">(v/255 − mean) / std</option>
          </Select>
        </Field>
        {normalisation === 'meanStd' && (
          <>
            <Field label="Mean per channel">
              <Input name="mean" defaultValue={meanStd.mean.join(', ')} />
            </Field>
            <Field label="Std per channel">
              <Input name="std" defaultValue={meanStd.std.join(', ')} />
            </Field>
          </>
        )}
      </div>
    </>
  );
}

/** Level 2 on an epochs dataset: attach (or replace) its stimulus set, and start the RSA once it has one. */
export function RsaForms({ labId, datasetId, name, hasStimuli }: { labId: string; datasetId: string; name: string; hasStimuli: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const attach = useMutation(
    trpc.rsa.attachStimuli.mutationOptions({ onSuccess: () => queryClient.invalidateQueries(trpc.datasets.get.queryFilter({ labId, datasetId })) }),
  );
  const start = useMutation(trpc.rsa.start.mutationOptions({ onSuccess: (r) => router.push(`/labs/${labId}/analyses/${r.analysisId}`) }));
  const [modelKey, setModelKey] = useState<string | null>(null);
  const models = useQuery(trpc.rsa.models.queryOptions({ labId }));
  // Reading the layers' shapes runs the model once: worth keeping.
  const network = useQuery({ ...trpc.rsa.describeModel.queryOptions({ labId, modelKey }), staleTime: Infinity, enabled: hasStimuli });
  const attachModel = useMutation(
    trpc.rsa.attachModel.mutationOptions({
      onSuccess: (r) => {
        setModelKey(r.key);
        return queryClient.invalidateQueries(trpc.rsa.models.queryFilter({ labId }));
      },
    }),
  );
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const stopAfter = Number(f.get('stopAfter') || 0);
    const fdrQ = Number(f.get('fdrQ') || 0);
    start.mutate({
      labId,
      datasetId,
      name: String(f.get('name')),
      modelKey,
      // Until the network's description arrives: its defaults, chosen by the server.
      layers: f.getAll('layer').map(String),
      input: network.data ? inputOverrides(f, network.data.spec) : {},
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
          <div className="row">
            <Field label="Network" hint="the random-weights control is the same network, weights re-drawn">
              <Select value={modelKey ?? ''} onChange={(e) => setModelKey(e.target.value || null)}>
                <option value="">MobileNetV2 (ImageNet, int8; default)</option>
                {models.data?.map((m) => (
                  <option key={m.key} value={m.key}>
                    {m.name}
                  </option>
                ))}
              </Select>
            </Field>
          </div>
          {network.isPending && <p className="muted">Reading the network&apos;s layers…</p>}
          <ErrorMessage error={network.error} />
          {network.data && <NetworkSettings key={network.data.sha256} network={network.data} />}
          <Button type="submit" disabled={start.isPending}>
            Run RSA
          </Button>
        </form>
      )}
      {hasStimuli && (
        <>
          <p className="muted">Or upload your own ONNX image model (.onnx): its layers are listed for you to choose, its input read from the model.</p>
          <UploadFiles
            labId={labId}
            label="Upload model"
            inputLabel="ONNX model file"
            onDone={(uploadIds) => uploadIds[0] && attachModel.mutate({ labId, datasetId, uploadId: uploadIds[0] })}
          />
          {attachModel.data && <p>Added {attachModel.data.name}: {attachModel.data.description.layers.length} layers.</p>}
          <ErrorMessage error={attachModel.error} />
        </>
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
