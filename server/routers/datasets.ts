import { z } from 'zod';
import { deleteDataset, getDataset, listDatasets, setElectrodes, setElectrodesInput, updateDataset, updateDatasetInput } from '@/server/services/datasets';
import { listEvents, readSignal, signalInput } from '@/server/services/signals';
import { epochParams } from '@/lib/jobs';
import { addFiles, addFilesInput, importUploads, importUploadsInput, makeEpochs, reingest } from '@/server/services/uploads';
import { labProcedure, readProcedure, router } from '@/server/trpc/init';

const datasetInput = z.object({ datasetId: z.string() });

export const datasetsRouter = router({
  list: labProcedure('viewer').query(({ ctx, input }) => listDatasets(ctx.runtime.db, input.labId)),
  get: readProcedure
    .input(datasetInput)
    .query(async ({ ctx, input }) => ({ ...(await getDataset(ctx.runtime.db, input.labId, input.datasetId)), access: { role: ctx.role, via: ctx.via } })),
  events: readProcedure
    .input(datasetInput)
    .query(async ({ ctx, input }) => {
      await getDataset(ctx.runtime.db, input.labId, input.datasetId);
      return listEvents(ctx.runtime.db, input.datasetId);
    }),
  signal: readProcedure
    .input(signalInput)
    .query(({ ctx, input }) => readSignal(ctx.runtime.db, ctx.runtime.blobs, input.labId, input)),
  importUploads: labProcedure('editor')
    .input(importUploadsInput)
    .mutation(({ ctx, input }) => importUploads(ctx.runtime, ctx.user.id, input.labId, input)),
  addFiles: labProcedure('editor')
    .input(addFilesInput)
    .mutation(({ ctx, input }) => addFiles(ctx.runtime, ctx.user.id, input.labId, input)),
  reingest: labProcedure('editor')
    .input(datasetInput)
    .mutation(({ ctx, input }) => reingest(ctx.runtime, ctx.user.id, input.labId, input.datasetId)),
  setElectrodes: labProcedure('editor')
    .input(setElectrodesInput)
    .mutation(({ ctx, input }) => setElectrodes(ctx.runtime.db, ctx.user.id, input.labId, input)),
  makeEpochs: labProcedure('editor')
    .input(epochParams)
    .mutation(({ ctx, input }) => {
      const { labId, ...params } = input;
      return makeEpochs(ctx.runtime, ctx.user.id, labId, params);
    }),
  update: labProcedure('editor')
    .input(datasetInput.extend(updateDatasetInput.shape))
    .mutation(({ ctx, input }) => updateDataset(ctx.runtime.db, ctx.user.id, input.labId, input.datasetId, input)),
  delete: labProcedure('editor')
    .input(datasetInput)
    .mutation(({ ctx, input }) => deleteDataset(ctx.runtime.db, ctx.user.id, input.labId, input.datasetId)),
});
