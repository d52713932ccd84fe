import { PgBoss, fromPglite } from 'pg-boss';
import type { Database } from '@/db/client';
import { JOB_QUEUE } from '@/lib/jobs';


/**
 * pg-boss on the same database as everything else: the PGlite connection in embedded mode, a pool of its own on
 * PostgreSQL. Heartbeats let a restarted worker take over a job whose process died.
 */
export async function startQueue(database: Database, options: { heartbeatSeconds?: number; superviseIntervalSeconds?: number } = {}): Promise<PgBoss> {
  const tuning = options.superviseIntervalSeconds ? { superviseIntervalSeconds: options.superviseIntervalSeconds } : {};
  const boss = database.pglite
    ? new PgBoss({ db: fromPglite(database.pglite), backend: 'pglite', ...tuning })
    : new PgBoss({ connectionString: database.url, max: 4, ...tuning });
  boss.on('error', (err) => console.error('[queue]', err));
  await boss.start();
  await boss.createQueue(JOB_QUEUE, {
    heartbeatSeconds: options.heartbeatSeconds ?? 30,
    // A retry here only happens when a worker died mid-job; a handler's own error marks the job failed instead.
    retryLimit: 5,
    expireInSeconds: 24 * 3600,
  });
  return boss;
}
