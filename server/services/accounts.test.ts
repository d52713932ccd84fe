import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '@/db/schema';
import { databaseKind, startTestPlatform, type TestPlatform } from '@/server/testing/harness';
import { authenticate } from './accounts';

describe(`accounts (${databaseKind})`, () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform();
  });
  afterAll(() => platform.close());

  it('signs up, stores no clear password, and authenticates only with the right password', async () => {
    const anon = platform.as(null);
    await anon.account.signUp({ name: 'Marie', email: ' Marie@Example.org ', password: 'synapses everywhere' });
    const [row] = await platform.runtime.db.select().from(users).where(eq(users.email, 'marie@example.org'));
    expect(row?.passwordHash).toMatch(/^scrypt\$/);
    expect(JSON.stringify(row)).not.toContain('synapses everywhere');
    expect(await authenticate(platform.runtime.db, 'marie@example.org', 'synapses everywhere')).toMatchObject({ name: 'Marie' });
    expect(await authenticate(platform.runtime.db, 'marie@example.org', 'wrong password!')).toBeNull();
    expect(await authenticate(platform.runtime.db, 'nobody@example.org', 'synapses everywhere')).toBeNull();
  });

  it('refuses a second account for the same email and a short password', async () => {
    const anon = platform.as(null);
    await expect(anon.account.signUp({ name: 'M', email: 'marie@example.org', password: 'another long one' })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: 'An account for marie@example.org already exists; sign in instead',
    });
    const short = await platform.http('account.signUp', { name: 'Short', email: 's@example.org', password: 'short' }, null);
    expect(short.body.error?.json.message).toBe('password: A password needs at least 10 characters');
  });

  it('changes a password only with the current one', async () => {
    const user = await platform.user('Paul');
    const me = platform.as(user);
    await expect(me.account.changePassword({ current: 'not it at all', next: 'brand new secret' })).rejects.toMatchObject({
      message: 'The current password is wrong; nothing was changed',
    });
    await me.account.changePassword({ current: 'a long enough password', next: 'brand new secret' });
    expect(await authenticate(platform.runtime.db, user.email!, 'brand new secret')).not.toBeNull();
  });
});
