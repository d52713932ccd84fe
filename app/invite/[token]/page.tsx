import type { Metadata } from 'next';
import { requireUser } from '@/server/auth/session';
import { AcceptInvitation } from './accept-invitation';

export const metadata: Metadata = { title: 'Invitation' };

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  await requireUser(`/invite/${token}`);
  return <AcceptInvitation token={token} />;
}
