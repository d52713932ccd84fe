import { TRPCError } from '@trpc/server';
import { and, desc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { PgBoss } from 'pg-boss';
import type { Db } from '@/db/client';
import { appendLog, jobs, logLine } from '@/db/schema';
import { softwareVersion } from '@/server/version';
import { recordAudit } from '@/server/services/audit';
import { JOB_QUEUE, type QueueMessage } from '@/lib/jobs';

export interface NewJob {
  labId: string;
  kind: string;
  title: string;
  params: Record<string, unknown>;
  inputChecksums?: Record<string, string>;
  createdBy: string | null;
}

export async function enqueueJob(db: Db, boss: PgBoss, job: NewJob) {
  const [row] = await db
    .insert(jobs)
    .values({ ...job, inputChecksums: job.inputChecksums ?? {}, softwareVersion, log: [logLine('Queued')] })
    .returning();
  const queueJobId = await boss.send(JOB_QUEUE, { jobId: row!.id } satisfies QueueMessage);
  await db.update(jobs).set({ queueJobId }).where(eq(jobs.id, row!.id));
  await recordAudit(db, { labId: job.labId, actorId: job.createdBy, action: 'job.start', objectType: 'job', objectId: row!.id, detail: { kind: job.kind } });
  return { ...row!, queueJobId };
}

/** Columns for lists and live updates: everything but the (possibly long) log and result. */
const summary = {
  id: jobs.id,
  labId: jobs.labId,
  kind: jobs.kind,
  title: jobs.title,
  state: jobs.state,
  progress: jobs.progress,
  step: jobs.step,
  error: jobs.error,
  attempt: jobs.attempt,
  createdAt: jobs.createdAt,
  startedAt: jobs.startedAt,
  finishedAt: jobs.finishedAt,
  updatedAt: jobs.updatedAt,
};

export async function listJobs(db: Db, labId: string, limit = 50) {
  return db.select(summary).from(jobs).where(eq(jobs.labId, labId)).orderBy(desc(jobs.createdAt)).limit(limit);
}

export async function getJob(db: Db, labId: string, jobId: string) {
  const [row] = await db.select().from(jobs).where(and(eq(jobs.id, jobId), eq(jobs.labId, labId)));
  if (!row) throw new TRPCError({ code: 'NOT_FOUND', message: 'Job not found' });
  return row;
}

/** Jobs of a lab changed after `since`: what a live view needs to catch up. */
export async function jobsChangedSince(db: Db, labId: string, since: Date) {
  return db
    .select({ ...summary, log: jobs.log })
    .from(jobs)
    .where(and(eq(jobs.labId, labId), gt(jobs.updatedAt, since)))
    .orderBy(jobs.updatedAt);
}

export async function cancelJob(db: Db, boss: PgBoss, actorId: string, labId: string, jobId: string) {
  const [row] = await db
    .update(jobs)
    .set({ state: 'cancelled', step: 'Cancelled', finishedAt: new Date(), updatedAt: new Date(), log: appendLog(logLine('Cancelled by a user', 'warn')) })
    .where(and(eq(jobs.id, jobId), eq(jobs.labId, labId), inArray(jobs.state, ['queued', 'running'])))
    .returning({ queueJobId: jobs.queueJobId });
  if (!row) {
    const job = await getJob(db, labId, jobId);
    throw new TRPCError({ code: 'BAD_REQUEST', message: `This job is ${job.state}; only queued or running jobs can be cancelled` });
  }
  // A running handler notices the cancelled state at its next progress report and stops its threads.
  if (row.queueJobId) await boss.cancel(JOB_QUEUE, row.queueJobId).catch(() => undefined);
  await recordAudit(db, { labId, actorId, action: 'job.cancel', objectType: 'job', objectId: jobId });
}

/** Runs a failed or cancelled job again with the same parameters and inputs. */
export async function retryJob(db: Db, boss: PgBoss, actorId: string, labId: string, jobId: string) {
  const [row] = await db
    .update(jobs)
    .set({
      state: 'queued',
      progress: 0,
      step: 'Waiting for a worker',
      error: null,
      errorCause: null,
      startedAt: null,
      finishedAt: null,
      attempt: sql`${jobs.attempt} + 1`,
      updatedAt: new Date(),
      log: appendLog(logLine('Retry requested')),
    })
    .where(and(eq(jobs.id, jobId), eq(jobs.labId, labId), inArray(jobs.state, ['failed', 'cancelled'])))
    .returning({ id: jobs.id });
  if (!row) {
    const job = await getJob(db, labId, jobId);
    throw new TRPCError({ code: 'BAD_REQUEST', message: `This job is ${job.state}; only failed or cancelled jobs can be retried` });
  }
  const queueJobId = await boss.send(JOB_QUEUE, { jobId } satisfies QueueMessage);
  await db.update(jobs).set({ queueJobId }).where(eq(jobs.id, jobId));
  await recordAudit(db, { labId, actorId, action: 'job.retry', objectType: 'job', objectId: jobId });
}

/** The job behind an analysis, as its pages show it (state, progress, error, software version); null without one. */
export async function analysisJob(db: Db, jobId: string | null) {
  if (!jobId) return null;
  const [job] = await db
    .select({ id: jobs.id, state: jobs.state, progress: jobs.progress, step: jobs.step, error: jobs.error, softwareVersion: jobs.softwareVersion })
    .from(jobs)
    .where(eq(jobs.id, jobId));
  return job ?? null;
}
