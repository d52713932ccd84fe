import { redirect } from 'next/navigation';
import { auth } from '.';

/** For server components of signed-in pages: the user, or a redirect to sign-in that comes back here. */
export async function requireUser(returnTo: string) {
  const session = await auth();
  if (!session?.user?.id) redirect(`/signin?callbackUrl=${encodeURIComponent(returnTo)}`);
  return session.user as { id: string; name?: string | null; email?: string | null };
}

/** Where to go after signing in: only same-site paths, so a crafted link cannot send people elsewhere. */
export function safeCallbackUrl(raw: string | undefined): string {
  return raw?.startsWith('/') && !raw.startsWith('//') ? raw : '/labs';
}
