'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useTRPC } from '../trpc';
import { Badge, Card, Empty, ErrorMessage, formatDate } from '../ui';

/** Datasets and analyses other labs share with this lab, and the id they need to do so. */
export function SharedWithLab({ labId }: { labId: string }) {
  const trpc = useTRPC();
  const shared = useQuery(trpc.sharing.withMe.queryOptions({ labId }));
  return (
    <Card title="Shared with this lab">
      <p className="muted">
        Other labs share with this lab by its ID: <code data-testid="lab-id">{labId}</code>
      </p>
      <ErrorMessage error={shared.error} />
      {shared.data?.length === 0 && <Empty>Nothing shared with this lab yet.</Empty>}
      {shared.data && shared.data.length > 0 && (
        <ul aria-label="Shared with this lab">
          {shared.data.map((s) => (
            <li key={`${s.objectKind}-${s.objectId}`}>
              <Link href={s.path}>{s.name}</Link> <Badge>{s.objectKind}</Badge> <Badge tone="info">{s.role}</Badge> <span className="muted">from {s.labName}, {formatDate(s.createdAt)}</span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
