import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invitations } from '@/db/schema';
import { databaseKind, startTestPlatform, type TestPlatform } from '@/server/testing/harness';
import type { SessionUser } from '@/server/trpc/init';

describe(`invitations (${databaseKind})`, () => {
  let platform: TestPlatform;
  let owner: SessionUser, guest: SessionUser, late: SessionUser;
  let labId: string;

  beforeAll(async () => {
    platform = await startTestPlatform();
    [owner, guest, late] = await Promise.all(['Ada', 'Ben', 'Cy'].map((n) => platform.user(n)));
    labId = (await platform.as(owner).labs.create({ name: 'EEG lab', description: '' })).id;
  });
  afterAll(() => platform.close());

  it('accepting a link adds the member with the invited role, and the link cannot be reused', async () => {
    const { token } = await platform.as(owner).invitations.create({ labId, role: 'editor', expiresInDays: 7, note: '' });
    expect(await platform.as(guest).invitations.preview({ token })).toMatchObject({ labName: 'EEG lab', role: 'editor' });
    expect(await platform.as(guest).invitations.accept({ token })).toMatchObject({ labId, role: 'editor', alreadyMember: false });
    expect((await platform.as(guest).labs.get({ labId })).role).toBe('editor');
    await expect(platform.as(late).invitations.accept({ token })).rejects.toMatchObject({
      message: 'This invitation link has already been used; ask for a new one',
    });
    await expect(platform.as(late).labs.get({ labId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('an expired link is refused with its date and adds nobody', async () => {
    const { id, token } = await platform.as(owner).invitations.create({ labId, role: 'viewer', expiresInDays: 1, note: '' });
    await platform.runtime.db.update(invitations).set({ expiresAt: new Date('2020-01-02T00:00:00Z') }).where(eq(invitations.id, id));
    await expect(platform.as(late).invitations.accept({ token })).rejects.toMatchObject({
      message: 'This invitation expired on 2020-01-02; ask for a new one',
    });
    await expect(platform.as(late).labs.get({ labId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('a revoked or made-up link is not valid', async () => {
    const { id, token } = await platform.as(owner).invitations.create({ labId, role: 'viewer', expiresInDays: 1, note: '' });
    await platform.as(owner).invitations.revoke({ labId, invitationId: id });
    await expect(platform.as(late).invitations.accept({ token })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(platform.as(late).invitations.accept({ token: 'x'.repeat(32) })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('stores only a hash of the token', async () => {
    const { id, token } = await platform.as(owner).invitations.create({ labId, role: 'viewer', expiresInDays: 1, note: '' });
    const [row] = await platform.runtime.db.select().from(invitations).where(eq(invitations.id, id));
    expect(JSON.stringify(row)).not.toContain(token);
  });

  it('lists invitations with their status for owners only', async () => {
    const list = await platform.as(owner).invitations.list({ labId });
    expect(list.map((i) => i.status).sort()).toEqual(['accepted', 'expired', 'open', 'revoked']);
    await expect(platform.as(guest).invitations.list({ labId })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
