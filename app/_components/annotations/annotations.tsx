'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { AnnotationAnchor, LabRole, SharedObjectKind } from '@/db/schema';
import { useTRPC } from '../trpc';
import { Badge, Button, ErrorMessage, Field, Input, formatDate } from '../ui';

export interface AnnotatedObject {
  labId: string;
  objectKind: SharedObjectKind;
  objectId: string;
}

/** Which of an object's threads a view shows: by anchor type and contact on the server, then by `match` here. */
export interface AnnotationScope {
  anchorTypes?: AnnotationAnchor['type'][];
  channelIndex?: number;
}

/** Whether a view's access (from analyses.get, rsa.get, ...) may see annotations, and write them. */
export function annotationRights(access: { role: LabRole; via: 'member' | 'share' | 'review' } | undefined) {
  return { canRead: access !== undefined && access.via !== 'review', canWrite: access?.role === 'editor' || access?.role === 'owner' };
}

/** An object's threads (shared by every component of a page through the query cache). */
export function useAnnotations(object: AnnotatedObject, scope: AnnotationScope, enabled: boolean) {
  const trpc = useTRPC();
  return useQuery(trpc.annotations.forObject.queryOptions({ ...object, filter: scope }, { enabled }));
}

/** The highlighted thread lives in the URL (?annotation=), so a notification's link opens the page at it. */
export function useFocusedAnnotation(): [string | null, (id: string | null) => void] {
  const router = useRouter();
  const pathname = usePathname();
  const focused = useSearchParams().get('annotation');
  const focus = (id: string | null) => {
    const next = new URLSearchParams(window.location.search);
    if (id) next.set('annotation', id);
    else next.delete('annotation');
    router.replace(`${pathname}?${next.toString()}`, { scroll: false });
  };
  return [focused, focus];
}

/** A short description of where an annotation belongs. */
export function describeAnchor(anchor: AnnotationAnchor | null): string {
  if (!anchor) return '';
  const ms = (s: number) => `${Math.round(s * 1000)}`;
  switch (anchor.type) {
    case 'contact':
      return `contact ${anchor.contact}`;
    case 'tf-box':
      return `${anchor.contact}, ${anchor.category}: ${ms(anchor.tMin)}–${ms(anchor.tMax)} ms, ${anchor.fMin.toFixed(0)}–${anchor.fMax.toFixed(0)} Hz`;
    case 'cluster':
      return `${anchor.category} cluster ${anchor.clusterId}`;
    case 'region':
      return `region ${anchor.region}`;
    case 'rsa-cell':
      return `${anchor.area} × ${anchor.layer}, ${anchor.bandWindow} (${anchor.network})`;
    case 'state-point':
      return `map point (${anchor.x.toFixed(2)}, ${anchor.y.toFixed(2)})`;
    case 'state-territory':
      return `territory of ${anchor.action}`;
  }
}

/** Comma-separated tags as typed -> the list the server checks (it also lowercases and validates them). */
const parseTags = (text: string) =>
  text
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);

/**
 * The threads on part of an object, newest last, and (for editors) a form for a new one at `draft` (a box just
 * drawn, the selected region, ...). Bodies are Markdown rendered by the server with raw HTML off (lib/markdown.ts).
 */
export function AnnotationThreads({
  object,
  scope,
  match,
  canWrite,
  draft,
  onDraftDone,
  empty = 'No annotations yet.',
}: {
  object: AnnotatedObject;
  scope: AnnotationScope;
  match?: (anchor: AnnotationAnchor | null) => boolean;
  canWrite: boolean;
  draft?: AnnotationAnchor | null;
  onDraftDone?: () => void;
  empty?: string;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const threads = useAnnotations(object, scope, true);
  const me = useQuery(trpc.account.me.queryOptions());
  const [focused, focus] = useFocusedAnnotation();
  const refresh = () => queryClient.invalidateQueries(trpc.annotations.forObject.queryFilter());
  const create = useMutation(trpc.annotations.create.mutationOptions({ onSuccess: refresh }));

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (!draft) return;
    const form = new FormData(e.currentTarget);
    create.mutate(
      { ...object, anchor: draft, body: String(form.get('body') ?? ''), tags: parseTags(String(form.get('tags') ?? '')) },
      {
        onSuccess: ({ id }) => {
          onDraftDone?.();
          focus(id);
        },
      },
    );
  };

  if (threads.error) return <ErrorMessage error={threads.error} />;
  const shown = (threads.data ?? []).filter((t) => !match || match(t.anchor));
  return (
    <div className="stack">
      {canWrite && draft && (
        <form onSubmit={submit} className="card">
          <p className="muted">New annotation on {describeAnchor(draft)}</p>
          {/* Hints as placeholders: the labels stay exactly "Annotation" and "Tags". */}
          <Field label="Annotation">
            <textarea className="input" name="body" rows={3} required maxLength={20_000} autoFocus placeholder="Markdown; @name tells a colleague" />
          </Field>
          <Field label="Tags">
            <Input name="tags" placeholder="comma-separated, e.g. gamma, artefact" />
          </Field>
          <ErrorMessage error={create.error} />
          <div className="row">
            <Button type="submit" disabled={create.isPending}>
              Save annotation
            </Button>
            <Button variant="secondary" onClick={() => onDraftDone?.()}>
              Cancel
            </Button>
          </div>
        </form>
      )}
      {threads.isPending ? (
        <p className="muted">Loading annotations…</p>
      ) : shown.length === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        shown.map((t) => <Thread key={t.id} object={object} thread={t} canWrite={canWrite} myId={me.data?.id} focused={t.id === focused} onFocus={() => focus(t.id === focused ? null : t.id)} />)
      )}
    </div>
  );
}

