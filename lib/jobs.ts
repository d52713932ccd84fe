/** One pg-boss queue carries every kind of job; the job row in the database says what to run. */
export const JOB_QUEUE = 'brainglass-jobs';

export interface QueueMessage {
  jobId: string;
}

/** Job kinds a user can start. Each has a handler in workers/handlers. */
export const JOB_KINDS = ['dataset.synthesize', 'dataset.ingest'] as const;
export type JobKind = (typeof JOB_KINDS)[number];
