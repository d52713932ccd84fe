import { z } from 'zod';
import { cancelJob, enqueueJob, getJob, jobsChangedSince, listJobs, retryJob } from '@/server/jobs/service';
import { labProcedure, router } from '@/server/trpc/init';

const jobInput = z.object({ jobId: z.string() });

export const synthesizeInput = z.object({
  name: z.string().trim().min(1, 'Name the dataset').max(200),
  seed: z.number().int().min(0).max(2 ** 31 - 1),
  trialsPerCategory: z.number().int().min(2, 'At least 2 trials per category').max(200, 'At most 200 trials per category'),
});

const LIVE_POLL_MS = 300;

export const jobsRouter = router({
  list: labProcedure('viewer').query(({ ctx, input }) => listJobs(ctx.runtime.db, input.labId)),
  get: labProcedure('viewer')
    .input(jobInput)
    .query(({ ctx, input }) => getJob(ctx.runtime.db, input.labId, input.jobId)),
  synthesize: labProcedure('editor')
    .input(synthesizeInput)
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
