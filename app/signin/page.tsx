import type { Metadata } from 'next';
import { safeCallbackUrl } from '@/server/auth/session';
import { enabledOAuthProviders } from '@/server/auth';
import { SignInForm } from './sign-in-form';

export const metadata: Metadata = { title: 'Sign in' };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string }> }) {
  const { callbackUrl } = await searchParams;
  return <SignInForm callbackUrl={safeCallbackUrl(callbackUrl)} providers={enabledOAuthProviders()} />;
}
