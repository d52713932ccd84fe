import { z } from 'zod';
import { signaturesParams } from '@/lib/jobs';
import { getAnalysis, getContactMaps, getPrototypes, listAnalyses, startSignatures } from '@/server/services/analyses';
import { labProcedure, readProcedure, router } from '@/server/trpc/init';

const analysisInput = z.object({ analysisId: z.string() });

export const analysesRouter = router({
  list: labProcedure('viewer').query(({ ctx, input }) => listAnalyses(ctx.runtime.db, input.labId)),
  get: readProcedure
    .input(analysisInput)
    .query(async ({ ctx, input }) => ({ ...(await getAnalysis(ctx.runtime.db, input.labId, input.analysisId)), access: { role: ctx.role, via: ctx.via } })),
  contact: readProcedure
    .input(analysisInput.extend({ channelIndex: z.number().int().min(0) }))
    .query(({ ctx, input }) => getContactMaps(ctx.runtime.db, ctx.runtime.blobs, input.labId, input.analysisId, input.channelIndex)),
  prototypes: readProcedure
    .input(analysisInput.extend({ category: z.string() }))
    .query(({ ctx, input }) => getPrototypes(ctx.runtime.db, ctx.runtime.blobs, input.labId, input.analysisId, input.category)),
  startSignatures: labProcedure('editor')
    .input(signaturesParams)
    .mutation(({ ctx, input }) => {
      const { labId, ...params } = input;
      return startSignatures(ctx.runtime, ctx.user.id, labId, params);
    }),
});
