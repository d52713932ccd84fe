import type { Metadata } from 'next';
import { requireUser } from '@/server/auth/session';
import { AccountView } from './account-view';

export const metadata: Metadata = { title: 'Account' };

export default async function AccountPage() {
  await requireUser('/account');
  return <AccountView />;
}
