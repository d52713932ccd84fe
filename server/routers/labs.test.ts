import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKind, startTestPlatform, type TestPlatform } from '@/server/testing/harness';
import type { SessionUser } from '@/server/trpc/init';

describe(`labs and roles (${databaseKind})`, () => {
  let platform: TestPlatform;
  let owner: SessionUser, editor: SessionUser, viewer: SessionUser, outsider: SessionUser;
  let labId: string;

  beforeAll(async () => {
    platform = await startTestPlatform();
    [owner, editor, viewer, outsider] = await Promise.all(['Olga', 'Emil', 'Vera', 'Otto'].map((n) => platform.user(n)));
    labId = (await platform.as(owner).labs.create({ name: 'Vision lab', description: '' })).id;
    for (const [user, role] of [[editor, 'editor'], [viewer, 'viewer']] as const) {
      const { token } = await platform.as(owner).invitations.create({ labId, role, expiresInDays: 7, note: '' });
      await platform.as(user).invitations.accept({ token });
    }
  });
  afterAll(() => platform.close());

  it('the creator owns the lab and members see it with their role', async () => {
    expect((await platform.as(owner).labs.get({ labId })).role).toBe('owner');
    expect((await platform.as(viewer).labs.list()).map((l) => [l.name, l.role, Number(l.members)])).toEqual([['Vision lab', 'viewer', 3]]);
  });

  it('someone outside the lab gets NOT_FOUND, exactly as for a lab that does not exist', async () => {
    const outside = platform.as(outsider);
    await expect(outside.labs.get({ labId })).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'Lab not found' });
    await expect(outside.labs.get({ labId: 'no-such-lab' })).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'Lab not found' });
    await expect(outside.datasets.list({ labId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(outside.jobs.live({ labId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await outside.labs.list()).toEqual([]);
  });

  it('a viewer can read but not change anything, and nothing changes', async () => {
    const v = platform.as(viewer);
    await expect(v.labs.members({ labId })).resolves.toHaveLength(3);
    await expect(v.jobs.synthesize({ labId, name: 'x', seed: 1, trialsPerCategory: 2 })).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: 'This needs the editor role in the lab; you are a viewer',
    });
    await expect(v.labs.update({ labId, name: 'Renamed', description: '' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(v.labs.delete({ labId })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(v.invitations.create({ labId, role: 'owner', expiresInDays: 1, note: '' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await v.labs.get({ labId })).name).toBe('Vision lab');
    expect(await v.jobs.list({ labId })).toEqual([]);
  });

  it('an editor can start work but not manage members', async () => {
    await expect(platform.as(editor).labs.setRole({ labId, userId: viewer.id, role: 'owner' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const job = await platform.as(editor).jobs.synthesize({ labId, name: 'Editor data', seed: 2, trialsPerCategory: 2 });
    expect(job.state).toBe('queued');
  });

  it('an object of another lab is not found even by a member of both labs', async () => {
    const otherLab = (await platform.as(outsider).labs.create({ name: 'Other lab', description: '' })).id;
    const job = await platform.as(outsider).jobs.synthesize({ labId: otherLab, name: 'Theirs', seed: 1, trialsPerCategory: 2 });
    await expect(platform.as(owner).jobs.get({ labId, jobId: job.id })).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'Job not found' });
    await expect(platform.as(owner).jobs.get({ labId: otherLab, jobId: job.id })).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'Lab not found' });
  });

  it('malformed input gets a readable error over HTTP and changes nothing', async () => {
    const short = await platform.http('labs.create', { name: 'x', description: '' }, owner);
    expect(short.status).toBe(400);
    expect(short.body.error?.json.message).toBe('name: A lab name needs at least 2 characters');
    expect(short.body.error?.json.data.zodError?.fieldErrors.name).toEqual(['A lab name needs at least 2 characters']);
    const big = await platform.http('jobs.synthesize', { labId, name: 'big', seed: 1, trialsPerCategory: 100000 }, owner);
    expect(big.body.error?.json.message).toBe('trialsPerCategory: At most 200 trials per category');
    const garbage = await platform.http('labs.create', 'not an object', owner);
    expect(garbage.status).toBe(400);
    expect((await platform.as(owner).labs.list()).map((l) => l.name)).toEqual(['Vision lab']);
  });

  it('a signed-out caller is asked to sign in', async () => {
    await expect(platform.as(null).labs.list()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('the last owner cannot leave; an owner can hand over and roles change', async () => {
    await expect(platform.as(owner).labs.leave({ labId })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await platform.as(owner).labs.setRole({ labId, userId: editor.id, role: 'owner' });
    await platform.as(owner).labs.leave({ labId });
    await expect(platform.as(owner).labs.get({ labId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('the audit log records who did what to which object', async () => {
    const events = await platform.as(editor).labs.audit({ labId });
    const actions = events.map((e) => `${e.actorName} ${e.action} ${e.objectType}`);
    expect(actions).toContain('Olga lab.create lab');
    expect(actions).toContain('Vera invitation.accept invitation');
    expect(actions).toContain('Emil job.start job');
    expect(actions).toContain('Olga member.role user');
    expect(actions).toContain('Olga member.leave user');
  });
});
