import { and, count, desc, eq, inArray, isNull, ne } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { notifications, users, type NotificationKind } from '@/db/schema';

export interface NewNotification {
  kind: NotificationKind;
  title: string;
  /** Plain text; cut to 280 characters. */
  excerpt?: string;
  /** Same-site path the item opens. */
  link: string;
  actorId?: string | null;
}

/** Puts one item in each recipient's inbox; the actor is never notified of their own action. */
export async function notify(db: Db, recipients: Iterable<string>, item: NewNotification): Promise<void> {
  const to = [...new Set(recipients)].filter((id) => id !== item.actorId);
  if (!to.length) return;
  const excerpt = (item.excerpt ?? '').slice(0, 280);
  await db.insert(notifications).values(to.map((userId) => ({ userId, kind: item.kind, title: item.title, excerpt, link: item.link, actorId: item.actorId ?? null })));
}

export async function listInbox(db: Db, userId: string, opts: { unreadOnly?: boolean; limit?: number } = {}) {
  return db
    .select({
      id: notifications.id,
      kind: notifications.kind,
      title: notifications.title,
      excerpt: notifications.excerpt,
      link: notifications.link,
      readAt: notifications.readAt,
      createdAt: notifications.createdAt,
      actorName: users.name,
    })
    .from(notifications)
    .leftJoin(users, eq(users.id, notifications.actorId))
    .where(and(eq(notifications.userId, userId), opts.unreadOnly ? isNull(notifications.readAt) : undefined))
    .orderBy(desc(notifications.createdAt))
    .limit(opts.limit ?? 100);
}

export async function unreadCount(db: Db, userId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(notifications).where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
  return row?.n ?? 0;
}

/** Marks the given items (or all) read; only the user's own items are touched. */
export async function markRead(db: Db, userId: string, ids: string[] | 'all'): Promise<void> {
  await db
    .update(notifications)
    .set({ readAt: new Date() })
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt), ids === 'all' ? undefined : inArray(notifications.id, ids.length ? ids : [''])));
}

/** Users whose e-mail address or name is @-mentioned in a text ("@ana@lab.org", "@Ana"), other than the author. */
export async function mentionedUsers(db: Db, text: string, among: string[], authorId: string | null): Promise<string[]> {
  const handles = [...text.matchAll(/(?:^|[\s(])@([\w.+-]+(?:@[\w-]+(?:\.[\w-]+)+)?)/g)].map((m) => m[1]!.toLowerCase());
  if (!handles.length || !among.length) return [];
  const rows = await db
    .select({ id: users.id, name: users.name, email: users.email })
    .from(users)
    .where(and(inArray(users.id, among), authorId ? ne(users.id, authorId) : undefined));
  return rows
    .filter((u) => handles.some((h) => h === u.email?.toLowerCase() || h === u.name?.toLowerCase().replace(/\s+/g, '') || h === u.email?.split('@')[0]?.toLowerCase()))
    .map((u) => u.id);
}
