import { and, eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { appendLog, jobs, logLine, type JobLogLine } from '@/db/schema';
import type { BlobStore } from '@/server/storage/blobs';

/** The part of a process's runtime that job handlers use. */
export interface WorkerRuntime {
  db: Db;
  blobs: BlobStore;
}

export class JobCancelled extends Error {
  constructor() {
    super('The job was cancelled');
    this.name = 'JobCancelled';
  }
}

/**
 * What a handler sees of its job: parameters, a way to report progress and log, and a signal that fires when a
 * user cancels. Progress writes are throttled so a tight loop cannot flood the database.
 */
export class JobContext {
  private readonly controller = new AbortController();
  private lastWrite = 0;
  private pending: { progress: number; step: string } | null = null;
  private step = '';

  constructor(
    readonly runtime: WorkerRuntime,
    readonly jobId: string,
    readonly labId: string,
    readonly userId: string | null,
    readonly params: Record<string, unknown>,
    /** The attempt this run is: a retry starts the next, so a superseded run sees itself cancelled. */
    readonly attempt: number,
  ) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Reports progress in [0, 1] with the current step; also the moment a cancellation is noticed. */
  async progress(fraction: number, step = this.step): Promise<void> {
    const stepChanged = step !== this.step;
    this.step = step;
    this.pending = { progress: Math.max(0, Math.min(1, fraction)), step };
    const now = Date.now();
    if (!stepChanged && now - this.lastWrite < 250) return;
    await this.flush();
  }

  /** Progress of a sub-task that spans [from, to] of the whole job. */
  span(from: number, to: number, step: string): (fraction: number) => void {
    return (fraction) => void this.progress(from + (to - from) * fraction, step).catch(() => undefined);
  }

  async log(message: string, level: JobLogLine['level'] = 'info'): Promise<void> {
    await this.runtime.db
      .update(jobs)
      .set({ log: appendLog(logLine(message, level)), updatedAt: new Date() })
      .where(eq(jobs.id, this.jobId));
  }

  async flush(): Promise<void> {
    if (!this.pending) return;
    const { progress, step } = this.pending;
    this.pending = null;
    this.lastWrite = Date.now();
    const [row] = await this.runtime.db
      .update(jobs)
      .set({ progress, step, updatedAt: new Date() })
      .where(this.isCurrent())
      .returning({ id: jobs.id });
    // No running row of this attempt: a user cancelled it (and maybe retried it already), or it was removed.
    if (!row && !this.signal.aborted) this.controller.abort(new JobCancelled());
  }

  /** SQL condition: the job row is running this very attempt. */
  isCurrent() {
    return and(eq(jobs.id, this.jobId), eq(jobs.state, 'running'), eq(jobs.attempt, this.attempt));
  }

  throwIfCancelled(): void {
    if (this.signal.aborted) throw new JobCancelled();
  }
}
