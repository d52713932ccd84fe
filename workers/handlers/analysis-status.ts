import { eq } from 'drizzle-orm';
import { analyses, jobs } from '@/db/schema';
import type { JobContext } from '../context';

/**
 * Runs an analysis job's work with the analysis row's status kept in step: running while it runs (a retried job runs
 * again), failed when it throws or is cancelled (cancelled counts as not ready); the work itself marks it ready.
 */
export async function asAnalysisRun<T>(ctx: JobContext, analysisId: string, work: () => Promise<T>): Promise<T> {
  await ctx.runtime.db.update(analyses).set({ status: 'running' }).where(eq(analyses.id, analysisId));
  try {
    return await work();
  } catch (err) {
    // A run superseded by a retry leaves the analysis to the retry.
    const [current] = await ctx.runtime.db.select({ attempt: jobs.attempt }).from(jobs).where(eq(jobs.id, ctx.jobId));
    if (current?.attempt === ctx.attempt) await ctx.runtime.db.update(analyses).set({ status: 'failed' }).where(eq(analyses.id, analysisId));
    throw err;
  }
}
