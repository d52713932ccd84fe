import { TRPCError } from '@trpc/server';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyses, analysisContacts, datasets, type SignaturesSummary } from '@/db/schema';
import { databaseKind, startTestPlatform, type TestPlatform } from '@/server/testing/harness';
import type { SessionUser } from '@/server/trpc/init';
import type { SimilarSignature } from './catalogue';

const range = (start: number, stop: number, step: number) => Array.from({ length: Math.round((stop - start) / step) + 1 }, (_, i) => start + i * step);
/** Two presets' grids: the analyses being compared do not share one. */
const coarse = { freqs: range(4, 148, 8), times: range(-0.5, 0.875, 0.125) };
const fine = { freqs: range(4, 148, 4), times: range(-0.5, 0.9375, 0.0625) };
type Grid = typeof coarse;

const bump = (f0: number, fw: number, t0: number, sign = 1) => (f: number, t: number) => sign * Math.exp(-(((f - f0) / fw) ** 2) - ((t - t0) / 0.15) ** 2);
const faceGamma = bump(100, 25, 0.25);
/** The same band 40 Hz lower: partly like faceGamma. */
const lowerGamma = bump(60, 25, 0.25);
const houseAlpha = bump(10, 6, 0.45, -1);
/** Deterministic noise in [-amplitude, amplitude]. */
const noisy = (pattern: (f: number, t: number) => number, amplitude: number) => (f: number, t: number) => pattern(f, t) + amplitude * Math.sin(f * 12.9898 + t * 78.233);

const sample = (grid: Grid, pattern: (f: number, t: number) => number) => Float32Array.from(grid.freqs.flatMap((f) => grid.times.map((t) => pattern(f, t))));

