import {
  annotationFilter,
  annotationsOf,
  createAnnotation,
  createInput,
  labAnnotations,
  labListInput,
  removeAnnotation,
  removeInput,
  replyInput,
  replyToAnnotation,
  resolveInput,
  setResolved,
  updateAnnotation,
  updateInput,
} from '@/server/services/annotations';
import { objectInput } from '@/server/services/sharing';
import { labProcedure, objectProcedure, router } from '@/server/trpc/init';

/**
 * Notes on results. Members and labs an object is shared with read them (reviewers with a link do not); writing
 * needs the editor role; changing or deleting one is for its author (checked by the service).
 */
export const annotationsRouter = router({
  forObject: objectProcedure('viewer')
    .input(objectInput.extend({ filter: annotationFilter.optional() }))
    .query(({ ctx, input }) => annotationsOf(ctx.runtime.db, input.labId, { kind: input.objectKind, id: input.objectId }, input.filter)),
  create: objectProcedure('editor')
    .input(createInput)
    .mutation(({ ctx, input: { labId, ...rest } }) => createAnnotation(ctx.runtime.db, ctx.user.id, labId, rest)),
  reply: objectProcedure('editor')
    .input(replyInput)
    .mutation(({ ctx, input: { labId, ...rest } }) => replyToAnnotation(ctx.runtime.db, ctx.user.id, labId, rest)),
  setResolved: objectProcedure('editor')
    .input(resolveInput)
    .mutation(({ ctx, input: { labId, ...rest } }) => setResolved(ctx.runtime.db, labId, rest)),
  update: objectProcedure('editor')
    .input(updateInput)
    .mutation(({ ctx, input: { labId, ...rest } }) => updateAnnotation(ctx.runtime.db, ctx.user.id, labId, rest)),
  remove: objectProcedure('editor')
    .input(removeInput)
    .mutation(({ ctx, input: { labId, ...rest } }) => removeAnnotation(ctx.runtime.db, ctx.user.id, labId, rest)),
  /** Every thread on the lab's objects, for the lab-wide list. */
  labList: labProcedure('viewer')
    .input(labListInput)
    .query(({ ctx, input: { labId, ...filter } }) => labAnnotations(ctx.runtime.db, labId, filter)),
});
