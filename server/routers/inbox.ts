import { z } from 'zod';
import { listInbox, markRead, unreadCount } from '@/server/services/notifications';
import { protectedProcedure, router } from '@/server/trpc/init';

/** The signed-in user's notifications: replies, mentions, shares and finished jobs. */
export const inboxRouter = router({
  list: protectedProcedure
    .input(z.object({ unreadOnly: z.boolean().default(false) }).optional())
    .query(({ ctx, input }) => listInbox(ctx.runtime.db, ctx.user.id, { unreadOnly: input?.unreadOnly })),
  unread: protectedProcedure.query(({ ctx }) => unreadCount(ctx.runtime.db, ctx.user.id)),
  markRead: protectedProcedure
    .input(z.object({ ids: z.union([z.array(z.string()).max(500), z.literal('all')]) }))
    .mutation(({ ctx, input }) => markRead(ctx.runtime.db, ctx.user.id, input.ids)),
});
