/**
 * The analysis-wide step of Level 1, after every contact is done: the predictive threshold from the pooled
 * shuffled-label null, the predictive contacts of each category, and the clusters of their signatures.
 */
import { predictiveThreshold } from './analyze';
import { clusterSignatures } from './cluster';

export interface ContactOutcome {
  name: string;
  region: string | null;
  f1: readonly number[];
  nullF1: readonly number[];
  /** The contact's ternary signature for a category (nFreqs x nBins). */
  signature(category: number): ArrayLike<number> | Promise<ArrayLike<number>>;
}

export interface CategoryClusters {
  k: number;
  method: 'ward' | 'cosine-complete';
  clusters: { id: number; members: string[]; regions: string[]; prototype: Float32Array }[];
  /** Members in dendrogram order. */
  leaves: string[];
}

export async function summarizeSignatures(
  contacts: readonly ContactOutcome[],
  categories: readonly string[],
  options: { nullP: number; method: 'ward' | 'cosine-complete'; k: number },
) {
  const threshold = predictiveThreshold(contacts.map((c) => c.nullF1), options.nullP);
  const predictive: Record<string, string[]> = {};
  const clusters: Record<string, CategoryClusters> = {};
  for (const [c, category] of categories.entries()) {
    const members = contacts.filter((r) => r.f1[c]! > threshold);
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
    };
  }
  return { threshold, nullValues: contacts.reduce((n, c) => n + c.nullF1.length, 0), predictive, clusters };
}
