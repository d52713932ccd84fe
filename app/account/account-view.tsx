'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTRPC } from '../_components/trpc';
import { Button, Card, ErrorMessage, Field, Input, formatDate } from '../_components/ui';

export function AccountView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.account.me.queryOptions());
  const update = useMutation(trpc.account.updateProfile.mutationOptions({ onSuccess: () => queryClient.invalidateQueries(trpc.account.me.queryFilter()) }));
  const changePassword = useMutation(trpc.account.changePassword.mutationOptions());
  const [saved, setSaved] = useState<string | null>(null);

  if (!me.data) return <ErrorMessage error={me.error} />;
  const onProfile = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    update.mutate({ name: String(new FormData(e.currentTarget).get('name')) }, { onSuccess: () => setSaved('Profile saved') });
  };
  const onPassword = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    changePassword.mutate(
      { current: String(data.get('current') ?? ''), next: String(data.get('next')) },
      { onSuccess: () => (form.reset(), setSaved('Password changed')) },
    );
  };
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <h1>Account</h1>
          <p className="subtitle">
            {me.data.email} · member since {formatDate(me.data.createdAt)}
          </p>
        </div>
      </div>
      {saved && <p role="status">{saved}</p>}
      <div className="grid">
        <Card title="Profile">
          <form onSubmit={onProfile}>
            <Field label="Name">
              <Input name="name" defaultValue={me.data.name ?? ''} required />
            </Field>
            <ErrorMessage error={update.error} />
            <Button type="submit">Save</Button>
          </form>
        </Card>
        <Card title="Password">
          <form onSubmit={onPassword}>
            {me.data.hasPassword && (
              <Field label="Current password">
                <Input name="current" type="password" autoComplete="current-password" required />
              </Field>
            )}
            <Field label="New password" hint="At least 10 characters">
              <Input name="next" type="password" autoComplete="new-password" minLength={10} required />
            </Field>
            <ErrorMessage error={changePassword.error} />
            <Button type="submit">Change password</Button>
          </form>
        </Card>
      </div>
    </div>
  );
}