describe(`signature catalogue (${databaseKind})`, () => {
  let platform: TestPlatform;
  let editor: SessionUser;
  let viewer: SessionUser;
  let outsider: SessionUser;
  let partner: SessionUser;
  let labId: string;
  let partnerLabId: string;
  const id: Record<string, string> = {};

  async function plantDataset(lab: string, name: string, createdBy: string) {
    const [d] = await platform.runtime.db
      .insert(datasets)
      .values({ labId: lab, name, source: 'synthetic', modality: 'seeg', categories: ['face', 'house'], createdBy })
      .returning({ id: datasets.id });
    return d!.id;
  }

  /** A finished Level 1 analysis whose face clusters have the given prototypes; members c<k>-<i> are contacts. */
  async function plantAnalysis(lab: string, datasetId: string, name: string, grid: Grid, faceClusters: ((f: number, t: number) => number)[]) {
    const clusters = faceClusters.map((_, k) => ({ id: k + 1, members: [`${name}-c${k + 1}a`, `${name}-c${k + 1}b`], regions: ['BA37', 'BA37'] }));
    const prototypes = new Float32Array(faceClusters.flatMap((p) => Array.from(sample(grid, p))));
    const summary: SignaturesSummary = {
      categories: ['face', 'house'],
      freqs: grid.freqs,
      binTimes: grid.times,
      threshold: 0.39,
      thresholdMethod: 'empirical',
      nullP: 1e-5,
      nullValues: 100,
      nTested: 4,
      nResponsive: 4,
      responsiveOnly: true,
      predictive: { face: clusters.flatMap((c) => c.members), house: [] },
      clusters: { face: { k: clusters.length, method: 'ward', clusters, leaves: clusters.flatMap((c) => c.members), links: [] } },
    };
    const key = (await platform.runtime.blobs.put(new Uint8Array(prototypes.buffer))).key;
    const [a] = await platform.runtime.db
      .insert(analyses)
      .values({ labId: lab, datasetId, kind: 'signatures', name, params: {}, status: 'ready', summary, blobs: { 'prototypes:face': key } })
      .returning({ id: analyses.id });
    // Every member is a contact; its maps (categories x importance, mean log power, signature) carry its cluster's pattern.
    const size = grid.freqs.length * grid.times.length;
    let channelIndex = 0;
    for (const [k, cluster] of clusters.entries()) {
      for (const member of cluster.members) {
        const maps = new Float32Array(2 * 3 * size);
        maps.set(sample(grid, (f, t) => Math.sign(Math.round(faceClusters[k]!(f, t)))), 2 * size);
        const mapsKey = (await platform.runtime.blobs.put(new Uint8Array(maps.buffer))).key;
        const mdiKey = (await platform.runtime.blobs.put(new Uint8Array(new Float32Array(size).buffer))).key;
        await platform.runtime.db.insert(analysisContacts).values({
          analysisId: a!.id,
          channelIndex: channelIndex++,
          name: member,
          region: 'BA37',
          nTrials: 100,
          f1: [0.6, 0.1],
          accuracy: 0.4,
          confusion: [],
          nullF1: [0.1, 0.1],
          blobs: { maps: mapsKey, mdi: mdiKey, shape: `${grid.freqs.length}x${grid.times.length}` },
        });
      }
    }
    return a!.id;
  }

  const label = (s: SimilarSignature) => (s.kind === 'cluster' ? `${s.analysisName}:${s.clusterId}` : `entry:${s.name}`);

  const code = async (p: Promise<unknown>) => {
    const error = await p.then(
      () => null,
      (e: unknown) => e,
    );
    return error instanceof TRPCError ? error.code : error;
  };

  beforeAll(async () => {
    platform = await startTestPlatform();
    [editor, viewer, outsider, partner] = await Promise.all(['Editor', 'Viewer', 'Outsider', 'Partner'].map((n) => platform.user(n)));
    labId = (await platform.as(editor).labs.create({ name: 'Home lab', description: '' })).id;
    partnerLabId = (await platform.as(partner).labs.create({ name: 'Partner lab', description: '' })).id;
    await platform.as(outsider).labs.create({ name: 'Elsewhere', description: '' });
    const invitation = await platform.as(editor).invitations.create({ labId, role: 'viewer', expiresInDays: 7, note: '' });
    await platform.as(viewer).invitations.accept({ token: invitation.token });

    // Two patients of the home lab on different grids, and a partner lab sharing one dataset but not another.
    const p1 = await plantDataset(labId, 'Patient 1', editor.id);
    const p2 = await plantDataset(labId, 'Patient 2', editor.id);
    const shared = await plantDataset(partnerLabId, 'Partner patient', partner.id);
    const unshared = await plantDataset(partnerLabId, 'Partner private', partner.id);
    id.p1 = await plantAnalysis(labId, p1, 'P1', coarse, [faceGamma, houseAlpha]);
    id.p2 = await plantAnalysis(labId, p2, 'P2', fine, [houseAlpha, noisy(faceGamma, 0.05)]);
    id.shared = await plantAnalysis(partnerLabId, shared, 'Shared', coarse, [lowerGamma]);
    id.unshared = await plantAnalysis(partnerLabId, unshared, 'Private', coarse, [faceGamma]);
    await platform.as(partner).sharing.share({ labId: partnerLabId, objectKind: 'dataset', objectId: shared, granteeLabId: labId, role: 'viewer' });
  });
  afterAll(() => platform.close());

  it('promotes a cluster with its prototype map, and finds the planted copy in another patient first', async () => {
    const { entryId } = await platform.as(editor).catalogue.promote({
      labId,
      analysisLabId: labId,
      analysisId: id.p1!,
      source: { type: 'cluster', category: 'face', clusterId: 1 },
      name: 'Face gamma burst',
      description: 'Broadband 70-150 Hz increase 100-350 ms',
      tags: ['Face', 'gamma ', 'face'],
    });
    id.entry = entryId;
    const entry = await platform.as(viewer).catalogue.get({ labId, entryId });
    expect(entry.tags).toEqual(['face', 'gamma']);
    expect(entry.source).toEqual({ type: 'cluster', category: 'face', clusterId: 1, contacts: ['P1-c1a', 'P1-c1b'] });
    expect(entry.map.freqs).toEqual(coarse.freqs);
    expect(entry.map.values).toEqual(Array.from(sample(coarse, faceGamma)));
    expect(entry.evidence!.page.path).toBe(`/labs/${labId}/analyses/${id.p1}/signatures/face`);
    expect(entry.evidence!.contacts.map((c) => [c.name, c.channelIndex])).toEqual([
      ['P1-c1a', 0],
      ['P1-c1b', 1],
    ]);

    const similar = await platform.as(viewer).catalogue.similar({ labId, query: { entryId } });
    expect(similar.map(label).slice(0, 2)).toEqual(['P2:2', 'Shared:1']);
    expect(similar.map(label).slice(2).sort()).toEqual(['P1:2', 'P2:1']);
    const [first, second] = similar;
    expect(first!.similarity).toBeGreaterThan(0.95);
    expect(first).toMatchObject({ kind: 'cluster', datasetName: 'Patient 2', category: 'face', path: `/labs/${labId}/analyses/${id.p2}/signatures/face` });
    // The partner's shared analysis is found, with its lab; the partner's unshared one never is.
    expect(second).toMatchObject({ kind: 'cluster', labName: 'Partner lab', datasetName: 'Partner patient' });
    expect(second!.similarity).toBeGreaterThan(0.2);
    expect(second!.similarity).toBeLessThan(0.9);
    expect(Math.abs(similar[2]!.similarity)).toBeLessThan(0.05);
  });

  it('ranks catalogue entries too, for an arbitrary cluster or contact, without the query itself', async () => {
    const byCluster = await platform.as(viewer).catalogue.similar({ labId, query: { analysisLabId: labId, analysisId: id.p2!, source: { type: 'cluster', category: 'face', clusterId: 2 } } });
    expect(byCluster.slice(0, 2).map((s) => s.kind)).toEqual(expect.arrayContaining(['entry', 'cluster']));
    expect(byCluster[0]!.similarity).toBeGreaterThan(0.95);
    expect(byCluster.some((s) => s.kind === 'cluster' && s.analysisId === id.p2 && s.clusterId === 2)).toBe(false);

    const byContact = await platform.as(viewer).catalogue.similar({ labId, query: { analysisLabId: labId, analysisId: id.p1!, source: { type: 'contact', category: 'face', channelIndex: 0 } } });
    // The contact's ternary signature is most like the face prototypes: its own cluster's, the entry's, the planted copy.
    expect(byContact[2]!.similarity).toBeGreaterThan(0.7);
    expect(byContact.slice(0, 3).map(label).sort()).toEqual(['P1:1', 'P2:2', 'entry:Face gamma burst']);
  });

  it('promotes a contact signature, and one from an analysis another lab shares', async () => {
    const contact = await platform.as(editor).catalogue.promote({
      labId,
      analysisLabId: labId,
      analysisId: id.p1!,
      source: { type: 'contact', category: 'face', channelIndex: 1 },
      name: 'P1-c1b face',
      tags: ['single contact'],
    });
    const entry = await platform.as(editor).catalogue.get({ labId, entryId: contact.entryId });
    expect(entry.source).toEqual({ type: 'contact', category: 'face', channelIndex: 1, contact: 'P1-c1b' });
    expect(entry.map.values).toEqual(Array.from(sample(coarse, (f, t) => Math.sign(Math.round(faceGamma(f, t))))));
    expect(entry.evidence!.page.path).toBe(`/labs/${labId}/analyses/${id.p1}/contacts/1?category=face`);

    const fromPartner = await platform.as(editor).catalogue.promote({
      labId,
      analysisLabId: partnerLabId,
      analysisId: id.shared!,
      source: { type: 'cluster', category: 'face', clusterId: 1 },
      name: 'Lower gamma (partner)',
      tags: ['face'],
    });
    const shared = await platform.as(viewer).catalogue.get({ labId, entryId: fromPartner.entryId });
    expect(shared.evidence!.analysis).toMatchObject({ labId: partnerLabId, labName: 'Partner lab', path: `/labs/${partnerLabId}/analyses/${id.shared}` });
  });

  it('lists and filters by tag and text; editors edit and remove, viewers cannot', async () => {
    const all = await platform.as(viewer).catalogue.list({ labId });
    expect(all.entries).toHaveLength(3);
    expect(all.tags).toEqual(['face', 'gamma', 'single contact']);
    expect((await platform.as(viewer).catalogue.list({ labId, tag: 'Face' })).entries.map((e) => e.name).sort()).toEqual(['Face gamma burst', 'Lower gamma (partner)']);
    expect((await platform.as(viewer).catalogue.list({ labId, text: '70-150' })).entries.map((e) => e.name)).toEqual(['Face gamma burst']);
    expect((await platform.as(viewer).catalogue.list({ labId, text: '%' })).entries).toEqual([]);

    const target = all.entries.find((e) => e.name === 'P1-c1b face')!;
    expect(await code(platform.as(viewer).catalogue.update({ labId, entryId: target.id, name: 'Renamed' }))).toBe('FORBIDDEN');
    expect(await code(platform.as(viewer).catalogue.remove({ labId, entryId: target.id }))).toBe('FORBIDDEN');
    await platform.as(editor).catalogue.update({ labId, entryId: target.id, name: 'One face contact', description: 'kept for comparison', tags: ['contact'] });
    await platform.as(editor).catalogue.update({ labId, entryId: target.id, tags: ['contact', 'Face'] });
    expect(await platform.as(viewer).catalogue.get({ labId, entryId: target.id })).toMatchObject({ name: 'One face contact', description: 'kept for comparison', tags: ['contact', 'face'] });
    await platform.as(editor).catalogue.remove({ labId, entryId: target.id });
    expect(await code(platform.as(viewer).catalogue.get({ labId, entryId: target.id }))).toBe('NOT_FOUND');
  });

  it('keeps an entry and its map when its analysis is deleted, without evidence', async () => {
    await platform.runtime.db.delete(analyses).where(eq(analyses.id, id.p1!));
    const entry = await platform.as(viewer).catalogue.get({ labId, entryId: id.entry! });
    expect(entry.analysisId).toBeNull();
    expect(entry.evidence).toBeNull();
    expect(entry.datasetName).toBe('Patient 1');
    expect(entry.map.values).toEqual(Array.from(sample(coarse, faceGamma)));
    const similar = await platform.as(viewer).catalogue.similar({ labId, query: { entryId: id.entry! } });
    expect(similar[0]).toMatchObject({ kind: 'cluster', analysisName: 'P2', clusterId: 2 });
  });

  it('keeps the catalogue to its lab: outsiders get NOT_FOUND, viewers cannot promote, unshared analyses are not found', async () => {
    const cluster = { type: 'cluster', category: 'face', clusterId: 1 } as const;
    expect(await code(platform.as(outsider).catalogue.list({ labId }))).toBe('NOT_FOUND');
    expect(await code(platform.as(outsider).catalogue.get({ labId, entryId: id.entry! }))).toBe('NOT_FOUND');
    expect(await code(platform.as(outsider).catalogue.similar({ labId, query: { entryId: id.entry! } }))).toBe('NOT_FOUND');
    expect(await code(platform.as(viewer).catalogue.promote({ labId, analysisLabId: labId, analysisId: id.p2!, source: cluster, name: 'x' }))).toBe('FORBIDDEN');
    // The partner's private analysis: not shared with the home lab, so it does not exist for its editor.
    expect(await code(platform.as(editor).catalogue.promote({ labId, analysisLabId: partnerLabId, analysisId: id.unshared!, source: cluster, name: 'x' }))).toBe('NOT_FOUND');
    expect(
      await code(platform.as(editor).catalogue.similar({ labId, query: { analysisLabId: partnerLabId, analysisId: id.unshared!, source: cluster } })),
    ).toBe('NOT_FOUND');
    // Naming the home lab as the owner of the partner's analysis opens nothing either.
    expect(await code(platform.as(editor).catalogue.promote({ labId, analysisLabId: labId, analysisId: id.unshared!, source: cluster, name: 'x' }))).toBe('NOT_FOUND');
  });
});
