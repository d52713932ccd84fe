'use client';

import Link from 'next/link';
import { signIn } from 'next-auth/react';
import { useState, type FormEvent } from 'react';
import { Button, Card, ErrorMessage, Field, Input } from '../_components/ui';

export function SignInForm({ callbackUrl, providers }: { callbackUrl: string; providers: { id: string; name: string }[] }) {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setPending(true);
    setError(null);
    const form = new FormData(event.currentTarget);
    const result = await signIn('credentials', { email: form.get('email'), password: form.get('password'), redirect: false });
    setPending(false);
    if (!result || result.error) return setError('Wrong email or password');
    // A full navigation, so the server renders the signed-in header.
    window.location.assign(callbackUrl);
  }

  return (
    <div className="auth-card">
      <Card title="Sign in to Brainglass">
        <form onSubmit={onSubmit}>
          <Field label="Email">
            <Input name="email" type="email" autoComplete="email" required />
          </Field>
          <Field label="Password">
            <Input name="password" type="password" autoComplete="current-password" required />
          </Field>
          <ErrorMessage error={error} />
          <Button type="submit" disabled={pending}>
            {pending ? 'Signing in…' : 'Sign in'}
          </Button>
        </form>
        {providers.length > 0 && (
          <div className="stack" style={{ marginTop: '1rem' }}>
            {providers.map((p) => (
              <Button key={p.id} variant="secondary" onClick={() => void signIn(p.id, { redirectTo: callbackUrl })}>
                Continue with {p.name}
              </Button>
            ))}
          </div>
        )}
        <p className="muted">
          New here? <Link href={`/signup?callbackUrl=${encodeURIComponent(callbackUrl)}`}>Create an account</Link>
        </p>
      </Card>
    </div>
  );
}
