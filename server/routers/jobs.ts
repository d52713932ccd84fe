import { z } from 'zod';
import { cancelJob, enqueueJob, getJob, jobsChangedSince, listJobs, retryJob } from '@/server/jobs/service';
import { labProcedure, router } from '@/server/trpc/init';
import { synthesizeParams } from '@/lib/jobs';

const jobInput = z.object({ jobId: z.string() });

const LIVE_POLL_MS = 300;

export const jobsRouter = router({
  list: labProcedure('viewer').query(({ ctx, input }) => listJobs(ctx.runtime.db, input.labId)),
  get: labProcedure('viewer')
    .input(jobInput)
    .query(({ ctx, input }) => getJob(ctx.runtime.db, input.labId, input.jobId)),
  synthesize: labProcedure('editor')
    .input(synthesizeParams)
    .mutation(({ ctx, input }) =>
      enqueueJob(ctx.runtime.db, ctx.runtime.boss, {
        labId: input.labId,
        kind: 'dataset.synthesize',
        title: `Generate "${input.name}"`,
        params: { name: input.name, seed: input.seed, trialsPerCategory: input.trialsPerCategory },
        createdBy: ctx.user.id,
      }),
    ),
  cancel: labProcedure('editor')
    .input(jobInput)
    .mutation(({ ctx, input }) => cancelJob(ctx.runtime.db, ctx.runtime.boss, ctx.user.id, input.labId, input.jobId)),
  retry: labProcedure('editor')
    .input(jobInput)
    .mutation(({ ctx, input }) => retryJob(ctx.runtime.db, ctx.runtime.boss, ctx.user.id, input.labId, input.jobId)),
  /**
   * Live job updates over SSE. Reads the database rather than an in-process event bus, so it sees progress made by
   * worker processes on other machines too.
   */
  live: labProcedure('viewer').subscription(async function* ({ ctx, input, signal }) {
    let since = new Date(0);
    while (!signal?.aborted) {
      const changed = await jobsChangedSince(ctx.runtime.db, input.labId, since);
      if (changed.length) {
        since = changed[changed.length - 1]!.updatedAt;
        yield changed;
      }
      await new Promise((resolve) => setTimeout(resolve, LIVE_POLL_MS));
    }
  }),
});
