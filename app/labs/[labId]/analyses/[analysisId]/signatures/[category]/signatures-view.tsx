'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { AnchorAnnotations } from '../../../../../../_components/annotations/annotations';
import { AddToCatalogue } from '../../../../../../_components/catalogue/add-to-catalogue';
import { Dendrogram } from '../../../../../../_components/dendrogram';
import { Heatmap } from '../../../../../../_components/heatmap';
import { useTRPC } from '../../../../../../_components/trpc';
import { Card, ErrorMessage } from '../../../../../../_components/ui';

/** The clustered signatures of one category: each cluster's prototype map, members and their regions. */
export function SignaturesView({ labId, analysisId, category }: { labId: string; analysisId: string; category: string }) {
  const trpc = useTRPC();
  const analysis = useQuery(trpc.analyses.get.queryOptions({ labId, analysisId }));
  const prototypes = useQuery(trpc.analyses.prototypes.queryOptions({ labId, analysisId, category }));
  if (analysis.error || prototypes.error) return <ErrorMessage error={analysis.error ?? prototypes.error} />;
  const summary = analysis.data?.summary;
  const p = prototypes.data;
  if (!summary || !p) return <p className="muted">Loading…</p>;
  const base = `/labs/${labId}/analyses/${analysisId}`;
  const byName = new Map(analysis.data!.contacts.map((c) => [c.name, c.channelIndex]));
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <p className="subtitle">
            <Link href={base}>{analysis.data!.name}</Link> /
          </p>
          <h1>Signatures of “{category}”</h1>
          <p className="subtitle">
            {'clusters' in p && p.clusters.length} clusters of the ternary signatures of {summary.predictive[category]?.length ?? 0} predictive contacts
            {'method' in p && ` (${p.method === 'ward' ? 'Ward, Euclidean' : 'complete linkage, cosine'})`}
          </p>
        </div>
      </div>
      {'links' in p && p.links.length > 0 && (
        <Card title="Dendrogram">
          <Dendrogram
            leaves={p.leaves}
            links={p.links}
            clusterOf={new Map(p.clusters.flatMap((cl) => cl.members.map((m) => [m, cl.id] as const)))}
            label={`Dendrogram of the ${category} signatures`}
          />
          <p className="muted">Leaves coloured by cluster; the dashed line is the cut that gives {p.clusters.length} clusters. Height: linkage distance.</p>
        </Card>
      )}
      {'clusters' in p && p.clusters.length === 0 && <p className="muted">No contact is predictive of this category.</p>}
      <div className="grid">
        {'clusters' in p &&
          p.clusters.map((cl, i) => (
            <Card key={cl.id} title={`Cluster ${cl.id} · ${cl.members.length} contacts`}>
              <Heatmap values={p.prototypes[i]!} freqs={summary.freqs} times={summary.binTimes} colormap="rdbu" label={`Prototype of cluster ${cl.id}`} unit="mean signature" />
              <p>
                {cl.members.map((m, j) => (
                  <span key={m}>
                    <Link href={`${base}/contacts/${byName.get(m)}`}>{m}</Link> <span className="muted">({cl.regions[j]})</span>{' '}
                  </span>
                ))}
              </p>
              <AddToCatalogue analysisLabId={labId} analysisId={analysisId} source={{ type: 'cluster', category, clusterId: cl.id }} defaultName={`${category} cluster ${cl.id}`} />
              <AnchorAnnotations
                object={{ labId, objectKind: 'analysis', objectId: analysisId }}
                access={analysis.data!.access}
                scope={{ anchorTypes: ['cluster'] }}
                match={(anchor) => anchor?.type === 'cluster' && anchor.category === category && anchor.clusterId === cl.id}
                anchor={{ type: 'cluster', category, clusterId: cl.id }}
                action={`Annotate cluster ${cl.id}`}
              />
            </Card>
          ))}
      </div>
    </div>
  );
}
