import type { Metadata } from 'next';
import { requireUser } from '@/server/auth/session';
import { LabList } from './lab-list';

export const metadata: Metadata = { title: 'Labs' };

export default async function LabsPage() {
  await requireUser('/labs');
  return <LabList />;
}
