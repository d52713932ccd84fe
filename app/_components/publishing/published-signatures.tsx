'use client';

import { useMemo, useState } from 'react';
import type { SignaturesSummary } from '@/db/schema';
import type { PublishedContactMaps } from '@/server/services/publishing';
import { BrainView } from '../brain/BrainView';
import { Heatmap } from '../heatmap';
import { ErrorMessage, Select } from '../ui';

/** What the interactive views need of a published contact. */
export interface PublishedElectrode {
  channelIndex: number;
  name: string;
  region: string | null;
  x: number | null;
  y: number | null;
  z: number | null;
  f1: number[];
  predictive: boolean[] | null;
}

/**
 * A published Level 1 result, read-only: the brain coloured by a category's F1 and the chosen contact's importance
 * map and signature. Maps come from the publication's immutable JSON (`base`/contacts/<index>.json), so this works
 * without an account; the first contact's maps arrive with the page.
 */
export function PublishedSignatures({
  base,
  summary,
  contacts,
  initial,
}: {
  base: string;
  summary: Pick<SignaturesSummary, 'categories' | 'freqs' | 'binTimes'>;
  contacts: PublishedElectrode[];
  initial: PublishedContactMaps | null;
}) {
  const { categories, freqs, binTimes } = summary;
  const [category, setCategory] = useState(() => Math.max(0, initial ? initial.f1.indexOf(Math.max(...initial.f1)) : 0));
  const [loaded, setLoaded] = useState<Record<number, PublishedContactMaps>>(initial ? { [initial.channelIndex]: initial } : {});
  const [selected, setSelected] = useState<number | null>(initial?.channelIndex ?? null);
  const [error, setError] = useState<string | null>(null);
  const placed = useMemo(
    () => contacts.flatMap((c) => (c.x === null || c.y === null || c.z === null ? [] : [{ name: c.name, x: c.x, y: c.y, z: c.z, region: c.region ?? undefined, value: c.f1[category] }])),
    [contacts, category],
  );

  const select = async (channelIndex: number) => {
    setSelected(channelIndex);
    setError(null);
    if (loaded[channelIndex]) return;
    const response = await fetch(`${base}/contacts/${channelIndex}.json`);
    if (!response.ok) return setError(`The maps of this contact could not be loaded: ${(await response.text()).trim()}`);
    const maps = (await response.json()) as PublishedContactMaps;
    setLoaded((all) => ({ ...all, [channelIndex]: maps }));
  };
  const maps = selected === null ? undefined : loaded[selected];
  const selectedName = contacts.find((c) => c.channelIndex === selected)?.name ?? null;

  return (
    <div className="stack">
      <div className="row">
        <Select aria-label="Category" value={category} onChange={(e) => setCategory(Number(e.target.value))}>
          {categories.map((c, i) => (
            <option key={c} value={i}>
              {c}
            </option>
          ))}
        </Select>
        <Select aria-label="Contact" value={selected ?? ''} onChange={(e) => void select(Number(e.target.value))}>
          {contacts.map((c) => (
            <option key={c.channelIndex} value={c.channelIndex}>
              {c.name} ({c.region ?? 'no region'}){c.predictive?.some(Boolean) ? ' · predictive' : ''}
            </option>
          ))}
        </Select>
      </div>
      {placed.length > 0 && (
        <div data-testid="published-brain">
          <BrainView
            electrodes={placed}
            valueLabel={`F1 of ${categories[category]}`}
            colormap="viridis"
            selected={selectedName}
            onSelect={(name) => {
              const contact = contacts.find((c) => c.name === name);
              if (contact) void select(contact.channelIndex);
            }}
            height={440}
          />
        </div>
      )}
      <ErrorMessage error={error} />
      {maps ? (
        <div className="row" style={{ alignItems: 'flex-start' }} data-testid="published-heatmap">
          <Heatmap values={maps.importance[category]!} freqs={freqs} times={binTimes} label={`${maps.name}: importance for ${categories[category]} (F1 ${maps.f1[category]!.toFixed(2)})`} />
          <Heatmap values={maps.signatures[category]!} freqs={freqs} times={binTimes} colormap="rdbu" label={`${maps.name}: signature of ${categories[category]}`} unit="+1 increase, −1 decrease" />
        </div>
      ) : (
        selected !== null && !error && <p className="muted">Loading the maps…</p>
      )}
      <p className="muted">Click a contact on the brain or choose it above for its maps. Frequency (Hz) up, time (ms from stimulus onset) right.</p>
    </div>
  );
}
