'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useTRPC } from '../../_components/trpc';
import { Button, Card, ErrorMessage, formatDate } from '../../_components/ui';

export function AcceptInvitation({ token }: { token: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const preview = useQuery({ ...trpc.invitations.preview.queryOptions({ token }), retry: false });
  const accept = useMutation(trpc.invitations.accept.mutationOptions({ onSuccess: (r) => router.push(`/labs/${r.labId}`) }));
  return (
    <div className="auth-card">
      <Card title="Join a lab">
        {preview.isPending && <p className="muted">Checking the invitation…</p>}
        <ErrorMessage error={preview.error} />
        {preview.data && (
          <>
            <p>
              You are invited to <strong>{preview.data.labName}</strong> as <strong>{preview.data.role}</strong>. The link expires on{' '}
              {formatDate(preview.data.expiresAt)}.
            </p>
            <Button onClick={() => accept.mutate({ token })} disabled={accept.isPending}>
              Accept and join
            </Button>
          </>
        )}
        <ErrorMessage error={accept.error} />
        <p>
          <Link href="/labs">Your labs</Link>
        </p>
      </Card>
    </div>
  );
}
