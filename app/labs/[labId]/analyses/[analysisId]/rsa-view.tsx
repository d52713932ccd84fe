'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useEffect, useRef, useState } from 'react';
import type { RsaNetworkSummary, RsaSummary } from '@/db/schema';
import { RsaCellAnnotations } from '../../../../_components/annotations/picked-annotations';
import { fmtP, RsaContactsCard } from '../../../../_components/contact-tables';
import { useTRPC } from '../../../../_components/trpc';
import { Badge, Card, ErrorMessage, ProgressBar, Select } from '../../../../_components/ui';
import { isMemberEditor, ShareCard } from '@/app/_components/collaboration/share-card';
import { PublishCard } from '@/app/_components/publishing/publish-card';

type Network = 'trained' | 'random';
const NETWORKS: Record<Network, string> = { trained: 'Trained network', random: 'Random-weights control' };
const CATEGORY_COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];
const fmtRho = (v: number | null) => (v === null ? '—' : v.toFixed(2));
const windowLabel = ([a, b]: [number, number]) => `${Math.round(a * 1000)}-${Math.round(b * 1000)} ms`;

/** Blue (0) to red (max): the area x layer score and RDM colours. */
function heat(v: number, max: number): string {
  const t = max > 0 ? Math.max(0, Math.min(1, v / max)) : 0;
  return `rgb(${Math.round(255 * t)}, ${Math.round(80 + 60 * (1 - Math.abs(2 * t - 1)))}, ${Math.round(255 * (1 - t))})`;
}

/** A Level 2 analysis: the alignment table (as the paper lays it out), area x layer heatmaps, RDMs and contacts. */
export function RsaView({ labId, analysisId }: { labId: string; analysisId: string }) {
  const trpc = useTRPC();
  const analysis = useQuery({
    ...trpc.rsa.get.queryOptions({ labId, analysisId }),
    refetchInterval: (q) => (q.state.data?.status === 'running' ? 1000 : false),
  });
  const a = analysis.data;
  if (!a) return <ErrorMessage error={analysis.error} />;
  const s = a.summary;
  const base = `/api/labs/${labId}/analyses/${analysisId}/rsa`;
  return (
    <div className="stack">
      <h1>{a.name}</h1>
      <p className="muted">
        RSA of <Link href={`/labs/${labId}/datasets/${a.datasetId}`}>{a.datasetName}</Link>{' '}
        <Badge tone={a.status === 'ready' ? 'success' : a.status === 'failed' ? 'danger' : 'info'}>{a.status}</Badge>
      </p>
      {a.status === 'running' && a.job && <ProgressBar value={a.job.progress} label="Analysis progress" />}
      {a.status === 'running' && a.job && <p className="muted">{a.job.step}</p>}
      {a.job?.error && <p className="error">{a.job.error}</p>}
      {s && (
        <>
          <Card title="Alignment of the ventral stream with the network's depth">
            <p className="muted">
              Spearman ρ between area order ({s.areas.join(' → ')}) and layer order over the significant (contact, layer) pairs, per band and window; p and the
              number of pairs below. {s.model.name}; {s.nPermutations.toLocaleString()} permutations
              {s.stopAfter ? ` with early stopping after ${s.stopAfter} exceedances (the same p ≤ 0.001 decisions)` : ''}; {s.variant === 'paper' ? "the paper's full-matrix score" : 'upper-triangle Spearman'};
              significant at {s.fdrQ !== null ? `FDR q = ${s.fdrQ}` : `p ≤ ${s.alpha}`}.
            </p>
            <div className="row">
              {(['trained', 'random'] as const).map((net) => (
                <AlignmentTable key={net} summary={s} network={net} />
              ))}
            </div>
          </Card>
          <Heatmaps summary={s} layerLabels={a.layerLabels} />
          <RsaCellAnnotations labId={labId} analysisId={analysisId} access={a.access} summary={s} layerLabels={a.layerLabels} />
          <RdmView labId={labId} analysisId={analysisId} summary={s} layerLabels={a.layerLabels} />
          <RsaContactsCard bands={s.bands} contacts={a.contacts} layerLabels={a.layerLabels} />
          <Card title="Downloads">
            <ul>
              <li>
                <a href={`${base}/contacts.csv`}>Per-contact scores and p-values (CSV)</a>
              </li>
              <li>
                <a href={`${base}/alignment.csv`}>Alignment table (CSV)</a>, <a href={`${base}/alignment.json`}>with area × layer matrices (JSON)</a>
              </li>
              <li>
                ρ and p, band/windows × contacts × layers (NPY): <a href={`${base}/rho-trained.npy`}>ρ trained</a>, <a href={`${base}/p-trained.npy`}>p trained</a>,{' '}
                <a href={`${base}/rho-random.npy`}>ρ random</a>, <a href={`${base}/p-random.npy`}>p random</a>; <a href={`${base}/rdms.npy`}>layer RDMs</a>
              </li>
            </ul>
          </Card>
        </>
      )}
      {isMemberEditor(a.access) && <ShareCard labId={labId} objectKind="analysis" objectId={analysisId} />}
      {isMemberEditor(a.access) && a.status === 'ready' && <PublishCard labId={labId} analysisId={analysisId} analysisName={a.name} />}
    </div>
  );
}

