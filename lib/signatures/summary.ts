/**
 * The analysis-wide step of Level 1, after every contact is done: which contacts are responsive (FDR across
 * contacts), the predictive threshold from the shuffled-label null pooled over the responsive contacts, the
 * predictive contacts of each category, and the clusters of their signatures.
 */
import type { DendrogramLink } from '../ml/cluster/hierarchical';
import { predictiveThreshold } from './analyze';
import { clusterSignatures } from './cluster';
import { responsiveContacts } from './responsiveness';

export interface ContactOutcome {
  name: string;
  region: string | null;
  f1: readonly number[];
  nullF1: readonly number[];
  /** Responsiveness p-values (bands x windows, responsivenessPValues); absent: counted as responsive. */
  responsivenessP?: readonly number[] | null;
  /** The contact's ternary signature for a category (nFreqs x nBins). */
  signature(category: number): ArrayLike<number> | Promise<ArrayLike<number>>;
}

export interface CategoryClusters {
  k: number;
  method: 'ward' | 'cosine-complete';
  clusters: { id: number; members: string[]; regions: string[]; prototype: Float32Array }[];
  /** Members in dendrogram order, and the dendrogram's links (SciPy's coordinates: leaf i at x = 5 + 10 i). */
  leaves: string[];
  links: Pick<DendrogramLink, 'x' | 'y'>[];
}

export interface SummaryOptions {
  nullP: number;
  method: 'ward' | 'cosine-complete';
  k: number;
  /** The paper's selection: only responsive contacts can be predictive, and only their null sets the threshold. */
  responsiveOnly: boolean;
}

export async function summarizeSignatures(
  contacts: readonly ContactOutcome[],
  categories: readonly string[],
  options: SummaryOptions,
) {
  const tested = contacts.filter((c) => c.responsivenessP);
  const significant = new Map<ContactOutcome, { n: number; responsive: boolean }>();
  if (tested.length) {
    const r = responsiveContacts(tested.map((c) => Float64Array.from(c.responsivenessP!)));
    tested.forEach((c, i) => significant.set(c, { n: r.significant[i]!, responsive: r.responsive[i]! }));
  }
  const isResponsive = (c: ContactOutcome) => significant.get(c)?.responsive ?? true;
  const eligible = options.responsiveOnly ? contacts.filter(isResponsive) : contacts;
  const threshold = predictiveThreshold((eligible.length ? eligible : contacts).map((c) => c.nullF1), options.nullP);
  const predictive: Record<string, string[]> = {};
  const clusters: Record<string, CategoryClusters> = {};
  for (const [c, category] of categories.entries()) {
    const members = eligible.filter((r) => r.f1[c]! > threshold.value);
    predictive[category] = members.map((r) => r.name);
    if (members.length === 0) continue;
    const maps = await Promise.all(members.map((r) => r.signature(c)));
    const k = Math.min(options.k, members.length);
    const clustering = clusterSignatures(maps, { method: options.method, k });
    clusters[category] = {
      k,
      method: options.method,
      clusters: clustering.clusters.map((cl) => ({
        id: cl.id,
        members: cl.members.map((m) => members[m]!.name),
        regions: cl.members.map((m) => members[m]!.region ?? '?'),
        prototype: Float32Array.from(cl.prototype),
      })),
      leaves: Array.from(clustering.leaves, (m) => members[m]!.name),
      links: clustering.links.map(({ x, y }) => ({ x, y })),
    };
  }
  return {
    threshold: threshold.value,
    thresholdMethod: threshold.method,
    nullValues: threshold.nullValues,
    /** Per contact, in input order: significant responsiveness tests (null when not tested) and the verdict. */
    responsiveness: contacts.map((c) => ({ nSignificant: significant.get(c)?.n ?? null, responsive: isResponsive(c) })),
    predictive,
    clusters,
  };
}
