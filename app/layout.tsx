import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { cookies } from 'next/headers';
import { auth, signOut } from '@/server/auth';
import { getRuntime } from '@/server/runtime';
import { unreadCount } from '@/server/services/notifications';
import { REVIEW_COOKIE } from '@/server/services/sharing';
import { Providers } from './_components/trpc';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Brainglass', template: '%s · Brainglass' },
  description: 'Knowledge discovery from brain recordings with interpretable machine learning',
};

// Every page depends on the signed-in user and live data.
export const dynamic = 'force-dynamic';

export default async function RootLayout({ children }: { children: ReactNode }) {
  const session = await auth();
  const unread = session?.user?.id ? await unreadCount((await getRuntime()).db, session.user.id) : 0;
  const reviewing = !session?.user && Boolean((await cookies()).get(REVIEW_COOKIE));
  return (
    <html lang="en">
      <body>
        <header className="topbar">
          <Link href="/" className="brand">
            Brainglass
          </Link>
          <nav aria-label="Main">
            {session?.user && <Link href="/labs">Labs</Link>}
            {session?.user && (
              <Link href="/inbox" aria-label={unread ? `Inbox, ${unread} unread` : 'Inbox'}>
                Inbox{unread > 0 && <span className="badge badge-info" data-testid="unread-count">{unread}</span>}
              </Link>
            )}
            {session?.user && <Link href="/account">Account</Link>}
          </nav>
          {session?.user ? (
            <form
              action={async () => {
                'use server';
                await signOut({ redirectTo: '/signin' });
              }}
              className="row"
            >
              <span className="who">{session.user.name ?? session.user.email}</span>
              <button className="btn btn-secondary" type="submit">
                Sign out
              </button>
            </form>
          ) : (
            <Link href="/signin">Sign in</Link>
          )}
        </header>
        {reviewing && (
          <p className="review-banner" role="status">
            You are viewing as a reviewer, read-only, through a link shared with you.
          </p>
        )}
        <Providers>
          <main>{children}</main>
        </Providers>
      </body>
    </html>
  );
}
