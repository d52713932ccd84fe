'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { useTRPC } from '@/app/_components/trpc';
import { Badge, Button, Card, Empty, ErrorMessage, formatDate } from '@/app/_components/ui';

const kindLabel = { reply: 'Reply', mention: 'Mention', share: 'Shared', job: 'Job' } as const;

/** Replies, mentions, shares and finished jobs, newest first; opening one marks it read. */
export function InboxView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [unreadOnly, setUnreadOnly] = useState(false);
  const inbox = useQuery(trpc.inbox.list.queryOptions({ unreadOnly }));
  const refresh = () => queryClient.invalidateQueries(trpc.inbox.pathFilter());
  const markRead = useMutation(trpc.inbox.markRead.mutationOptions({ onSuccess: refresh }));
  const items = inbox.data ?? [];
  return (
    <div className="stack">
      <div className="page-header">
        <h1>Inbox</h1>
        <div className="row">
          <label className="row">
            <input type="checkbox" checked={unreadOnly} onChange={(e) => setUnreadOnly(e.target.checked)} /> Unread only
          </label>
          <Button variant="secondary" onClick={() => markRead.mutate({ ids: 'all' })} disabled={!items.some((i) => !i.readAt) || markRead.isPending}>
            Mark all read
          </Button>
        </div>
      </div>
      <ErrorMessage error={inbox.error ?? markRead.error} />
      <Card>
        {inbox.isLoading ? (
          <p className="muted">Loading…</p>
        ) : items.length === 0 ? (
          <Empty>{unreadOnly ? 'Nothing unread.' : 'Nothing yet: replies, mentions, shares and finished jobs will appear here.'}</Empty>
        ) : (
          <ul className="inbox" aria-label="Notifications">
            {items.map((item) => (
              <li key={item.id} data-testid="inbox-item" className={item.readAt ? 'read' : 'unread'}>
                <Badge tone={item.kind === 'job' ? 'neutral' : 'info'}>{kindLabel[item.kind]}</Badge>{' '}
                <Link href={item.link} onClick={() => !item.readAt && markRead.mutate({ ids: [item.id] })}>
                  {item.title}
                </Link>
                {item.excerpt && <p className="muted">{item.excerpt}</p>}
                <p className="muted">
                  {item.actorName ? `${item.actorName} · ` : ''}
                  {formatDate(item.createdAt)}
                </p>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}
