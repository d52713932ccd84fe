import { z } from 'zod';
import {
  getEntry,
  listCatalogue,
  listInput,
  promoteInput,
  promoteSignature,
  removeEntry,
  requireReadableSource,
  similarInput,
  similarSignatures,
  updateEntry,
  updateInput,
} from '@/server/services/catalogue';
import { labProcedure, router } from '@/server/trpc/init';

const entryInput = z.object({ entryId: z.string().min(1) });

/**
 * The lab's signature catalogue, decided by the catalogue lab's roles. A signature taken from an analysis also needs
 * read access to that analysis, which may be another lab's shared with the caller.
 */
export const catalogueRouter = router({
  list: labProcedure('viewer')
    .input(listInput)
    .query(({ ctx, input: { labId, ...filter } }) => listCatalogue(ctx.runtime.db, labId, filter)),
  get: labProcedure('viewer')
    .input(entryInput)
    .query(({ ctx, input }) => getEntry(ctx.runtime.db, ctx.runtime.blobs, input.labId, input.entryId)),
  promote: labProcedure('editor')
    .input(promoteInput)
    .use(async ({ ctx, input, next }) => {
      await requireReadableSource(ctx.runtime.db, ctx.user.id, input);
      return next();
    })
    .mutation(({ ctx, input: { labId, ...rest } }) => promoteSignature(ctx.runtime.db, ctx.runtime.blobs, ctx.user.id, labId, rest)),
  update: labProcedure('editor')
    .input(updateInput)
    .mutation(({ ctx, input: { labId, ...rest } }) => updateEntry(ctx.runtime.db, ctx.user.id, labId, rest)),
  remove: labProcedure('editor')
    .input(entryInput)
    .mutation(({ ctx, input }) => removeEntry(ctx.runtime.db, ctx.user.id, input.labId, input.entryId)),
  similar: labProcedure('viewer')
    .input(similarInput)
    .use(async ({ ctx, input, next }) => {
      if (!('entryId' in input.query)) await requireReadableSource(ctx.runtime.db, ctx.user.id, input.query);
      return next();
    })
    .query(({ ctx, input: { labId, ...rest } }) => similarSignatures(ctx.runtime.db, ctx.runtime.blobs, labId, rest)),
});
