import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgEnum, pgTable, real, text, timestamp } from 'drizzle-orm/pg-core';
import { createdAtColumn, createdByColumn, idColumn, labColumn } from './columns';

export const jobState = pgEnum('job_state', ['queued', 'running', 'succeeded', 'failed', 'cancelled']);
export type JobState = (typeof jobState.enumValues)[number];

export interface JobLogLine {
  at: string;
  level: 'info' | 'warn' | 'error';
  message: string;
}

/**
 * The user-facing record of a job. pg-boss carries the work between processes; this row is what users see and
 * what makes a result reproducible: parameters, input checksums and the software version that ran it.
 */
export const jobs = pgTable(
  'jobs',
  {
    id: idColumn(),
    labId: labColumn(),
    kind: text('kind').notNull(),
    title: text('title').notNull(),
    params: jsonb('params').$type<Record<string, unknown>>().notNull().default({}),
    inputChecksums: jsonb('input_checksums').$type<Record<string, string>>().notNull().default({}),
    softwareVersion: text('software_version').notNull(),
    state: jobState('state').notNull().default('queued'),
    progress: real('progress').notNull().default(0),
    step: text('step').notNull().default('Waiting for a worker'),
    log: jsonb('log').$type<JobLogLine[]>().notNull().default([]),
    error: text('error'),
    errorCause: text('error_cause'),
    result: jsonb('result').$type<Record<string, unknown>>(),
    attempt: integer('attempt').notNull().default(1),
    queueJobId: text('queue_job_id'),
    createdBy: createdByColumn(),
    createdAt: createdAtColumn(),
    startedAt: timestamp('started_at', { mode: 'date' }),
    finishedAt: timestamp('finished_at', { mode: 'date' }),
    updatedAt: timestamp('updated_at', { mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('jobs_lab_created').on(t.labId, t.createdAt)],
);

export const logLine = (message: string, level: JobLogLine['level'] = 'info'): JobLogLine => ({
  at: new Date().toISOString(),
  level,
  message,
});

/** Appends to a job's log in SQL, so concurrent writers never overwrite each other's lines. */
export const appendLog = (...lines: JobLogLine[]) => sql`${jobs.log} || ${JSON.stringify(lines)}::jsonb`;
