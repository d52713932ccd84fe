/** Tables of a Level 1 result as files scientists open elsewhere. */

const cell = (v: string | number) => (typeof v === 'number' ? String(v) : /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/**
 * contacts.csv: contact, region, trials, responsiveness (significant tests after FDR, empty when not tested, and the
 * verdict), per-category F1 and predictive flag, and the threshold used.
 */
export function contactsCsv(
  rows: readonly { name: string; region: string | null; nTrials: number; f1: readonly number[]; predictive: readonly boolean[] | null; nSignificant: number | null; responsive: boolean | null }[],
  categories: readonly string[],
  threshold: number,
): string {
  const header = [
    'contact',
    'region',
    'n_trials',
    'n_significant',
    'responsive',
    ...categories.map((c) => `f1_${c}`),
    ...categories.map((c) => `predictive_${c}`),
    'threshold',
  ];
  const lines = rows.map((r) =>
    [
      r.name,
      r.region ?? '',
      r.nTrials,
      r.nSignificant ?? '',
      r.responsive === false ? 0 : 1,
      ...r.f1.map((f) => Number(f.toFixed(6))),
      ...r.f1.map((_, c) => (r.predictive?.[c] ? 1 : 0)),
      Number(threshold.toFixed(6)),
    ]
      .map(cell)
      .join(','),
  );
  return [header.join(','), ...lines].join('\n') + '\n';
}
