import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeArray } from '@/lib/arrays';
import type { GroundTruth } from '@/lib/synthetic';
import { databaseKind, startTestPlatform, until, type TestPlatform } from '@/server/testing/harness';
import type { SessionUser } from '@/server/trpc/init';
import { startWorkers } from '@/workers/engine';

describe(`Level 1 signatures on synthetic data with planted ground truth (${databaseKind})`, () => {
  let platform: TestPlatform;
  let user: SessionUser;
  let labId: string;
  let datasetId: string;
  let truth: GroundTruth;

  beforeAll(async () => {
    platform = await startTestPlatform();
    user = await platform.user('Analyst');
    labId = (await platform.as(user).labs.create({ name: 'Level 1 lab', description: '' })).id;
    await startWorkers(platform.runtime);
    const job = await platform.as(user).jobs.synthesize({ labId, name: 'Planted', seed: 1, trialsPerCategory: 30 });
    const done = await until(() => platform.as(user).jobs.get({ labId, jobId: job.id }), (j) => j.state === 'succeeded');
    datasetId = String(done.result!.datasetId);
    const dataset = await platform.as(user).datasets.get({ labId, datasetId });
    truth = JSON.parse((await platform.runtime.blobs.get(dataset.blobs.groundTruth!)).toString()) as GroundTruth;
  });
  afterAll(() => platform.close());

  it('finds the planted contacts of every category, and their importance maps peak inside the planted box', async () => {
    const { analysisId } = await platform.as(user).analyses.startSignatures({
      labId,
      datasetId,
      name: 'Quick look',
      preset: 'quick',
      importance: 'class-gini',
      nNull: 2,
      seed: 0,
      clusterMethod: 'ward',
      k: 3,
    });
    const analysis = await until(() => platform.as(user).analyses.get({ labId, analysisId }), (a) => a.status !== 'running');
    expect(analysis.status).toBe('ready');
    expect(analysis.contacts).toHaveLength(48);
    const summary = analysis.summary!;
    // Precision and recall over (contact, category) pairs, all planted categories together.
    const pairs = (byCategory: Record<string, string[]>) => new Set(Object.entries(byCategory).flatMap(([c, names]) => names.map((n) => `${n}:${c}`)));
    const planted = pairs(truth.predictiveContacts);
    const found = pairs(summary.predictive);
    const hits = [...found].filter((c) => planted.has(c)).length;
    expect(planted.size).toBe(7);
    expect(hits / found.size).toBeGreaterThanOrEqual(0.9); // precision
    expect(hits / planted.size).toBeGreaterThanOrEqual(0.9); // recall
    // Planted contacts respond to the stimuli, so the responsiveness selection keeps them.
    for (const pair of planted) expect(analysis.contacts.find((c) => c.name === pair.split(':')[0])!.responsive).toBe(true);
    for (const effect of truth.effects) {
      const category = analysis.categories.indexOf(effect.category);
      const contact = analysis.contacts.find((c) => c.name === effect.contact)!;
      const maps = await platform.as(user).analyses.contact({ labId, analysisId, channelIndex: contact.channelIndex });
      const imp = maps.importance[category]!;
      const peak = imp.indexOf(Math.max(...imp));
      const f = summary.freqs[Math.floor(peak / maps.nBins)]!;
      const t = summary.binTimes[peak % maps.nBins]!;
      const binWidth = summary.binTimes[1]! - summary.binTimes[0]!;
      expect(f, `${effect.contact} ${effect.category}`).toBeGreaterThanOrEqual(effect.fminHz * 0.85);
      expect(f, `${effect.contact} ${effect.category}`).toBeLessThanOrEqual(effect.fmaxHz * 1.15);
      expect(t, `${effect.contact} ${effect.category}`).toBeGreaterThanOrEqual(effect.tminS - binWidth);
      expect(t, `${effect.contact} ${effect.category}`).toBeLessThanOrEqual(effect.tmaxS + binWidth);
    }
    // The face signatures were clustered, with a dendrogram; every member is a predictive contact.
    expect(summary.clusters.face!.clusters.flatMap((c) => c.members).sort()).toEqual([...summary.predictive.face!].sort());
    expect(summary.clusters.face!.links).toHaveLength(summary.predictive.face!.length - 1);

    // Downloads: the contacts table and the importance maps as .npy.
    const { contactsCsv, importanceNpy } = await import('@/server/services/exports');
    const csv = (await contactsCsv(platform.runtime, labId, analysisId)).body as string;
    const [header, ...lines] = csv.trim().split('\n');
    expect(header).toBe(`contact,region,n_trials,n_significant,responsive,${analysis.categories.map((c) => `f1_${c}`).join(',')},${analysis.categories.map((c) => `predictive_${c}`).join(',')},threshold`);
    expect(lines).toHaveLength(48);
    const npy = (await importanceNpy(platform.runtime, labId, analysisId)).body as Uint8Array;
    expect(new TextDecoder().decode(npy.subarray(10, 80))).toContain(`'shape': (48, 8, ${summary.freqs.length}, ${summary.binTimes.length})`);
  }, 600_000);

  it('shuffled labels give no predictive contact; a cancelled analysis carries on where it stopped when retried', async () => {
    const dataset = await platform.as(user).datasets.get({ labId, datasetId });
    const labels = decodeArray(await platform.runtime.blobs.get(dataset.blobs.labels!)).data as Int32Array;
    // A copy of the dataset whose labels are permuted: any structure left is chance.
    const shuffled = Int32Array.from(labels);
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = (i * 7919 + 13) % (i + 1);
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    const { encodeArray, ndarray } = await import('@/lib/arrays');
    const key = (await platform.runtime.blobs.put(encodeArray(ndarray('int32', shuffled, [shuffled.length], ['epochs'])))).key;
    const { datasets } = await import('@/db/schema');
    const { eq } = await import('drizzle-orm');
    await platform.runtime.db.update(datasets).set({ blobs: { ...dataset.blobs, labels: key } }).where(eq(datasets.id, datasetId));
    const { analysisId } = await platform.as(user).analyses.startSignatures({
      labId,
      datasetId,
      name: 'Shuffled',
      preset: 'quick',
      nEstimators: 50,
      nNull: 2,
      seed: 1,
      clusterMethod: 'ward',
      k: 3,
    });
    // Cancelled part-way, then retried: the contacts already done are kept and skipped.
    const started = await until(() => platform.as(user).analyses.get({ labId, analysisId }), (a) => a.contacts.length >= 4);
    await platform.as(user).jobs.cancel({ labId, jobId: started.jobId! });
    const cancelled = await until(() => platform.as(user).jobs.get({ labId, jobId: started.jobId! }), (j) => j.state === 'cancelled');
    const kept = (await platform.as(user).analyses.get({ labId, analysisId })).contacts.length;
    expect(kept).toBeGreaterThanOrEqual(4);
    expect(kept).toBeLessThan(48);
    await platform.as(user).jobs.retry({ labId, jobId: cancelled.id });
    const job = await until(() => platform.as(user).jobs.get({ labId, jobId: cancelled.id }), (j) => j.state === 'succeeded' || j.state === 'failed', 540_000);
    expect(job.state, job.error ?? '').toBe('succeeded');
    const analysis = await platform.as(user).analyses.get({ labId, analysisId });
    expect(analysis.status).toBe('ready');
    expect(job.log.map((l) => l.message)).toContain(`Resuming: ${kept} of 48 contacts already done`);
    expect(analysis.contacts).toHaveLength(48);
    // The threshold is the p = 1e-5 level of the shuffled-label null: no contact should pass it on shuffled labels.
    const summary = analysis.summary!;
    expect(summary.thresholdMethod).toBe('normal-tail');
    expect(Object.values(summary.predictive).flat()).toEqual([]);
  }, 900_000);
});
