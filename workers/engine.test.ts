import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasets, jobs } from '@/db/schema';
import { JOB_QUEUE } from '@/lib/jobs';
import { enqueueJob } from '@/server/jobs/service';
import { databaseKind, startTestPlatform, type TestPlatform } from '@/server/testing/harness';
import type { SessionUser } from '@/server/trpc/init';
import { startWorkers } from './engine';

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out; last value: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe(`job engine (${databaseKind})`, () => {
  let platform: TestPlatform;
  let user: SessionUser;
  let labId: string;
  const jobRow = (id: string) => () => platform.as(user).jobs.get({ labId, jobId: id });

  beforeAll(async () => {
    platform = await startTestPlatform({ heartbeatSeconds: 10, superviseIntervalSeconds: 1 });
    user = await platform.user('Runner');
    labId = (await platform.as(user).labs.create({ name: 'Jobs lab', description: '' })).id;
  });
  afterAll(() => platform.close());

  it('a job that a crashed worker held is picked up again by the next worker', async () => {
    const job = await enqueueJob(platform.runtime.db, platform.runtime.boss, {
      labId,
      kind: 'dataset.synthesize',
      title: 'Orphaned',
      params: { name: 'Orphaned', seed: 3, trialsPerCategory: 2 },
      createdBy: user.id,
    });
    // A worker takes the job and dies: fetched, marked running, never completed, no more heartbeats.
    const [taken] = await platform.runtime.boss.fetch(JOB_QUEUE);
    expect(taken?.id).toBe(job.queueJobId);
    await platform.runtime.db.update(jobs).set({ state: 'running', progress: 0.3 }).where(eq(jobs.id, job.id));
    await startWorkers(platform.runtime);
    const done = await waitFor(jobRow(job.id), (j) => j.state === 'succeeded', 90_000);
    expect(done.log.map((l) => l.message)).toContain('Resumed: the worker that held this job stopped');
  });

  it('runs a job to 100 % through its steps, records provenance, and stores the result', async () => {
    const started = await platform.as(user).jobs.synthesize({ labId, name: 'Small synthetic', seed: 7, trialsPerCategory: 3 });
    const seen = new Set<number>();
    const done = await waitFor(jobRow(started.id), (j) => (seen.add(j.progress), j.state === 'succeeded' || j.state === 'failed'));
    expect(done.state).toBe('succeeded');
    expect(done.progress).toBe(1);
    expect(done.softwareVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(done.params).toEqual({ name: 'Small synthetic', seed: 7, trialsPerCategory: 3 });
    expect(done.log.map((l) => l.message)).toEqual(expect.arrayContaining(['Queued', 'Started', 'Succeeded']));
    const [dataset] = await platform.runtime.db.select().from(datasets).where(eq(datasets.id, String(done.result?.datasetId)));
    expect(dataset).toMatchObject({ name: 'Small synthetic', sfreq: 512, nTimes: 768, nEpochs: 3 * dataset!.categories.length });
    // Whoever started the job finds it in their inbox, linked to its details.
    expect(await platform.as(user).inbox.list()).toContainEqual(
      expect.objectContaining({ kind: 'job', title: 'Generate "Small synthetic": finished', link: `/labs/${labId}/jobs?job=${started.id}` }),
    );
    expect(await platform.runtime.blobs.has(dataset!.blobs.epochs!)).toBe(true);
  });

  it('a job that throws is marked failed with its error, keeps its inputs, and can be retried', async () => {
    const bad = await enqueueJob(platform.runtime.db, platform.runtime.boss, {
      labId,
      kind: 'dataset.synthesize',
      title: 'Bad parameters',
      params: { name: 'Bad', seed: 1, trialsPerCategory: 1 },
      createdBy: user.id,
    });
    const failed = await waitFor(jobRow(bad.id), (j) => j.state === 'failed');
    expect(failed.error).toMatch(/trialsPerCategory/);
    expect(failed.params).toEqual({ name: 'Bad', seed: 1, trialsPerCategory: 1 });
    // Fix the input the way an operator would, then retry the same job.
    await platform.runtime.db.update(jobs).set({ params: { name: 'Bad', seed: 1, trialsPerCategory: 2 } }).where(eq(jobs.id, bad.id));
    await platform.as(user).jobs.retry({ labId, jobId: bad.id });
    const retried = await waitFor(jobRow(bad.id), (j) => j.state === 'succeeded');
    expect(retried.attempt).toBe(2);
    expect(retried.error).toBeNull();
  });

  it('cancelling stops a job; succeeded jobs cannot be cancelled or retried', async () => {
    const started = await platform.as(user).jobs.synthesize({ labId, name: 'To cancel', seed: 9, trialsPerCategory: 200 });
    await waitFor(jobRow(started.id), (j) => j.state === 'running');
    await platform.as(user).jobs.cancel({ labId, jobId: started.id });
    await new Promise((r) => setTimeout(r, 1500));
    const cancelled = await jobRow(started.id)();
    expect(cancelled.state).toBe('cancelled');
    expect(await platform.runtime.db.select().from(datasets).where(eq(datasets.name, 'To cancel'))).toEqual([]);
    const done = (await platform.as(user).jobs.list({ labId })).find((j) => j.state === 'succeeded')!;
    await expect(platform.as(user).jobs.cancel({ labId, jobId: done.id })).rejects.toMatchObject({
      message: 'This job is succeeded; only queued or running jobs can be cancelled',
    });
    await expect(platform.as(user).jobs.retry({ labId, jobId: done.id })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('streams job changes to live subscribers', async () => {
    const stream = await platform.as(user).jobs.live({ labId });
    const started = await platform.as(user).jobs.synthesize({ labId, name: 'Watched', seed: 11, trialsPerCategory: 2 });
    const states: string[] = [];
    for await (const batch of stream) {
      for (const j of batch) if (j.id === started.id) states.push(j.state);
      if (states.includes('succeeded')) break; // leaving the loop ends the subscription
    }
    expect(states[states.length - 1]).toBe('succeeded');
  });
});
