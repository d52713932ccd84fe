import { eq } from 'drizzle-orm';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyses, analysisContacts, channels, datasets, jobs, memberships, type RsaSummary, type SignaturesSummary } from '@/db/schema';
import { encodeArray, ndarray } from '@/lib/arrays';
import { RandomForestClassifier } from '@/lib/ml/forest/forest';
import { forestToArrays, packForest } from '@/lib/ml/forest/serialize';
import { databaseKind, startTestPlatform, type TestPlatform } from '@/server/testing/harness';
import type { SessionUser } from '@/server/trpc/init';
import { getPublished, latestPublished, publishedBundle, publishedContactMaps, type RsaSnapshot, type SignaturesSnapshot } from './publishing';

const F = 3;
const T = 4;
const summary: SignaturesSummary = {
  categories: ['face', 'house'],
  freqs: [4, 8, 16],
  binTimes: [-0.1, 0, 0.1, 0.2],
  threshold: 0.6,
  thresholdMethod: 'empirical',
  nullP: 0.05,
  nullValues: 100,
  nTested: 2,
  nResponsive: 1,
  responsiveOnly: true,
  predictive: { face: ['A1'], house: [] },
  clusters: {},
};

describe(`Publishing a Level 1 analysis (${databaseKind})`, () => {
  let platform: TestPlatform;
  let owner: SessionUser;
  let editor: SessionUser;
  let viewer: SessionUser;
  let outsider: SessionUser;
  let labId: string;
  let otherLabId: string;
  let datasetId: string;
  let analysisId: string;
  let fileKey: string;
  const maps = Float32Array.from({ length: 2 * 3 * F * T }, (_, i) => i / 10);

  /** A finished Level 1 analysis written straight into the tables, as the job leaves one. */
  async function readyAnalysis(name: string, status: 'ready' | 'running' = 'ready') {
    const { db, blobs } = platform.runtime;
    const [job] = await db
      .insert(jobs)
      .values({ labId, kind: 'analysis.signatures', title: name, softwareVersion: '0.1.0+test', inputChecksums: { epochs: `sha256:${fileKey}` }, state: 'succeeded' })
      .returning();
    const [a] = await db
      .insert(analyses)
      .values({ labId, datasetId, kind: 'signatures', name, params: { preset: 'quick', seed: 0 }, status, jobId: job!.id, summary: status === 'ready' ? summary : null })
      .returning();
    const X = Float32Array.from({ length: 20 * F * T }, (_, i) => (i * 37) % 11);
    const y = Int32Array.from({ length: 20 }, (_, i) => i % 2);
    const forest = new RandomForestClassifier({ nEstimators: 3, seed: 1 });
    forest.fit(X, y, 2);
    const contactBlobs = {
      maps: (await blobs.put(new Uint8Array(maps.buffer))).key,
      mdi: (await blobs.put(new Uint8Array(new Float32Array(F * T).fill(0.5).buffer))).key,
      forest: (await blobs.put(packForest(forestToArrays(forest)))).key,
      shape: `${F}x${T}`,
    };
    const row = (channelIndex: number, name: string, f1: number[], predictive: boolean[]) => ({
      analysisId: a!.id,
      channelIndex,
      name,
      region: 'BA37',
      nTrials: 20,
      f1,
      accuracy: 0.7,
      predictive,
      confusion: [
        [8, 2],
        [3, 7],
      ],
      nullF1: [0.5],
      nSignificant: 4,
      responsive: true,
      blobs: contactBlobs,
    });
    await db.insert(analysisContacts).values([row(0, 'A1', [0.8, 0.4], [true, false]), row(1, 'A2', [0.5, 0.5], [false, false])]);
    return a!.id;
  }

  beforeAll(async () => {
    platform = await startTestPlatform();
    [owner, editor, viewer, outsider] = await Promise.all(['Owner', 'Ada Lovelace', 'Viewer', 'Outsider'].map((n) => platform.user(n)));
    labId = (await platform.as(owner).labs.create({ name: 'Vision Lab', description: '' })).id;
    otherLabId = (await platform.as(outsider).labs.create({ name: 'Other Lab', description: '' })).id;
    const { db, blobs } = platform.runtime;
    await db.insert(memberships).values([
      { labId, userId: editor.id, role: 'editor' },
      { labId, userId: viewer.id, role: 'viewer' },
    ]);
    fileKey = (await blobs.put(new TextEncoder().encode('an EDF file'))).key;
    const [d] = await db
      .insert(datasets)
      .values({ labId, name: 'Patient 3 epochs', source: 'upload', modality: 'seeg', categories: ['face', 'house'], files: [{ name: 'p3.edf', key: fileKey, size: 11 }] })
      .returning();
    datasetId = d!.id;
    await db.insert(channels).values([
      { datasetId, index: 0, name: 'A1', type: 'seeg', x: -40, y: -55, z: -12, coordFrame: 'mni_tal', region: 'BA37' },
      { datasetId, index: 1, name: 'A2', type: 'seeg', x: -42, y: -50, z: -10, coordFrame: 'mni_tal', region: 'BA37' },
    ]);
    analysisId = await readyAnalysis('Faces v houses');
  });
  afterAll(() => platform.close());

  it('publishes v1 as an immutable snapshot, then v2 at the same slug; v1 keeps showing what was published', async () => {
    const v1 = await platform.as(editor).publishing.publish({ labId, analysisId, title: 'Faces in the fusiform gyrus' });
    expect(v1).toEqual({ slug: 'faces-in-the-fusiform-gyrus', version: 1, path: '/p/faces-in-the-fusiform-gyrus/v1' });
    const view1 = await getPublished(platform.runtime, v1.slug, 1);
    expect(view1?.state).toBe('live');
    const s1 = (view1 as { snapshot: SignaturesSnapshot }).snapshot;
    expect(s1).toMatchObject({
      kind: 'signatures',
      title: 'Faces in the fusiform gyrus',
      authors: ['Ada Lovelace'],
      lab: { name: 'Vision Lab' },
      analysis: { name: 'Faces v houses' },
      parameters: { preset: 'quick', seed: 0 },
      softwareVersion: '0.1.0+test',
      inputChecksums: { epochs: `sha256:${fileKey}` },
      dataset: { name: 'Patient 3 epochs', files: [{ name: 'p3.edf', sha256: fileKey, size: 11 }] },
      summary: { threshold: 0.6, predictive: { face: ['A1'] } },
    });
    expect(s1.contacts.map((c) => [c.name, c.x, c.f1[0]])).toEqual([
      ['A1', -40, 0.8],
      ['A2', -42, 0.5],
    ]);

    // The analysis changes after publication: renamed, one contact's result rewritten.
    const { db } = platform.runtime;
    await db.update(analyses).set({ name: 'Faces v houses (rerun)' }).where(eq(analyses.id, analysisId));
    await db.update(analysisContacts).set({ f1: [0.3, 0.9] }).where(eq(analysisContacts.analysisId, analysisId));
    const v2 = await platform.as(owner).publishing.publish({ labId, analysisId, title: 'Faces, revisited', authors: ['Lovelace, Ada', 'Grace Hopper'] });
    expect(v2).toMatchObject({ slug: v1.slug, version: 2 });

    const again1 = (await getPublished(platform.runtime, v1.slug, 1)) as { snapshot: SignaturesSnapshot; versions: { version: number; live: boolean }[] };
    expect(again1.snapshot.title).toBe('Faces in the fusiform gyrus');
    expect(again1.snapshot.analysis.name).toBe('Faces v houses');
    expect(again1.snapshot.contacts[0]!.f1).toEqual([0.8, 0.4]);
    expect(again1.versions.map((v) => [v.version, v.live])).toEqual([
      [1, true],
      [2, true],
    ]);
    const s2 = ((await getPublished(platform.runtime, v1.slug, 2)) as { snapshot: SignaturesSnapshot }).snapshot;
    expect(s2).toMatchObject({ title: 'Faces, revisited', authors: ['Lovelace, Ada', 'Grace Hopper'], analysis: { name: 'Faces v houses (rerun)' } });
    expect(s2.contacts[0]!.f1).toEqual([0.3, 0.9]);

    const listed = await platform.as(viewer).publishing.list({ labId, analysisId });
    expect(listed.map((p) => [p.version, p.title, p.path])).toEqual([
      [2, 'Faces, revisited', `/p/${v1.slug}/v2`],
      [1, 'Faces in the fusiform gyrus', `/p/${v1.slug}/v1`],
    ]);
    // A later version cannot move the address; another analysis with the same title gets its own.
    await expect(platform.as(editor).publishing.publish({ labId, analysisId, title: 'x', slug: 'elsewhere' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const other = await readyAnalysis('Second look');
    expect((await platform.as(editor).publishing.publish({ labId, analysisId: other, title: 'Faces in the fusiform gyrus' })).slug).toBe('faces-in-the-fusiform-gyrus-2');
    await expect(platform.as(editor).publishing.publish({ labId, analysisId: other, title: 'y', slug: 'faces-in-the-fusiform-gyrus' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
  });

  it('lets only editors of the owning lab publish, and only finished analyses', async () => {
    await expect(platform.as(viewer).publishing.publish({ labId, analysisId, title: 'Mine' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(platform.as(outsider).publishing.publish({ labId, analysisId, title: 'Mine' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // Naming their own lab does not reach another lab's analysis.
    await expect(platform.as(outsider).publishing.publish({ labId: otherLabId, analysisId, title: 'Mine' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(platform.as(null).publishing.publish({ labId, analysisId, title: 'Mine' })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    const running = await readyAnalysis('Still running', 'running');
    await expect(platform.as(editor).publishing.publish({ labId, analysisId: running, title: 'Too early' })).rejects.toThrow(
      '"Still running" is running; only a finished (ready) analysis can be published',
    );
    await expect(platform.as(viewer).publishing.unpublish({ labId, analysisId, version: 1, reason: 'no' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('bundles metadata, citations, the contacts table, importance maps and decoders of predictive contacts', async () => {
    const view = (await getPublished(platform.runtime, 'faces-in-the-fusiform-gyrus', 1)) as { snapshot: SignaturesSnapshot };
    const zip = unzipSync(await publishedBundle(platform.runtime.blobs, view.snapshot, 'https://example.org/p/faces-in-the-fusiform-gyrus/v1'));
    expect(Object.keys(zip).sort()).toEqual(['CITATION.cff', 'citation.bib', 'contacts.csv', 'decoders/A1.onnx', 'importance.npy', 'metadata.json']);
    expect(JSON.parse(strFromU8(zip['metadata.json']!))).toMatchObject({ url: 'https://example.org/p/faces-in-the-fusiform-gyrus/v1', version: 1 });
    expect(strFromU8(zip['contacts.csv']!).split('\n')[1]).toBe('A1,BA37,20,4,1,0.8,0.4,1,0,0.6');
    expect(strFromU8(zip['importance.npy']!.subarray(10, 80))).toContain(`'shape': (2, 2, ${F}, ${T})`);
    expect(strFromU8(zip['CITATION.cff']!)).toContain('  - family-names: "Lovelace"\n    given-names: "Ada"\nversion: "v1"');
    expect(zip['decoders/A1.onnx']!.length).toBeGreaterThan(100);

    const contact = await publishedContactMaps(platform.runtime.blobs, view.snapshot, 0);
    expect(contact).toMatchObject({ name: 'A1', nFreqs: F, nBins: T });
    expect(contact.importance[1]![0]).toBeCloseTo(maps[3 * F * T]!);
  });

  it('unpublishing leaves a tombstone with the date and reason; other versions stay', async () => {
    await platform.as(editor).publishing.unpublish({ labId, analysisId, version: 1, reason: 'A channel was mislabelled' });
    const gone = await getPublished(platform.runtime, 'faces-in-the-fusiform-gyrus', 1);
    expect(gone).toMatchObject({ state: 'unpublished', reason: 'A channel was mislabelled' });
    expect(gone).not.toHaveProperty('snapshot');
    expect((await getPublished(platform.runtime, 'faces-in-the-fusiform-gyrus', 2))?.state).toBe('live');
    expect(await latestPublished(platform.runtime.db, 'faces-in-the-fusiform-gyrus')).toBe(2);
    await expect(platform.as(editor).publishing.unpublish({ labId, analysisId, version: 1, reason: 'again' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // Without a version: every version still published.
    expect(await platform.as(owner).publishing.unpublish({ labId, analysisId, reason: 'Withdrawn' })).toEqual({ unpublished: [2] });
    expect(await latestPublished(platform.runtime.db, 'faces-in-the-fusiform-gyrus')).toBeNull();
    expect(await getPublished(platform.runtime, 'faces-in-the-fusiform-gyrus', 3)).toBeNull();
  });

  it('serves the public files: immutable while published, 410 once unpublished, 404 for addresses that never were', async () => {
    // The route handlers read the process's runtime: here, the test platform's.
    (globalThis as { __brainglassRuntime?: Promise<unknown> }).__brainglassRuntime = Promise.resolve(platform.runtime);
    const bib = await import('@/app/p/[slug]/[version]/citation.bib/route');
    const cff = await import('@/app/p/[slug]/[version]/CITATION.cff/route');
    const contact = await import('@/app/p/[slug]/[version]/contacts/[file]/route');
    // As a request through a TLS-terminating proxy reaches the app.
    const get = <P,>(route: { GET: (r: Request, c: { params: Promise<P> }) => Promise<Response> }, params: P) =>
      route.GET(new Request('http://internal/', { headers: { host: 'pub.example', 'x-forwarded-proto': 'https' } }), { params: Promise.resolve(params) });

    const live = await get(bib, { slug: 'faces-in-the-fusiform-gyrus-2', version: 'v1' });
    expect(live.status).toBe(200);
    expect(live.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await live.text()).toContain('url = {https://pub.example/p/faces-in-the-fusiform-gyrus-2/v1}');
    const citation = await (await get(cff, { slug: 'faces-in-the-fusiform-gyrus-2', version: 'v1' })).text();
    expect(citation).toMatch(/^cff-version: 1\.2\.0\n/);
    expect(citation).toContain('version: "v1"\ndate-released: "');
    const maps = await get(contact, { slug: 'faces-in-the-fusiform-gyrus-2', version: 'v1', file: '0.json' });
    expect(((await maps.json()) as { name: string; importance: number[][] }).importance).toHaveLength(2);
    expect((await get(contact, { slug: 'faces-in-the-fusiform-gyrus-2', version: 'v1', file: '7.json' })).status).toBe(404);

    const gone = await get(bib, { slug: 'faces-in-the-fusiform-gyrus', version: 'v1' });
    expect(gone.status).toBe(410);
    expect(await gone.text()).toMatch(/^\/p\/faces-in-the-fusiform-gyrus\/v1 was unpublished on \d{4}-\d\d-\d\d: A channel was mislabelled/);
    for (const params of [
      { slug: 'faces-in-the-fusiform-gyrus', version: 'v9' },
      { slug: 'faces-in-the-fusiform-gyrus', version: '1' },
      { slug: 'Not_A_Slug', version: 'v1' },
    ]) {
      expect((await get(bib, params)).status).toBe(404);
    }
  });

  it('publishes an RSA analysis with its alignment table, area x layer matrices and files', async () => {
    const { db, blobs } = platform.runtime;
    const network = { alignment: [{ rho: 0.8, p: 0.01, nPairs: 2 }], score: [[0.4, 0, 0, 0.6]], pairCount: [[1, 0, 0, 1]], highLowRatio: [[0, 1]], lowLayers: [0], highLayers: [1] };
    const rsaSummary: RsaSummary = {
      kind: 'rsa',
      bands: ['gamma'],
      windows: [[0.05, 0.25]],
      bandWindows: ['gamma 50-250 ms'],
      layers: ['conv1', 'fc8'],
      areas: ['V1', 'IT'],
      stimuli: { names: ['a', 'b', 'c'], category: [0, 0, 1], categories: ['face', 'house'] },
      contacts: [
        { name: 'C1', region: 'V1' },
        { name: 'C2', region: 'IT' },
      ],
      nResponsive: [2],
      networks: { trained: network, random: network },
      nPermutations: 100,
      stopAfter: null,
      variant: 'standard',
      alpha: 0.001,
      fdrQ: null,
      model: { name: 'tiny', sha256: 'abc', controlSeed: 1 },
    };
    const array = async (values: number[], shape: number[], axes: string[]) => (await blobs.put(encodeArray(ndarray('float32', Float32Array.from(values), shape, axes)))).key;
    const axes = ['bandWindows', 'contacts', 'layers'];
    const keys = {
      'rho:trained': await array([0.5, 0.1, 0.2, 0.6], [1, 2, 2], axes),
      'p:trained': await array([0.001, 0.5, 0.5, 0.001], [1, 2, 2], axes),
      'rho:random': await array([0.1, 0.1, 0.1, 0.1], [1, 2, 2], axes),
      'p:random': await array([0.5, 0.5, 0.5, 0.5], [1, 2, 2], axes),
      rdms: await array([1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6], [2, 2, 3], ['networks', 'layers', 'pairs']),
    };
    const [a] = await db.insert(analyses).values({ labId, datasetId, kind: 'rsa', name: 'Ventral stream', params: { nPermutations: 100 }, status: 'ready', summary: rsaSummary, blobs: keys }).returning();
    const published = await platform.as(editor).publishing.publish({ labId, analysisId: a!.id, title: 'Ventral stream alignment' });
    const view = (await getPublished(platform.runtime, published.slug, 1)) as { snapshot: RsaSnapshot };
    expect(view.snapshot).toMatchObject({ kind: 'rsa', summary: { areas: ['V1', 'IT'], networks: { trained: { alignment: [{ rho: 0.8 }] } } }, layerLabels: ['conv1', 'fc8'] });
    expect(view.snapshot.contacts[1]!.bands[0]).toMatchObject({ layer: 1 });
    const zip = unzipSync(await publishedBundle(blobs, view.snapshot, 'https://example.org/p/ventral-stream-alignment/v1'));
    expect(Object.keys(zip).sort()).toEqual(['CITATION.cff', 'alignment.csv', 'alignment.json', 'citation.bib', 'contacts.csv', 'metadata.json', 'p-random.npy', 'p-trained.npy', 'rdms.npy', 'rho-random.npy', 'rho-trained.npy']);
    expect(strFromU8(zip['alignment.csv']!).split('\n')[1]).toBe('gamma,0.05,0.25,trained,0.8,0.01,2,2');
  });
});
