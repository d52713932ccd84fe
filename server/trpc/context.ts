import { auth } from '@/server/auth';
import { getRuntime } from '@/server/runtime';
import type { Context } from './init';

export async function createContext(): Promise<Context> {
  const [runtime, session] = await Promise.all([getRuntime(), auth()]);
  const user = session?.user?.id ? { id: session.user.id, name: session.user.name, email: session.user.email } : null;
  return { runtime, user };
}
