import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyses, analysisContacts, annotations, datasets, notifications, type SignaturesSummary } from '@/db/schema';
import { databaseKind, startTestPlatform, type TestPlatform } from '@/server/testing/harness';
import type { SessionUser } from '@/server/trpc/init';

describe(`annotations (${databaseKind})`, () => {
  let platform: TestPlatform;
  let ada: SessionUser, ben: SessionUser, cy: SessionUser, dee: SessionUser, eve: SessionUser;
  let labId: string, benLab: string, cyLab: string;
  let datasetId: string, analysisId: string, otherAnalysisId: string;
  const box = { type: 'tf-box', channelIndex: 3, contact: 'LA3', category: 'faces', tMin: 0.1, tMax: 0.3, fMin: 60, fMax: 120 } as const;
  const on = () => ({ labId, objectKind: 'analysis' as const, objectId: analysisId });
  const inboxOf = (u: SessionUser) => platform.runtime.db.select().from(notifications).where(eq(notifications.userId, u.id));

  /** A finished Level 1 analysis with one contact, written directly: annotations only need the rows. */
  async function insertAnalysis(lab: string, dataset: string, by: string) {
    const summary = { categories: ['faces', 'houses'], clusters: { faces: { clusters: [{ id: 1, members: ['LA3'], regions: ['FFG'] }] } } } as unknown as SignaturesSummary;
    const [a] = await platform.runtime.db
      .insert(analyses)
      .values({ labId: lab, datasetId: dataset, kind: 'signatures', name: 'Faces vs houses', params: {}, status: 'ready', summary, createdBy: by })
      .returning({ id: analyses.id });
    await platform.runtime.db
      .insert(analysisContacts)
      .values({ analysisId: a!.id, channelIndex: 3, name: 'LA3', region: 'FFG', nTrials: 40, f1: [0.8, 0.4], accuracy: 0.7, confusion: [[1]], nullF1: [], blobs: {} });
    return a!.id;
  }

  beforeAll(async () => {
    platform = await startTestPlatform();
    [ada, ben, cy, dee, eve] = await Promise.all(['Ada', 'Ben', 'Cy', 'Dee', 'Eve'].map((n) => platform.user(n)));
    [labId, benLab, cyLab] = await Promise.all(
      [
        [ada, 'EEG lab'],
        [ben, 'Partner lab'],
        [cy, 'Viewer lab'],
        [dee, 'Stranger lab'],
      ].map(async ([u, name]) => (await platform.as(u as SessionUser).labs.create({ name: name as string, description: '' })).id),
    );
    const [d] = await platform.runtime.db.insert(datasets).values({ labId, name: 'Patient 7', source: 'test', modality: 'seeg', createdBy: ada.id }).returning({ id: datasets.id });
    datasetId = d!.id;
    analysisId = await insertAnalysis(labId, datasetId, ada.id);
    otherAnalysisId = await insertAnalysis(labId, datasetId, ada.id);
    await platform.as(ada).sharing.share({ labId, objectKind: 'analysis', objectId: analysisId, granteeLabId: benLab, role: 'editor' });
    await platform.as(ada).sharing.share({ labId, objectKind: 'analysis', objectId: analysisId, granteeLabId: cyLab, role: 'viewer' });
    await platform.runtime.db.delete(notifications);
  });
  afterAll(() => platform.close());

  it('a box on an importance map is a thread another lab (editor share) sees and replies to; the author is told', async () => {
    const { id, link } = await platform.as(ada).annotations.create({ ...on(), anchor: box, body: 'High-gamma burst, **early**', tags: [' Gamma ', 'burst'] });
    expect(link).toBe(`/labs/${labId}/analyses/${analysisId}/contacts/3?category=faces&annotation=${id}`);
    const [thread] = await platform.as(ben).annotations.forObject({ ...on(), filter: { channelIndex: 3 } });
    expect(thread).toMatchObject({ id, anchor: box, level: 'electrode', tags: ['gamma', 'burst'], authorName: 'Ada', resolved: false, replies: [] });
    expect(thread!.bodyHtml).toBe('<p>High-gamma burst, <strong>early</strong></p>\n');

    await platform.as(ben).annotations.reply({ ...on(), parentId: id, body: 'Also in LA4?' });
    const [withReply] = await platform.as(ada).annotations.forObject(on());
    expect(withReply!.replies).toMatchObject([{ body: 'Also in LA4?', authorName: 'Ben' }]);
    expect(await inboxOf(ada)).toMatchObject([{ kind: 'reply', actorId: ben.id, excerpt: 'Also in LA4?', link, title: 'Ben replied on analysis "Faces vs houses"' }]);

    // A second reply tells the thread's author and the earlier replier, not the one replying.
    await platform.as(ada).annotations.reply({ ...on(), parentId: id, body: 'Checking' });
    expect((await inboxOf(ben)).map((n) => n.kind)).toEqual(['reply']);
    expect(await inboxOf(ada)).toHaveLength(1);

    await platform.as(ben).annotations.setResolved({ ...on(), annotationId: id, resolved: true });
    expect((await platform.as(ada).annotations.forObject(on()))[0]!.resolved).toBe(true);
  });

  it('a viewer share reads but cannot write; labs it is not shared with and reviewers do not see the annotations', async () => {
    const { id } = await platform.as(ada).annotations.create({ ...on(), anchor: { type: 'contact', channelIndex: 3, contact: 'LA3' }, body: 'Good contact' });
    expect((await platform.as(cy).annotations.forObject(on())).map((t) => t.id)).toContain(id);
    await expect(platform.as(cy).annotations.create({ ...on(), anchor: box, body: 'mine' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(platform.as(cy).annotations.reply({ ...on(), parentId: id, body: 'mine' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(platform.as(cy).annotations.setResolved({ ...on(), annotationId: id, resolved: true })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(platform.as(dee).annotations.forObject(on())).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(platform.as(dee).annotations.create({ ...on(), anchor: box, body: 'x' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // The share is for one analysis: its sibling stays closed to Ben.
    await expect(platform.as(ben).annotations.forObject({ labId, objectKind: 'analysis', objectId: otherAnalysisId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(platform.as(ben).annotations.labList({ labId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('a reply must be to a thread of the same object of the same lab', async () => {
    const { id: siblingThread } = await platform.as(ada).annotations.create({ labId, objectKind: 'analysis', objectId: otherAnalysisId, anchor: box, body: 'elsewhere' });
    await expect(platform.as(ada).annotations.reply({ ...on(), parentId: siblingThread, body: 'x' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // Dee's own lab, naming an annotation of Ada's lab.
    const deeLab = (await platform.as(dee).labs.list()).find((l) => l.name === 'Stranger lab')!.id;
    const [deeDataset] = await platform.runtime.db.insert(datasets).values({ labId: deeLab, name: 'D', source: 'test', modality: 'seeg' }).returning({ id: datasets.id });
    const deeAnalysis = await insertAnalysis(deeLab, deeDataset!.id, dee.id);
    const [adas] = await platform.as(ada).annotations.forObject(on());
    await expect(platform.as(dee).annotations.reply({ labId: deeLab, objectKind: 'analysis', objectId: deeAnalysis, parentId: adas!.id, body: 'x' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    // A member of a lab naming another lab's object under their own lab id.
    await expect(platform.as(dee).annotations.forObject({ labId: deeLab, objectKind: 'analysis', objectId: analysisId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(platform.as(dee).annotations.create({ labId: deeLab, objectKind: 'analysis', objectId: analysisId, anchor: box, body: 'x' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('checks anchors, bodies and tags', async () => {
    const bad = [
      { anchor: { ...box, tMin: 0.3, tMax: 0.1 } },
      { anchor: { ...box, fMax: Infinity } },
      { anchor: { ...box, contact: 'LA4' } },
      { anchor: { ...box, category: 'cars' } },
      { anchor: { type: 'cluster', category: 'faces', clusterId: 9 } as const },
      { anchor: { type: 'state-point', x: 1, y: 2 } as const },
      { anchor: box, body: ' ' },
      { anchor: box, body: 'x'.repeat(20_001) },
      { anchor: box, tags: ['has space'] },
      { anchor: box, tags: Array.from({ length: 11 }, (_, i) => `t${i}`) },
    ];
    for (const b of bad) await expect(platform.as(ada).annotations.create({ ...on(), body: 'x', ...b })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const cluster = await platform.as(ada).annotations.create({ ...on(), anchor: { type: 'cluster', category: 'faces', clusterId: 1 }, body: 'Cluster note' });
    expect(cluster.link).toBe(`/labs/${labId}/analyses/${analysisId}/signatures/faces?annotation=${cluster.id}`);
  });

  it('stores Markdown with <script> as written and renders it as text', async () => {
    const body = '<script>alert(1)</script> [x](javascript:alert(1))';
    const { id } = await platform.as(ada).annotations.create({ ...on(), anchor: { type: 'region', region: 'FFG' }, body });
    const [row] = await platform.runtime.db.select().from(annotations).where(eq(annotations.id, id));
    expect(row!.body).toBe(body);
    const thread = (await platform.as(ada).annotations.forObject({ ...on(), filter: { anchorTypes: ['region'] } })).find((t) => t.id === id)!;
    expect(thread.level).toBe('region');
    expect(thread.bodyHtml).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(thread.bodyHtml).not.toMatch(/<script|href="javascript/i);
  });

  it('tells @-mentioned users who can see the object, and only them', async () => {
    await platform.runtime.db.delete(notifications);
    await platform.as(ada).annotations.create({ ...on(), anchor: { type: 'contact', channelIndex: 3, contact: 'LA3' }, body: '@ben and @cy, look; @dee too' });
    expect((await inboxOf(ben)).map((n) => n.kind)).toEqual(['mention']);
    expect((await inboxOf(cy)).map((n) => n.kind)).toEqual(['mention']);
    expect(await inboxOf(dee)).toEqual([]);
    // A mention in a reply is one notification, not a mention and a reply.
    const [first] = await platform.as(ada).annotations.forObject(on());
    await platform.runtime.db.delete(notifications);
    await platform.as(ben).annotations.reply({ ...on(), parentId: first!.id, body: '@ada see LA4' });
    expect((await inboxOf(ada)).map((n) => n.kind)).toEqual(['mention']);
  });

  it('only the author edits or deletes; deleting a thread removes its replies', async () => {
    const { id } = await platform.as(ada).annotations.create({ ...on(), anchor: box, body: 'draft', tags: ['draft'] });
    await platform.as(ben).annotations.reply({ ...on(), parentId: id, body: 'ok' });
    await expect(platform.as(ben).annotations.update({ ...on(), annotationId: id, body: 'mine now' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(platform.as(ben).annotations.remove({ ...on(), annotationId: id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await platform.as(ada).annotations.update({ ...on(), annotationId: id, body: 'final', tags: ['final'] });
    expect((await platform.as(ada).annotations.forObject(on())).find((t) => t.id === id)).toMatchObject({ body: 'final', tags: ['final'] });
    await platform.as(ada).annotations.remove({ ...on(), annotationId: id });
    expect(await platform.runtime.db.select().from(annotations).where(eq(annotations.parentId, id))).toEqual([]);
  });

  it('lists the lab’s threads filtered by tag, author, dataset, level and resolved state', async () => {
    const list = (filter: Record<string, unknown> = {}) => platform.as(ada).annotations.labList({ labId, ...filter });
    const all = await list();
    expect(all.annotations.length).toBeGreaterThanOrEqual(5);
    expect(all.annotations[0]).toMatchObject({ objectName: expect.any(String), datasetName: 'Patient 7', link: expect.stringContaining(`/labs/${labId}/analyses/`) });
    expect(all.tags).toEqual(expect.arrayContaining(['gamma', 'burst']));
    expect(all.authors).toEqual([{ id: ada.id, label: 'Ada' }]);
    expect(all.datasets).toEqual([{ id: datasetId, label: 'Patient 7' }]);

    const gamma = await list({ tag: 'GAMMA' });
    expect(gamma.annotations).toMatchObject([{ tags: ['gamma', 'burst'], resolved: true, replies: 3, objectName: 'Faces vs houses' }]);
    expect((await list({ level: 'region' })).annotations.map((a) => a.anchor?.type)).toEqual(['region']);
    expect((await list({ resolved: true })).annotations).toHaveLength(1);
    expect((await list({ resolved: false })).annotations).toHaveLength(all.annotations.length - 1);
    expect((await list({ authorId: ben.id })).annotations).toEqual([]);
    expect((await list({ datasetId: 'nope' })).annotations).toEqual([]);
    // Viewers of the lab may read the list; other labs' members may not.
    await expect(platform.as(eve).annotations.labList({ labId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
