import { z } from 'zod';
import { rsaParams, synthesizeVisualParams } from '@/lib/jobs';
import { labModels } from '@/server/rsa/network';
import { attachModel, attachModelInput, attachStimuli, attachStimuliInput, describeModel, getRsa, getRsaRdm, startRsa, synthesizeVisual } from '@/server/services/rsa';
import { labProcedure, readProcedure, router } from '@/server/trpc/init';

const analysisInput = z.object({ analysisId: z.string() });

/** Level 2: stimulus sets, the RSA analysis and its views (downloads: app/api/labs/[labId]/analyses/[analysisId]/rsa). */
export const rsaRouter = router({
  synthesize: labProcedure('editor')
    .input(synthesizeVisualParams)
    .mutation(({ ctx, input: { labId, ...params } }) => synthesizeVisual(ctx.runtime, ctx.user.id, labId, params)),
  attachStimuli: labProcedure('editor')
    .input(attachStimuliInput)
    .mutation(({ ctx, input: { labId, ...input } }) => attachStimuli(ctx.runtime, ctx.user.id, labId, input)),
  attachModel: labProcedure('editor')
    .input(attachModelInput)
    .mutation(({ ctx, input: { labId, ...input } }) => attachModel(ctx.runtime, ctx.user.id, labId, input)),
  models: labProcedure('viewer').query(({ ctx, input }) => labModels(ctx.runtime.db, input.labId)),
  describeModel: labProcedure('viewer')
    .input(z.object({ modelKey: rsaParams.shape.modelKey }))
    .query(({ ctx, input }) => describeModel(ctx.runtime, input.labId, input.modelKey)),
  start: labProcedure('editor')
    .input(rsaParams)
    .mutation(({ ctx, input: { labId, ...params } }) => startRsa(ctx.runtime, ctx.user.id, labId, params)),
  get: readProcedure
    .input(analysisInput)
    .query(async ({ ctx, input }) => ({ ...(await getRsa(ctx.runtime, input.labId, input.analysisId)), access: { role: ctx.role, via: ctx.via } })),
  rdm: readProcedure
    .input(analysisInput.extend({ network: z.enum(['trained', 'random']), layer: z.number().int().min(0) }))
    .query(({ ctx, input }) => getRsaRdm(ctx.runtime, input.labId, input.analysisId, input.network, input.layer)),
});
