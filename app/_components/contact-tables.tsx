/**
 * The contacts tables an analysis page and its published copy (/p/<slug>/v<N>) both show. No hooks and no
 * 'use client': a server component renders them as they are, a client one bundles them.
 */
import type { ReactNode } from 'react';
import { Card } from './ui';

/** A p-value as the RSA tables write it. */
export const fmtP = (v: number | null) => (v === null ? '' : v < 1e-3 ? v.toExponential(0) : v.toFixed(3));

/** What a Level 1 contact's row shows after its name. */
export interface ContactResult {
  region: string | null;
  nTrials: number;
  responsive: boolean | null;
  nSignificant: number | null;
  f1: number[];
  predictive: boolean[] | null;
}

/** A Level 1 contact's cells after its name: region, trials, responsiveness and the F1 per category (bold: predictive). */
export function ContactResultCells({ contact: c }: { contact: ContactResult }) {
  return (
    <>
      <td>{c.region ?? '—'}</td>
      <td>{c.nTrials}</td>
      <td className="mono">{c.responsive === null ? '' : `${c.responsive ? 'yes' : 'no'} (${c.nSignificant ?? '–'})`}</td>
      {c.f1.map((f, i) => (
        <td key={i} className="mono" style={c.predictive?.[i] ? { fontWeight: 700, background: '#e5e9ff' } : undefined}>
          {f.toFixed(2)}
        </td>
      ))}
    </>
  );
}

/**
 * The Level 1 contacts table: one row per contact, its name cell then ContactResultCells; `categoryHeaders` head
 * the F1 columns (one per category). The note on F1 follows it.
 */
export function ContactsTable({ categoryHeaders, responsiveTitle, children }: { categoryHeaders: ReactNode; responsiveTitle?: string; children: ReactNode }) {
  return (
    <>
      <div style={{ overflowX: 'auto' }}>
        <table aria-label="Contacts">
          <thead>
            <tr>
              <th>Contact</th>
              <th>Region</th>
              <th>Trials</th>
              <th title={responsiveTitle}>Responsive</th>
              {categoryHeaders}
            </tr>
          </thead>
          <tbody>{children}</tbody>
        </table>
      </div>
      <p className="muted">F1 per category from stratified cross-validated predictions; bold: predictive.</p>
    </>
  );
}

/** A Level 2 contact: per band, its best (layer, rho, p) of the trained network, null when no pair was tested. */
export interface RsaContact {
  name: string;
  region: string | null;
  bands: ({ layer: number; rho: number; p: number } | null)[];
}

/**
 * The contacts with a tested pair and their best layer per band (trained network). The p-value stands in a cell's
 * tooltip, or with `pInline` in the cell itself (the published page).
 */
export function RsaContactsCard({ bands, contacts, layerLabels, pInline = false }: { bands: string[]; contacts: RsaContact[]; layerLabels: string[]; pInline?: boolean }) {
  return (
    <Card title="Contacts: best layer per band (trained network)">
      <table aria-label="Contacts">
        <thead>
          <tr>
            <th>Contact</th>
            <th>Region</th>
            {bands.map((b) => (
              <th key={b}>{b}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {contacts
            .filter((c) => c.bands.some((b) => b !== null))
            .map((c) => (
              <tr key={c.name}>
                <td>{c.name}</td>
                <td>{c.region ?? '—'}</td>
                {c.bands.map((b, i) =>
                  pInline ? (
                    <td key={i}>{b ? `${layerLabels[b.layer]} (ρ ${b.rho.toFixed(2)}, p ${b.p.toPrecision(2)})` : '—'}</td>
                  ) : (
                    <td key={i} title={b ? `p = ${fmtP(b.p)}` : 'not responsive'}>
                      {b ? `${layerLabels[b.layer]} (ρ ${b.rho.toFixed(2)})` : '—'}
                    </td>
                  ),
                )}
              </tr>
            ))}
        </tbody>
      </table>
    </Card>
  );
}
