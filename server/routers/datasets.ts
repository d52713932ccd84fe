import { z } from 'zod';
import { deleteDataset, getDataset, listDatasets, updateDataset, updateDatasetInput } from '@/server/services/datasets';
import { labProcedure, router } from '@/server/trpc/init';

const datasetInput = z.object({ datasetId: z.string() });

export const datasetsRouter = router({
  list: labProcedure('viewer').query(({ ctx, input }) => listDatasets(ctx.runtime.db, input.labId)),
  get: labProcedure('viewer')
    .input(datasetInput)
    .query(({ ctx, input }) => getDataset(ctx.runtime.db, input.labId, input.datasetId)),
  update: labProcedure('editor')
    .input(datasetInput.extend(updateDatasetInput.shape))
    .mutation(({ ctx, input }) => updateDataset(ctx.runtime.db, ctx.user.id, input.labId, input.datasetId, input)),
  delete: labProcedure('editor')
    .input(datasetInput)
    .mutation(({ ctx, input }) => deleteDataset(ctx.runtime.db, ctx.user.id, input.labId, input.datasetId)),
});
