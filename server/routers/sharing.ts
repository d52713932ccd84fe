import { z } from 'zod';
import {
  createReviewLink,
  objectInput,
  reviewLinkInput,
  revokeReviewLink,
  shareInput,
  shareObject,
  sharedWithMe,
  sharesOf,
  unshareObject,
} from '@/server/services/sharing';
import { labProcedure, protectedProcedure, router } from '@/server/trpc/init';

/** Sharing is decided by the owning lab's editors; labs it is shared with can never re-share. */
export const sharingRouter = router({
  of: labProcedure('viewer')
    .input(objectInput)
    .query(({ ctx, input }) => sharesOf(ctx.runtime.db, input.labId, { kind: input.objectKind, id: input.objectId })),
  share: labProcedure('editor')
    .input(shareInput)
    .mutation(({ ctx, input: { labId, ...rest } }) => shareObject(ctx.runtime.db, ctx.user.id, labId, rest)),
  unshare: labProcedure('editor')
    .input(objectInput.extend({ granteeLabId: z.string() }))
    .mutation(({ ctx, input: { labId, ...rest } }) => unshareObject(ctx.runtime.db, ctx.user.id, labId, rest)),
  createReviewLink: labProcedure('editor')
    .input(reviewLinkInput)
    .mutation(({ ctx, input: { labId, ...rest } }) => createReviewLink(ctx.runtime.db, ctx.user.id, labId, rest)),
  revokeReviewLink: labProcedure('editor')
    .input(z.object({ linkId: z.string() }))
    .mutation(({ ctx, input }) => revokeReviewLink(ctx.runtime.db, ctx.user.id, input.labId, input.linkId)),
  /** What other labs share with the user's labs (or one of them). */
  withMe: protectedProcedure
    .input(z.object({ labId: z.string().optional() }).optional())
    .query(({ ctx, input }) => sharedWithMe(ctx.runtime.db, ctx.user.id, input?.labId)),
});
