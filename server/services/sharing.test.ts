import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyses, datasets, memberships, reviewLinks } from '@/db/schema';
import { openReviewLink } from '@/server/services/sharing';
import { databaseKind, startTestPlatform, type TestPlatform } from '@/server/testing/harness';
import type { SessionUser } from '@/server/trpc/init';

/**
 * The access rules of server/authz.ts access(), end to end through tRPC: members, labs an object is shared with,
 * reviewer links, and everything that must stay closed.
 */
describe(`sharing and access (${databaseKind})`, () => {
  let platform: TestPlatform;
  let ada: SessionUser, ben: SessionUser, cy: SessionUser, dee: SessionUser;
  let labA: string, labB: string, labC: string;
  let datasetId: string, analysisId: string, otherAnalysisId: string, cDatasetId: string;

  const insertDataset = async (labId: string, name: string) =>
    (await platform.runtime.db.insert(datasets).values({ labId, name, source: 'test', modality: 'seeg' }).returning({ id: datasets.id }))[0]!.id;
  const insertAnalysis = async (labId: string, dataset: string, name: string) =>
    (
      await platform.runtime.db
        .insert(analyses)
        .values({ labId, datasetId: dataset, kind: 'signatures', name, params: {}, status: 'ready' })
        .returning({ id: analyses.id })
    )[0]!.id;

  beforeAll(async () => {
    platform = await startTestPlatform();
    [ada, ben, cy, dee] = await Promise.all(['Ada', 'Ben', 'Cy', 'Dee'].map((n) => platform.user(n)));
    labA = (await platform.as(ada).labs.create({ name: 'Lab A', description: '' })).id;
    labB = (await platform.as(ben).labs.create({ name: 'Lab B', description: '' })).id;
    labC = (await platform.as(cy).labs.create({ name: 'Lab C', description: '' })).id;
    // Dee is a viewer in lab B.
    await platform.runtime.db.insert(memberships).values({ labId: labB, userId: dee.id, role: 'viewer' });
    datasetId = await insertDataset(labA, 'Patient 1');
    analysisId = await insertAnalysis(labA, datasetId, 'Signatures of patient 1');
    otherAnalysisId = await insertAnalysis(labA, await insertDataset(labA, 'Patient 2'), 'Signatures of patient 2');
    cDatasetId = await insertDataset(labC, 'Lab C data');
  });
  afterAll(() => platform.close());

  it('another lab sees nothing until it is shared, then exactly what is shared, with the role given', async () => {
    await expect(platform.as(ben).analyses.get({ labId: labA, analysisId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const shared = await platform.as(ada).sharing.share({ labId: labA, objectKind: 'analysis', objectId: analysisId, granteeLabId: labB, role: 'viewer' });
    expect(shared).toMatchObject({ granteeName: 'Lab B', role: 'viewer' });

    const seen = await platform.as(ben).analyses.get({ labId: labA, analysisId });
    expect(seen).toMatchObject({ name: 'Signatures of patient 1', access: { role: 'viewer', via: 'share' } });
    expect((await platform.as(dee).analyses.get({ labId: labA, analysisId })).access).toEqual({ role: 'viewer', via: 'share' });
    // Not the lab's other analyses, its dataset list, or the lab itself.
    await expect(platform.as(ben).analyses.get({ labId: labA, analysisId: otherAnalysisId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(platform.as(ben).datasets.list({ labId: labA })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(platform.as(ben).labs.get({ labId: labA })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // Lab C, not shared with, sees nothing.
    await expect(platform.as(cy).analyses.get({ labId: labA, analysisId })).rejects.toMatchObject({ code: 'NOT_FOUND' });

    expect(await platform.as(ben).sharing.withMe({ labId: labB })).toEqual([
      expect.objectContaining({ labName: 'Lab A', name: 'Signatures of patient 1', role: 'viewer', path: `/labs/${labA}/analyses/${analysisId}` }),
    ]);
    // Everyone in lab B was told, the sharer was not.
    for (const u of [ben, dee]) expect((await platform.as(u).inbox.list()).map((n) => n.kind)).toContain('share');
    expect(await platform.as(ada).inbox.list()).toEqual([]);
  });

  it('a viewer share cannot write, re-share or run anything in the owning lab', async () => {
    await expect(
      platform.as(ben).sharing.share({ labId: labA, objectKind: 'analysis', objectId: analysisId, granteeLabId: labC, role: 'editor' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(
      platform.as(ben).sharing.createReviewLink({ labId: labA, objectKind: 'analysis', objectId: analysisId, label: '', expiresInDays: 30 }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(platform.as(ben).datasets.update({ labId: labA, datasetId, name: 'renamed', description: '' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('an editor share gives editor rights on that object only, never membership', async () => {
    await platform.as(ada).sharing.share({ labId: labA, objectKind: 'analysis', objectId: analysisId, granteeLabId: labB, role: 'editor' });
    expect((await platform.as(ben).analyses.get({ labId: labA, analysisId })).access).toEqual({ role: 'editor', via: 'share' });
    await expect(platform.as(ben).analyses.list({ labId: labA })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('a dataset share opens the dataset and its analyses', async () => {
    await expect(platform.as(cy).datasets.get({ labId: labA, datasetId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await platform.as(ada).sharing.share({ labId: labA, objectKind: 'dataset', objectId: datasetId, granteeLabId: labC, role: 'viewer' });
    expect((await platform.as(cy).datasets.get({ labId: labA, datasetId })).name).toBe('Patient 1');
    expect((await platform.as(cy).analyses.get({ labId: labA, analysisId })).access.via).toBe('share');
    await expect(platform.as(cy).analyses.get({ labId: labA, analysisId: otherAnalysisId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('ids of another lab cannot be borrowed: a share names its own lab, and objects are looked up within it', async () => {
    // Lab C's dataset through lab A's id, and lab A's analysis through lab B's id: both not found.
    await expect(platform.as(ada).datasets.get({ labId: labA, datasetId: cDatasetId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(platform.as(ben).analyses.get({ labId: labB, analysisId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // Sharing another lab's object from one's own lab is refused.
    await expect(
      platform.as(ada).sharing.share({ labId: labA, objectKind: 'dataset', objectId: cDatasetId, granteeLabId: labB, role: 'editor' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // A share of lab C's dataset with lab A does not open it under lab A's id either.
    await platform.as(cy).sharing.share({ labId: labC, objectKind: 'dataset', objectId: cDatasetId, granteeLabId: labA, role: 'viewer' });
    await expect(platform.as(ada).datasets.get({ labId: labA, datasetId: cDatasetId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await platform.as(ada).datasets.get({ labId: labC, datasetId: cDatasetId })).access).toEqual({ role: 'viewer', via: 'share' });
  });

  it('unsharing closes access at once', async () => {
    await platform.as(ada).sharing.unshare({ labId: labA, objectKind: 'dataset', objectId: datasetId, granteeLabId: labC });
    await expect(platform.as(cy).analyses.get({ labId: labA, analysisId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  describe('reviewer links', () => {
    const open = (token: string, password?: string) => openReviewLink(platform.runtime.db, platform.runtime.config.authSecret, token, password);

    it('open the object read-only without an account, and nothing else', async () => {
      const link = await platform.as(ada).sharing.createReviewLink({ labId: labA, objectKind: 'analysis', objectId: analysisId, label: 'Reviewer 2', expiresInDays: 7 });
      expect(link.path).toBe(`/r/${link.token}`);
      const opened = await open(link.token);
      expect(opened).toMatchObject({ ok: true, path: `/labs/${labA}/analyses/${analysisId}` });
      const reviewer = await platform.asReviewer((opened as { cookie: string }).cookie);
      expect((await reviewer.analyses.get({ labId: labA, analysisId })).access).toEqual({ role: 'viewer', via: 'review' });
      await expect(reviewer.analyses.get({ labId: labA, analysisId: otherAnalysisId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(reviewer.datasets.get({ labId: labA, datasetId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(reviewer.analyses.list({ labId: labA })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
      await expect(reviewer.sharing.createReviewLink({ labId: labA, objectKind: 'analysis', objectId: analysisId, label: '', expiresInDays: 1 })).rejects.toMatchObject({
        code: 'UNAUTHORIZED',
      });
    });

    it('a revoked link stops working at once, for new visits and for a cookie already set', async () => {
      const link = await platform.as(ada).sharing.createReviewLink({ labId: labA, objectKind: 'analysis', objectId: analysisId, label: '', expiresInDays: 7 });
      const { cookie } = (await open(link.token)) as { cookie: string };
      await platform.as(ada).sharing.revokeReviewLink({ labId: labA, linkId: link.id });
      expect(await open(link.token)).toEqual({ ok: false, reason: 'invalid' });
      await expect((await platform.asReviewer(cookie)).analyses.get({ labId: labA, analysisId })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
      const state = await platform.as(ada).sharing.of({ labId: labA, objectKind: 'analysis', objectId: analysisId });
      expect(state.reviewLinks.find((l) => l.id === link.id)?.status).toBe('revoked');
    });

    it('an expired link opens nothing', async () => {
      const link = await platform.as(ada).sharing.createReviewLink({ labId: labA, objectKind: 'analysis', objectId: analysisId, label: '', expiresInDays: 1 });
      const { cookie } = (await open(link.token)) as { cookie: string };
      await platform.runtime.db.update(reviewLinks).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(reviewLinks.id, link.id));
      expect(await open(link.token)).toEqual({ ok: false, reason: 'invalid' });
      await expect((await platform.asReviewer(cookie)).analyses.get({ labId: labA, analysisId })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    });

    it('forged tokens and cookies open nothing', async () => {
      const link = await platform.as(ada).sharing.createReviewLink({ labId: labA, objectKind: 'analysis', objectId: analysisId, label: '', expiresInDays: 7 });
      const { cookie } = (await open(link.token)) as { cookie: string };
      const [token, proof] = cookie.split('.');
      const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
      for (const forged of [`${flip(token!)}.${proof}`, `${token}.${flip(proof!)}`, token!, `${token}.`, 'x'.repeat(40), `${'../'.repeat(10)}.${proof}`]) {
        await expect((await platform.asReviewer(forged)).analyses.get({ labId: labA, analysisId }), forged).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
      }
      expect(await open(flip(link.token))).toEqual({ ok: false, reason: 'invalid' });
      // Only the token's hash is stored.
      const [row] = await platform.runtime.db.select().from(reviewLinks).where(eq(reviewLinks.id, link.id));
      expect(JSON.stringify(row)).not.toContain(link.token);
    });

    it('a password-protected link needs the password, and its cookie proves it was given', async () => {
      const link = await platform.as(ada).sharing.createReviewLink({
        labId: labA,
        objectKind: 'dataset',
        objectId: datasetId,
        label: 'Editor',
        expiresInDays: 7,
        password: 'open sesame',
      });
      expect(await open(link.token)).toEqual({ ok: false, reason: 'password-needed' });
      expect(await open(link.token, 'wrong password')).toEqual({ ok: false, reason: 'wrong-password' });
      const opened = await open(link.token, 'open sesame');
      expect(opened.ok).toBe(true);
      const reviewer = await platform.asReviewer((opened as { cookie: string }).cookie);
      // A dataset link opens the dataset and its analyses.
      expect((await reviewer.datasets.get({ labId: labA, datasetId })).name).toBe('Patient 1');
      expect((await reviewer.analyses.get({ labId: labA, analysisId })).name).toBe('Signatures of patient 1');
      // Without the proof (just the token), nothing.
      await expect((await platform.asReviewer(`${link.token}.x`)).datasets.get({ labId: labA, datasetId })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
      await expect(
        platform.as(ada).sharing.createReviewLink({ labId: labA, objectKind: 'dataset', objectId: datasetId, label: '', expiresInDays: 7, password: 'short' }),
      ).rejects.toMatchObject({ message: 'password: a link password needs at least 6 characters' });
    });

    it('only editors of the owning lab create or revoke links', async () => {
      await platform.runtime.db.insert(memberships).values({ labId: labA, userId: dee.id, role: 'viewer' });
      await expect(
        platform.as(dee).sharing.createReviewLink({ labId: labA, objectKind: 'analysis', objectId: analysisId, label: '', expiresInDays: 7 }),
      ).rejects.toMatchObject({ code: 'FORBIDDEN' });
      const link = await platform.as(ada).sharing.createReviewLink({ labId: labA, objectKind: 'analysis', objectId: analysisId, label: '', expiresInDays: 7 });
      await expect(platform.as(dee).sharing.revokeReviewLink({ labId: labA, linkId: link.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(platform.as(ben).sharing.revokeReviewLink({ labId: labB, linkId: link.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });
  });
});
