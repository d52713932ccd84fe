'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { useTRPC } from '../_components/trpc';
import { Badge, Button, Card, Empty, ErrorMessage, Field, Input } from '../_components/ui';

export function LabList() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const labs = useQuery(trpc.labs.list.queryOptions());
  const create = useMutation(
    trpc.labs.create.mutationOptions({
      onSuccess: async (lab) => {
        await queryClient.invalidateQueries(trpc.labs.list.queryFilter());
        router.push(`/labs/${lab.id}`);
      },
    }),
  );
  const [name, setName] = useState('');

  function onCreate(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    // From the form, not the state: text typed before hydration is in the field but not in the state.
    create.mutate({ name: String(new FormData(event.currentTarget).get('name') ?? ''), description: '' });
  }

  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <h1>Your labs</h1>
          <p className="subtitle">A lab holds datasets, analyses and jobs, shared by its members.</p>
        </div>
      </div>
      <Card title="Labs">
        {labs.isPending && <p className="muted">Loading…</p>}
        <ErrorMessage error={labs.error} />
        {labs.data?.length === 0 && <Empty>You are not in any lab yet. Create one, or open an invitation link.</Empty>}
        {labs.data && labs.data.length > 0 && (
          <table>
            <thead>
              <tr>
                <th>Lab</th>
                <th>Your role</th>
                <th>Members</th>
              </tr>
            </thead>
            <tbody>
              {labs.data.map((lab) => (
                <tr key={lab.id}>
                  <td>
                    <Link href={`/labs/${lab.id}`}>{lab.name}</Link>
                    {lab.description && <div className="muted">{lab.description}</div>}
                  </td>
                  <td>
                    <Badge tone={lab.role === 'owner' ? 'info' : 'neutral'}>{lab.role}</Badge>
                  </td>
                  <td>{lab.members}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
      <Card title="Create a lab">
        <form onSubmit={onCreate} className="row">
          <Field label="Lab name">
            <Input name="name" value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. Visual Cognition Lab" required />
          </Field>
          <Button type="submit" disabled={create.isPending}>
            Create lab
          </Button>
        </form>
        <ErrorMessage error={create.error} />
      </Card>
    </div>
  );
}