export function AlignmentTable({ summary: s, network }: { summary: RsaSummary; network: Network }) {
  const alignment = s.networks[network].alignment;
  return (
    <table aria-label={`Alignment, ${NETWORKS[network]}`}>
      <caption>{NETWORKS[network]}</caption>
      <thead>
        <tr>
          <th>Band</th>
          {s.windows.map((w) => (
            <th key={w.join()}>{windowLabel(w)}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {s.bands.map((band, b) => (
          <tr key={band}>
            <th scope="row">{band}</th>
            {s.windows.map((w, wi) => {
              const k = b * s.windows.length + wi;
              const cell = alignment[k]!;
              return (
                <td key={w.join()} title={`${s.nResponsive[k]} responsive contacts`}>
                  <strong>{fmtRho(cell.rho)}</strong>
                  <br />
                  <small className="muted">
                    {cell.p !== null ? `p ${fmtP(cell.p)}, ` : ''}
                    {cell.nPairs} pairs
                  </small>
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Heatmaps({ summary: s, layerLabels }: { summary: RsaSummary; layerLabels: string[] }) {
  const [network, setNetwork] = useState<Network>('trained');
  const net: RsaNetworkSummary = s.networks[network];
  const nL = s.layers.length;
  const max = Math.max(1e-9, ...net.score.flat());
  return (
    <Card
      title="Area × layer scores per band and window"
      actions={
        <Select aria-label="Network" value={network} onChange={(e) => setNetwork(e.target.value as Network)}>
          <option value="trained">{NETWORKS.trained}</option>
          <option value="random">{NETWORKS.random}</option>
        </Select>
      }
    >
      <p className="muted">
        Rows: areas ({s.areas.join(', ')}), columns: layers ({layerLabels.join(', ')}); colour: sum of significant ρ / significant contacts of the area (max{' '}
        {max.toFixed(2)}).
      </p>
      <table aria-label="Area by layer heatmaps">
        <thead>
          <tr>
            <th />
            {s.windows.map((w) => (
              <th key={w.join()}>{windowLabel(w)}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {s.bands.map((band, b) => (
            <tr key={band}>
              <th scope="row">{band}</th>
              {s.windows.map((w, wi) => {
                const score = net.score[b * s.windows.length + wi]!;
                return (
                  <td key={w.join()}>
                    <div style={{ display: 'grid', gridTemplateColumns: `repeat(${nL}, 10px)`, gap: 1 }}>
                      {score.map((v, i) => (
                        <div
                          key={i}
                          title={`${s.areas[Math.floor(i / nL)]} × ${layerLabels[i % nL]}: ${v.toFixed(3)}`}
                          style={{ width: 10, height: 10, background: v > 0 ? heat(v, max) : '#eee' }}
                        />
                      ))}
                    </div>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}

function RdmView({ labId, analysisId, summary: s, layerLabels }: { labId: string; analysisId: string; summary: RsaSummary; layerLabels: string[] }) {
  const trpc = useTRPC();
  const [network, setNetwork] = useState<Network>('trained');
  const [layer, setLayer] = useState(Math.min(1, s.layers.length - 1));
  const rdm = useQuery(trpc.rsa.rdm.queryOptions({ labId, analysisId, network, layer }));
  const canvas = useRef<HTMLCanvasElement>(null);
  const d = rdm.data;
  useEffect(() => {
    const c = canvas.current;
    if (!c || !d) return;
    const ctx = c.getContext('2d')!;
    const { n, matrix } = d;
    const max = Math.max(...matrix);
    const image = ctx.createImageData(n, n);
    matrix.forEach((v, i) => {
      const [r, g, b] = heat(v, max).match(/\d+/g)!.map(Number);
      image.data.set([r!, g!, b!, 255], i * 4);
    });
    c.width = n;
    c.height = n;
    ctx.putImageData(image, 0, 0);
    // Category blocks: lines where the category changes.
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = 0.5;
    s.stimuli.category.forEach((cat, i) => {
      if (i > 0 && cat !== s.stimuli.category[i - 1]) {
        ctx.beginPath();
        ctx.moveTo(i, 0);
        ctx.lineTo(i, n);
        ctx.moveTo(0, i);
        ctx.lineTo(n, i);
        ctx.stroke();
      }
    });
  }, [d, s.stimuli.category]);
  const extent = d ? Math.max(1e-9, ...d.mds.map(Math.abs)) : 1;
  return (
    <Card
      title="Representational dissimilarity matrices"
      actions={
        <div className="row">
          <Select aria-label="RDM network" value={network} onChange={(e) => setNetwork(e.target.value as Network)}>
            <option value="trained">{NETWORKS.trained}</option>
            <option value="random">{NETWORKS.random}</option>
          </Select>
          <Select aria-label="Layer" value={layer} onChange={(e) => setLayer(Number(e.target.value))}>
            {layerLabels.map((l, i) => (
              <option key={i} value={i}>
                {l}
              </option>
            ))}
          </Select>
        </div>
      }
    >
      <p className="muted">
        Euclidean distances between the stimuli&apos;s activations, stimuli ordered by category (
        {s.stimuli.categories.map((c, i) => (
          <span key={c} style={{ color: CATEGORY_COLOURS[i % CATEGORY_COLOURS.length] }}>
            {c}{' '}
          </span>
        ))}
        ), and a classical MDS of the stimuli from the same RDM.
      </p>
      <ErrorMessage error={rdm.error} />
      <div className="row">
        <canvas ref={canvas} role="img" aria-label={`RDM of ${layerLabels[layer]}`} style={{ width: 320, height: 320, imageRendering: 'pixelated' }} />
        {d && (
          <svg role="img" aria-label={`MDS of ${layerLabels[layer]}`} viewBox="-1.1 -1.1 2.2 2.2" width={320} height={320}>
            {s.stimuli.names.map((name, i) => (
              <circle key={name} cx={d.mds[2 * i]! / extent} cy={d.mds[2 * i + 1]! / extent} r={0.03} fill={CATEGORY_COLOURS[s.stimuli.category[i]! % CATEGORY_COLOURS.length]}>
                <title>{name}</title>
              </circle>
            ))}
          </svg>
        )}
      </div>
    </Card>
  );
}