/** The threads on one thing (a cluster, a region, a cell) and, for editors, a button that starts a new one on it. */
export function AnchorAnnotations({
  object,
  access,
  scope,
  match,
  anchor,
  action,
}: {
  object: AnnotatedObject;
  access: Parameters<typeof annotationRights>[0];
  scope: AnnotationScope;
  match?: (anchor: AnnotationAnchor | null) => boolean;
  anchor: AnnotationAnchor;
  /** The button's text, e.g. 'Annotate cluster 2'. */
  action: string;
}) {
  const rights = annotationRights(access);
  const [drafting, setDrafting] = useState(false);
  if (!rights.canRead) return null;
  return (
    <div className="stack">
      {rights.canWrite && !drafting && (
        <div>
          <Button variant="secondary" onClick={() => setDrafting(true)}>
            {action}
          </Button>
        </div>
      )}
      <AnnotationThreads object={object} scope={scope} match={match} canWrite={rights.canWrite} draft={drafting ? anchor : null} onDraftDone={() => setDrafting(false)} />
    </div>
  );
}

type ThreadData = NonNullable<ReturnType<typeof useAnnotations>['data']>[number];

function Thread({
  object,
  thread: t,
  canWrite,
  myId,
  focused,
  onFocus,
}: {
  object: AnnotatedObject;
  thread: ThreadData;
  canWrite: boolean;
  myId: string | undefined;
  focused: boolean;
  onFocus: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries(trpc.annotations.forObject.queryFilter());
  const reply = useMutation(trpc.annotations.reply.mutationOptions({ onSuccess: refresh }));
  const resolve = useMutation(trpc.annotations.setResolved.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.annotations.remove.mutationOptions({ onSuccess: refresh }));
  const self = useRef<HTMLElement>(null);
  useEffect(() => {
    if (focused) self.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }, [focused]);

  const submitReply = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    reply.mutate({ ...object, parentId: t.id, body: String(new FormData(form).get('body') ?? '') }, { onSuccess: () => form.reset() });
  };
  return (
    <article
      ref={self}
      data-testid="annotation-thread"
      aria-current={focused || undefined}
      className="card"
      style={{ borderColor: focused ? 'var(--accent)' : undefined, borderWidth: focused ? 2 : undefined, opacity: t.resolved && !focused ? 0.7 : 1 }}
    >
      <header className="row" style={{ justifyContent: 'space-between' }}>
        <button type="button" className="btn btn-ghost" onClick={onFocus} aria-pressed={focused} title="Highlight where it belongs">
          {describeAnchor(t.anchor)}
        </button>
        <span className="row">
          {t.tags.map((tag) => (
            <Badge key={tag} tone="info">
              {tag}
            </Badge>
          ))}
          {t.resolved && <Badge tone="success">resolved</Badge>}
        </span>
      </header>
      <Post authorName={t.authorName} createdAt={t.createdAt} bodyHtml={t.bodyHtml} />
      {t.replies.map((r) => (
        <div key={r.id} style={{ marginLeft: '1.25rem', borderLeft: '2px solid var(--border)', paddingLeft: '0.75rem' }}>
          <Post authorName={r.authorName} createdAt={r.createdAt} bodyHtml={r.bodyHtml} />
        </div>
      ))}
      {canWrite && (
        <>
          <form onSubmit={submitReply}>
            <Field label="Reply">
              <textarea className="input" name="body" rows={2} required maxLength={20_000} />
            </Field>
            <div className="row">
              <Button type="submit" disabled={reply.isPending}>
                Reply
              </Button>
              <Button variant="secondary" disabled={resolve.isPending} onClick={() => resolve.mutate({ ...object, annotationId: t.id, resolved: !t.resolved })}>
                {t.resolved ? 'Reopen' : 'Resolve'}
              </Button>
              {t.authorId === myId && (
                <Button variant="danger" disabled={remove.isPending} onClick={() => confirm('Delete this annotation and its replies?') && remove.mutate({ ...object, annotationId: t.id })}>
                  Delete
                </Button>
              )}
            </div>
          </form>
          <ErrorMessage error={reply.error ?? resolve.error ?? remove.error} />
        </>
      )}
    </article>
  );
}

function Post({ authorName, createdAt, bodyHtml }: { authorName: string | null; createdAt: Date; bodyHtml: string }) {
  return (
    <div>
      <p className="muted" style={{ margin: '0.25rem 0' }}>
        <strong>{authorName ?? 'a former member'}</strong> · {formatDate(createdAt)}
      </p>
      {/* Rendered by lib/markdown.ts on the server: raw HTML off, only http(s)/mailto/relative links. */}
      <div className="markdown" dangerouslySetInnerHTML={{ __html: bodyHtml }} />
    </div>
  );
}
