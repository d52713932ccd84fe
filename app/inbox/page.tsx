import type { Metadata } from 'next';
import { requireUser } from '@/server/auth/session';
import { InboxView } from './inbox-view';

export const metadata: Metadata = { title: 'Inbox' };

export default async function InboxPage() {
  await requireUser('/inbox');
  return <InboxView />;
}
