'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { AddToCatalogue } from '../../../../../../_components/catalogue/add-to-catalogue';
import { ContactImportanceMap, ContactThreads, useContactAnnotating } from '../../../../../../_components/annotations/contact-annotations';
import { Heatmap } from '../../../../../../_components/heatmap';
import { useTRPC } from '../../../../../../_components/trpc';
import { Badge, Card, ErrorMessage, Select } from '../../../../../../_components/ui';

/**
 * One contact: its importance maps per category, mean log power, signature and confusion matrix. The category shown
 * is in the URL (?category=), so a link opens the same map; the way back keeps the contact selected.
 */
export function ContactView({ labId, analysisId, channelIndex }: { labId: string; analysisId: string; channelIndex: number }) {
  const trpc = useTRPC();
  const contact = useQuery(trpc.analyses.contact.queryOptions({ labId, analysisId, channelIndex }));
  const router = useRouter();
  const pathname = usePathname();
  const chosen = useSearchParams().get('category');
  const annotating = useContactAnnotating({ labId, analysisId, channelIndex });
  if (contact.error) return <ErrorMessage error={contact.error} />;
  const c = contact.data;
  if (!c?.summary) return <p className="muted">Loading…</p>;
  const { categories, freqs, binTimes, threshold } = c.summary;
  // Without a category in the URL, open on the one this contact predicts best.
  const shown = chosen !== null && categories.includes(chosen) ? categories.indexOf(chosen) : c.f1.indexOf(Math.max(...c.f1));
  const base = `/labs/${labId}/analyses/${analysisId}`;
  const back = `${base}?${new URLSearchParams({ category: categories[shown]!, contact: c.name })}`;
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <p className="subtitle">
            <Link href={`/labs/${labId}`}>Lab</Link> / <Link href={back}>Analysis</Link> /
          </p>
          <h1>
            {c.name} <span className="muted">{c.region ?? ''}</span>
          </h1>
          <p className="subtitle">
            {c.nTrials} trials · accuracy {c.accuracy.toFixed(2)} · predictive of{' '}
            {categories.filter((_, i) => c.predictive?.[i]).join(', ') || 'no category'} (F1 &gt; {threshold.toFixed(3)})
          </p>
        </div>
        <a className="btn btn-secondary" href={`/api/labs/${labId}/analyses/${analysisId}/contacts/${channelIndex}/decoder.onnx`}>
          Download decoder (ONNX)
        </a>
      </div>
      <Card
        title="Maps"
        actions={
          <Select aria-label="Category" value={shown} onChange={(e) => router.replace(`${pathname}?category=${encodeURIComponent(categories[Number(e.target.value)]!)}`, { scroll: false })}>
            {categories.map((name, i) => (
              <option key={name} value={i}>
                {name} (F1 {c.f1[i]!.toFixed(2)})
              </option>
            ))}
          </Select>
        }
      >
        <div className="row" style={{ alignItems: 'flex-start' }}>
          <ContactImportanceMap annotating={annotating} contact={c.name} category={categories[shown]!} values={c.importance[shown]!} freqs={freqs} times={binTimes} label={`Importance for ${categories[shown]}`} />
          <Heatmap values={c.meanLogPower[shown]!} freqs={freqs} times={binTimes} colormap="rdbu" label={`Mean log power of ${categories[shown]} trials`} unit="log ratio to baseline" />
          <Heatmap values={c.signatures[shown]!} freqs={freqs} times={binTimes} colormap="rdbu" label={`Signature of ${categories[shown]}`} unit="+1 increase, −1 decrease" />
          <Heatmap values={c.mdi} freqs={freqs} times={binTimes} label="Mean decrease in impurity (all categories)" />
        </div>
        <p className="muted">Frequency (Hz) up, time (ms from stimulus onset, dashed line) right.</p>
        <AddToCatalogue
          key={shown}
          analysisLabId={labId}
          analysisId={analysisId}
          source={{ type: 'contact', category: categories[shown]!, channelIndex }}
          defaultName={`${c.name} ${categories[shown]}`}
        />
      </Card>
      {annotating.rights.canRead && (
        <Card title="Annotations">
          <ContactThreads annotating={annotating} contact={c.name} category={categories[shown]!} />
        </Card>
      )}
      <Card title="Confusion matrix (cross-validated)">
        <table aria-label="Confusion matrix">
          <thead>
            <tr>
              <th>true \ predicted</th>
              {categories.map((n) => (
                <th key={n}>{n}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {c.confusion.map((row, i) => (
              <tr key={categories[i]}>
                <th>{categories[i]}</th>
                {row.map((v, j) => (
                  <td key={j} className="mono" style={i === j ? { fontWeight: 700 } : undefined}>
                    {v}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        <p>
          {categories.map((n, i) => (
            <Badge key={n} tone={c.predictive?.[i] ? 'success' : 'neutral'}>
              {n} F1 {c.f1[i]!.toFixed(2)}
            </Badge>
          ))}
        </p>
      </Card>
    </div>
  );
}
