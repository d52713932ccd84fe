/** Level 2 results as files: per-contact scores (CSV) and the alignment table (CSV, JSON rows), for the job's downloads and the CLI. */
import type { RsaSummary } from '@/db/schema';

const csvCell = (v: string | number | null) => (typeof v === 'string' && /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v === null || Number.isNaN(v) ? '' : String(v));

/** Alignment per band/window for both networks, as rows (the paper's table, long form). */
export function alignmentRows(summary: RsaSummary) {
  return summary.bandWindows.flatMap((bw, k) =>
    (['trained', 'random'] as const).map((network) => {
      const a = summary.networks[network].alignment[k]!;
      return { band: summary.bands[Math.floor(k / summary.windows.length)]!, window: summary.windows[k % summary.windows.length]!, label: bw, network, ...a, nResponsive: summary.nResponsive[k]! };
    }),
  );
}

/** Per contact, band/window and layer: rho and p of both networks (tested pairs only). */
export function contactsCsvOf(summary: RsaSummary, rho: Record<'trained' | 'random', Float32Array>, p: Record<'trained' | 'random', Float32Array>) {
  const nC = summary.contacts.length;
  const nL = summary.layers.length;
  const lines = ['contact,region,band_window,layer,rho_trained,p_trained,rho_random,p_random'];
  summary.bandWindows.forEach((bw, k) => {
    summary.contacts.forEach((c, ci) => {
      for (let l = 0; l < nL; l++) {
        const i = (k * nC + ci) * nL + l;
        if (!Number.isFinite(rho.trained[i])) continue;
        lines.push([c.name, c.region, bw, summary.layers[l]!, rho.trained[i]!, p.trained[i]!, rho.random[i]!, p.random[i]!].map(csvCell).join(','));
      }
    });
  });
  return `${lines.join('\n')}\n`;
}

export function alignmentCsvOf(summary: RsaSummary) {
  const rows = alignmentRows(summary).map((r) => [r.band, r.window[0], r.window[1], r.network, r.rho, r.p, r.nPairs, r.nResponsive].map(csvCell).join(','));
  return `band,window_start_s,window_end_s,network,rho,p,n_pairs,n_responsive_contacts\n${rows.join('\n')}\n`;
}

