'use client';

import { useMutation } from '@tanstack/react-query';
import Link from 'next/link';
import { signIn } from 'next-auth/react';
import { useState, type FormEvent } from 'react';
import { useTRPC } from '../_components/trpc';
import { Button, Card, ErrorMessage, Field, Input } from '../_components/ui';

export function SignUpForm({ callbackUrl }: { callbackUrl: string }) {
  const trpc = useTRPC();
  const signUp = useMutation(trpc.account.signUp.mutationOptions());
  const [error, setError] = useState<string | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    const form = new FormData(event.currentTarget);
    const input = { name: String(form.get('name')), email: String(form.get('email')), password: String(form.get('password')) };
    try {
      await signUp.mutateAsync(input);
    } catch (err) {
      return setError(err instanceof Error ? err.message : String(err));
    }
    const result = await signIn('credentials', { email: input.email, password: input.password, redirect: false });
    if (!result || result.error) return setError('Account created, but signing in failed; try signing in');
    window.location.assign(callbackUrl);
  }

  return (
    <div className="auth-card">
      <Card title="Create your Brainglass account">
        <form onSubmit={onSubmit}>
          <Field label="Name">
            <Input name="name" autoComplete="name" required />
          </Field>
          <Field label="Email">
            <Input name="email" type="email" autoComplete="email" required />
          </Field>
          <Field label="Password" hint="At least 10 characters">
            <Input name="password" type="password" autoComplete="new-password" minLength={10} required />
          </Field>
          <ErrorMessage error={error} />
          <Button type="submit" disabled={signUp.isPending}>
            {signUp.isPending ? 'Creating…' : 'Create account'}
          </Button>
        </form>
        <p className="muted">
          Have an account? <Link href={`/signin?callbackUrl=${encodeURIComponent(callbackUrl)}`}>Sign in</Link>
        </p>
      </Card>
    </div>
  );
}
