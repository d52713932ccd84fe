import type { Metadata } from 'next';
import { enabledOAuthProviders } from '@/server/auth';
import { SignInForm } from './sign-in-form';

export const metadata: Metadata = { title: 'Sign in' };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string }> }) {
  const { callbackUrl } = await searchParams;
  // Only same-site paths: a crafted link must not send people elsewhere after signing in.
  const next = callbackUrl?.startsWith('/') && !callbackUrl.startsWith('//') ? callbackUrl : '/labs';
  return <SignInForm callbackUrl={next} providers={enabledOAuthProviders()} />;
}
