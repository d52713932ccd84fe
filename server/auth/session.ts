import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { REVIEW_COOKIE } from '@/server/services/sharing';
import { auth } from '.';

/** For server components of signed-in pages: the user, or a redirect to sign-in that comes back here. */
export async function requireUser(returnTo: string) {
  const session = await auth();
  if (!session?.user?.id) redirect(`/signin?callbackUrl=${encodeURIComponent(returnTo)}`);
  return session.user as { id: string; name?: string | null; email?: string | null };
}

/**
 * For pages a reviewer link may open (datasets, analyses): the user; or null for a signed-out request that carries a
 * review cookie, whose grant the page's queries then check (server/authz.ts); else a redirect to sign-in.
 */
export async function requireReader(returnTo: string) {
  const session = await auth();
  if (session?.user?.id) return session.user as { id: string; name?: string | null; email?: string | null };
  if ((await cookies()).get(REVIEW_COOKIE)) return null;
  redirect(`/signin?callbackUrl=${encodeURIComponent(returnTo)}`);
}

/** Where to go after signing in: only same-site paths, so a crafted link cannot send people elsewhere. */
export function safeCallbackUrl(raw: string | undefined): string {
  return raw?.startsWith('/') && !raw.startsWith('//') ? raw : '/labs';
}
