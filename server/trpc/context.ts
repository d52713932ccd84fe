import { cookies } from 'next/headers';
import { auth } from '@/server/auth';
import { getRuntime } from '@/server/runtime';
import { REVIEW_COOKIE, reviewGrantOfCookie } from '@/server/services/sharing';
import type { Context } from './init';

export async function createContext(): Promise<Context> {
  const [runtime, session, jar] = await Promise.all([getRuntime(), auth(), cookies()]);
  const user = session?.user?.id ? { id: session.user.id, name: session.user.name, email: session.user.email } : null;
  const review = await reviewGrantOfCookie(runtime.db, runtime.config.authSecret, jar.get(REVIEW_COOKIE)?.value);
  return { runtime, user, review };
}
