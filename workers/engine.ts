import { and, eq, inArray } from 'drizzle-orm';
import type { Job, PgBoss } from 'pg-boss';
import { appendLog, jobs, logLine } from '@/db/schema';
import { JOB_QUEUE, type QueueMessage } from '@/lib/jobs';
import { notify } from '@/server/services/notifications';
import { JobCancelled, JobContext, type WorkerRuntime } from './context';
import { handlers } from './handlers';

/** Registers the job handlers with the queue. Called once per process that runs workers. */
export async function startWorkers(runtime: WorkerRuntime & { boss: PgBoss }, options: { concurrency?: number } = {}): Promise<string> {
  return runtime.boss.work<QueueMessage>(
    JOB_QUEUE,
    { localConcurrency: options.concurrency ?? 2, pollingIntervalSeconds: 0.5 },
    async ([job]) => runJob(runtime, job!),
  );
}

/** Explains an error for people: its message, and the cause chain when there is one. */
function describeError(err: unknown): { error: string; cause: string | null } {
  const e = err instanceof Error ? err : new Error(String(err));
  const causes: string[] = [];
  for (let c: unknown = e.cause; c; c = c instanceof Error ? c.cause : undefined) {
    causes.push(c instanceof Error ? c.message : String(c));
  }
  return { error: e.message, cause: causes.length ? causes.join(' <- ') : (e.stack?.split('\n').slice(1, 4).join('\n').trim() ?? null) };
}

export async function runJob(runtime: WorkerRuntime, job: Job<QueueMessage>): Promise<void> {
  const { db } = runtime;
  const resumed = job.retryCount > 0;
  const [row] = await db
    .update(jobs)
    .set({
      state: 'running',
      startedAt: new Date(),
      updatedAt: new Date(),
      step: 'Starting',
      log: appendLog(logLine(resumed ? 'Resumed: the worker that held this job stopped' : 'Started', resumed ? 'warn' : 'info')),
    })
    .where(and(eq(jobs.id, job.data.jobId), inArray(jobs.state, ['queued', 'running'])))
    .returning();
  if (!row) return; // cancelled before it started, or already finished

  const handler = handlers[row.kind];
  const ctx = new JobContext(runtime, row.id, row.labId, row.createdBy, row.params, row.attempt);
  try {
    if (!handler) throw new Error(`No handler for jobs of kind "${row.kind}"; this worker may be older than the web app`);
    const result = await handler(ctx);
    ctx.throwIfCancelled();
    const done = await db
      .update(jobs)
      .set({ state: 'succeeded', progress: 1, step: 'Done', result: result ?? null, finishedAt: new Date(), updatedAt: new Date(), log: appendLog(logLine('Succeeded')) })
      .where(ctx.isCurrent())
      .returning({ id: jobs.id });
    if (done.length) await notifyFinished(runtime, row, 'finished');
  } catch (err) {
    if (err instanceof JobCancelled || ctx.signal.aborted) return; // the row already says cancelled
    const { error, cause } = describeError(err);
    const failed = await db
      .update(jobs)
      .set({ state: 'failed', step: 'Failed', error, errorCause: cause, finishedAt: new Date(), updatedAt: new Date(), log: appendLog(logLine(error, 'error')) })
      .where(ctx.isCurrent())
      .returning({ id: jobs.id });
    if (failed.length) await notifyFinished(runtime, row, 'failed', error);
  }
}

/** Tells whoever started the job that it ended (a superseded attempt tells no one). */
async function notifyFinished(runtime: WorkerRuntime, job: typeof jobs.$inferSelect, outcome: 'finished' | 'failed', error?: string) {
  if (!job.createdBy) return;
  await notify(runtime.db, [job.createdBy], { kind: 'job', title: `${job.title}: ${outcome}`, excerpt: error ?? '', link: `/labs/${job.labId}/jobs?job=${job.id}` });
}
