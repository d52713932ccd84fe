'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useMemo, useState } from 'react';
import { AnalysisAnnotations, useAnnotatedContacts } from '../../../../_components/annotations/analysis-annotations';
import { BrainView } from '../../../../_components/brain/BrainView';
import { ContactResultCells, ContactsTable } from '../../../../_components/contact-tables';
import { useTRPC } from '../../../../_components/trpc';
import { Badge, Card, ErrorMessage, ProgressBar, Select } from '../../../../_components/ui';
import { isMemberEditor, ShareCard } from '@/app/_components/collaboration/share-card';
import { PublishCard } from '@/app/_components/publishing/publish-card';

/**
 * A Level 1 analysis: the result, the whole brain (contacts coloured by a category's F1) and the electrode level
 * (every contact's per-category F1, sortable and filterable by region). The chosen category and contact live in the
 * URL (?category=&contact=), so a link reproduces the view and both views select the same contact.
 */
export function AnalysisView({ labId, analysisId }: { labId: string; analysisId: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const search = useSearchParams();
  const setView = (changes: Record<string, string | null>) => {
    // From the address bar, not the hook's snapshot: two changes in quick succession must both stick.
    const next = new URLSearchParams(window.location.search);
    for (const [k, v] of Object.entries(changes)) {
      if (v === null) next.delete(k);
      else next.set(k, v);
    }
    router.replace(`${pathname}?${next.toString()}`, { scroll: false });
  };
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
  const [sortBy, setSortBy] = useState<number | null>(null);
  const a = analysis.data;
  const region = search.get('region') ?? '';
  const regions = useMemo(() => [...new Set(a?.contacts.map((c) => c.region ?? '?'))].sort(), [a]);
  const contacts = useMemo(() => {
    const list = (a?.contacts ?? []).filter((c) => !region || (c.region ?? '?') === region);
    return sortBy === null ? list : [...list].sort((x, y) => y.f1[sortBy]! - x.f1[sortBy]!);
  }, [a, region, sortBy]);

  const selected = search.get('contact');
  const category = search.get('category') ?? a?.categories.find((c) => a.summary?.predictive[c]?.length) ?? a?.categories[0] ?? '';
  const categoryIndex = a?.categories.indexOf(category) ?? -1;
  const placed = useMemo(
    () =>
      (a?.contacts ?? []).flatMap((c) =>
        c.x === null || c.y === null || c.z === null ? [] : [{ name: c.name, x: c.x, y: c.y, z: c.z, region: c.region ?? undefined, value: c.f1[categoryIndex] }],
      ),
    [a, categoryIndex],
  );

  /** Region level: per region, how many contacts respond and predict, and their F1 for the chosen category. */
  const byRegion = useMemo(() => {
    const groups = new Map<string, NonNullable<typeof a>['contacts']>();
    for (const c of a?.contacts ?? []) groups.set(c.region ?? '?', [...(groups.get(c.region ?? '?') ?? []), c]);
    return [...groups.entries()]
      .map(([name, cs]) => {
        const f1 = cs.map((c) => c.f1[categoryIndex] ?? 0);
        return {
          region: name,
          n: cs.length,
          responsive: cs.filter((c) => c.responsive !== false).length,
          predictive: cs.filter((c) => c.predictive?.[categoryIndex]).length,
          meanF1: f1.reduce((x, y) => x + y, 0) / f1.length,
          bestF1: Math.max(...f1),
        };
      })
      .sort((x, y) => x.region.localeCompare(y.region));
  }, [a, categoryIndex]);
  const parcelF1 = useMemo(() => {
    const sums = new Map<string, [number, number]>();
    for (const c of a?.contacts ?? []) {
      if (!c.aal) continue;
      const [s, n] = sums.get(c.aal) ?? [0, 0];
      sums.set(c.aal, [s + (c.f1[categoryIndex] ?? 0), n + 1]);
    }
    return Object.fromEntries([...sums].map(([k, [s, n]]) => [k, s / n]));
  }, [a, categoryIndex]);

  const annotated = useAnnotatedContacts(labId, analysisId, a?.access);
  const pinned = useMemo(() => [...annotated.keys()], [annotated]);

  if (analysis.error) return <ErrorMessage error={analysis.error} />;
  if (!a) return <p className="muted">Loading…</p>;
  const summary = a.summary;
  const selectedContact = a.contacts.find((c) => c.name === selected);
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
        <Badge tone={a.status === 'ready' ? 'success' : a.status === 'failed' ? 'danger' : 'info'}>{a.job?.state === 'cancelled' ? 'cancelled' : a.status}</Badge>
      </div>
      {running && a.job && (
        <Card title="Running">
          <ProgressBar value={a.job.progress} label="Analysis progress" />
          <p className="muted">
            {a.job.step} · {a.contacts.length} contacts done
          </p>
        </Card>
      )}
      {(a.job?.error || a.job?.state === 'cancelled') && (
        <Card title={a.job.state === 'cancelled' ? 'The analysis was cancelled' : 'The analysis failed'}>
          {a.job.error && <p className="error-message">{a.job.error}</p>}
          <p className="muted">
            {a.contacts.length} contacts are done and kept; <Link href={`/labs/${labId}/jobs`}>retry the job</Link> to carry on from there.
          </p>
        </Card>
      )}
      {summary && (
        <Card title="Result">
          <p>
            A contact is <strong>predictive</strong> of a category when its cross-validated F1 exceeds <strong data-testid="threshold">{summary.threshold.toFixed(3)}</strong>,
            the level p = {summary.nullP} of {summary.nullValues} F1 values on shuffled labels
            {summary.thresholdMethod === 'normal-tail'
              ? ' (fewer than 1/p values: the tail of a normal fit to them, at least their empirical quantile)'
              : ' (their empirical quantile)'}
            ; chance ≈ {(1 / summary.categories.length).toFixed(3)}.
          </p>
          <p>
            <strong data-testid="responsive">{summary.nResponsive}</strong> of {a.contacts.length} contacts are responsive
            {summary.nTested < a.contacts.length && ` (${a.contacts.length - summary.nTested} not tested: the epochs do not span -500..500 ms)`}: Wilcoxon
            signed-rank of baseline against 6 windows × 29 bands, FDR q = 0.005, significant in at least 3 tests.{' '}
            {summary.responsiveOnly ? 'Only responsive contacts can be predictive (as in the paper).' : 'Every contact could be predictive.'}
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
      {placed.length > 0 && (
        <Card
          title="Whole brain"
          actions={
            <Select aria-label="Colour by F1 of" value={category} onChange={(e) => setView({ category: e.target.value })}>
              {a.categories.map((c) => (
                <option key={c} value={c}>
                  F1 of {c}
                </option>
              ))}
            </Select>
          }
        >
          <BrainView
            electrodes={placed}
            valueLabel={`F1 of ${category}`}
            colormap="viridis"
            parcelValues={parcelF1}
            selected={selected}
            pinned={pinned}
            onSelect={(name) => {
              // Clicking a contact on the brain opens its importance map for the category shown.
              const contact = a.contacts.find((c) => c.name === name);
              if (contact) router.push(`${base}/contacts/${contact.channelIndex}?category=${encodeURIComponent(category)}`);
            }}
          />
          {selectedContact ? (
            <p data-testid="selected-contact">
              Selected: <strong>{selectedContact.name}</strong> ({selectedContact.region ?? 'no region'}), F1 of {category}{' '}
              {selectedContact.f1[categoryIndex]?.toFixed(2)} ·{' '}
              <Link href={`${base}/contacts/${selectedContact.channelIndex}?category=${encodeURIComponent(category)}`}>importance maps</Link>
            </p>
          ) : (
            <p className="muted">Hover a contact for its name and value; click one to open its importance map; select a row of the table to find it here.</p>
          )}
        </Card>
      )}
      <AnalysisAnnotations
        labId={labId}
        analysisId={analysisId}
        access={a.access}
        contact={selectedContact ?? null}
        region={region || null}
        onSelectContact={(name) => setView({ contact: name })}
      />
      <Card title="Regions">
        <table aria-label="Regions">
          <thead>
            <tr>
              <th>Region</th>
              <th>Contacts</th>
              <th>Responsive</th>
              <th>Predictive of {category}</th>
              <th>Mean F1 of {category}</th>
              <th>Best F1 of {category}</th>
            </tr>
          </thead>
          <tbody>
            {byRegion.map((r) => (
              <tr key={r.region} aria-selected={r.region === region} style={r.region === region ? { outline: '2px solid #3b5bdb' } : undefined}>
                <td>
                  <button className="btn btn-ghost" onClick={() => setView({ region: r.region === region ? null : r.region })}>
                    {r.region}
                  </button>
                </td>
                <td>{r.n}</td>
                <td>{r.responsive}</td>
                <td>{r.predictive}</td>
                <td className="mono">{r.meanF1.toFixed(3)}</td>
                <td className="mono">{r.bestF1.toFixed(3)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="muted">Click a region to show only its contacts below; the cortex can show the mean F1 per AAL parcel (“parcels” in the brain&apos;s controls).</p>
      </Card>
      <Card
        title={`Contacts (${a.contacts.length})`}
        actions={
          <div className="row">
            <Select aria-label="Filter by region" value={region} onChange={(e) => setView({ region: e.target.value || null })}>
              <option value="">all regions</option>
              {regions.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </Select>
          </div>
        }
      >
        <ContactsTable
          responsiveTitle="Significant responsiveness tests of 174, after FDR"
          categoryHeaders={a.categories.map((c, i) => (
            <th key={c}>
              <button className="btn btn-ghost" onClick={() => setSortBy(i)} aria-label={`Sort by F1 of ${c}`}>
                {c}
                {sortBy === i ? ' ▼' : ''}
              </button>
            </th>
          ))}
        >
          {contacts.map((c) => (
            <tr
              key={c.channelIndex}
              aria-selected={c.name === selected}
              style={c.name === selected ? { outline: '2px solid #3b5bdb' } : undefined}
              // A click on the row selects; the contact's link navigates (without a competing URL update).
              onClick={(e) => !(e.target as HTMLElement).closest('a') && setView({ contact: c.name })}
            >
              <td>
                <Link href={`${base}/contacts/${c.channelIndex}?category=${encodeURIComponent(category)}`}>{c.name}</Link>
              </td>
              <ContactResultCells contact={c} />
            </tr>
          ))}
        </ContactsTable>
      </Card>
      {isMemberEditor(a.access) && <ShareCard labId={labId} objectKind="analysis" objectId={analysisId} />}
      {isMemberEditor(a.access) && a.status === 'ready' && <PublishCard labId={labId} analysisId={analysisId} analysisName={a.name} />}
    </div>
  );
}
