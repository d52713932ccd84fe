import type { Metadata } from 'next';
import { safeCallbackUrl } from '@/server/auth/session';
import { SignUpForm } from './sign-up-form';

export const metadata: Metadata = { title: 'Create an account' };

export default async function SignUpPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string }> }) {
  const { callbackUrl } = await searchParams;
  return <SignUpForm callbackUrl={safeCallbackUrl(callbackUrl)} />;
}
