import { z } from 'zod';
import { listPublications, publish, publishInput, unpublish, unpublishInput } from '@/server/services/publishing';
import { labProcedure, router } from '@/server/trpc/init';

/** Publishing is for the owning lab's editors; the published pages themselves are public (app/p). */
export const publishingRouter = router({
  list: labProcedure('viewer')
    .input(z.object({ analysisId: z.string() }))
    .query(({ ctx, input }) => listPublications(ctx.runtime.db, input.labId, input.analysisId)),
  publish: labProcedure('editor')
    .input(publishInput)
    .mutation(({ ctx, input: { labId, ...rest } }) => publish(ctx.runtime, ctx.user.id, labId, rest)),
  unpublish: labProcedure('editor')
    .input(unpublishInput)
    .mutation(({ ctx, input: { labId, ...rest } }) => unpublish(ctx.runtime.db, ctx.user.id, labId, rest)),
});
