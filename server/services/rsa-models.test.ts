import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyses } from '@/db/schema';
import type { RsaParams } from '@/lib/jobs';
import { SMALL_CNN_LAYERS, smallImageCnnBytes } from '@/lib/onnx/test-models';
import { encodeImage, scene } from '@/lib/stimuli/test-images';
import { generateHierarchyEpochs } from '@/lib/synthetic';
import { networkFromBytes } from '@/server/rsa/network';
import { drawVisualHierarchy } from '@/server/rsa/synthetic';
import { databaseKind, startTestPlatform, until, type TestPlatform } from '@/server/testing/harness';
import type { SessionUser } from '@/server/trpc/init';
import type { JobContext } from '@/workers/context';
import { storeSyntheticEpochs } from '@/workers/handlers/synthesize';
import { startWorkers } from '@/workers/engine';

/**
 * Level 2 with a network the user uploads: a small CNN written by the test, on the planted visual hierarchy drawn
 * from that network (so no MobileNetV2 is needed and the analysis runs in seconds).
 */
describe(`RSA with an uploaded ONNX model (${databaseKind})`, () => {
  let platform: TestPlatform;
  let user: SessionUser;
  let labId: string;
  let datasetId: string;
  const upload = (name: string, bytes: Uint8Array) => platform.upload(user, labId, name, bytes);

  beforeAll(async () => {
    platform = await startTestPlatform();
    user = await platform.user('Modeller');
    labId = (await platform.as(user).labs.create({ name: 'Models lab', description: '' })).id;
    await startWorkers(platform.runtime);
    const drawn = await drawVisualHierarchy(networkFromBytes(smallImageCnnBytes(), 'small-cnn.onnx'), {
      seed: 2,
      perCategory: 6,
      generate: async (layers, labels, categories, control) => generateHierarchyEpochs(layers, { seed: 2, labels, categories, control }),
    });
    // The demo job's own storage, without a job around it.
    const ctx = { runtime: platform.runtime, labId, userId: user.id, progress: async () => {}, log: async () => {}, throwIfCancelled: () => {} };
    ({ datasetId } = await storeSyntheticEpochs(ctx as unknown as JobContext, drawn.epochs, { name: 'Small hierarchy', description: '' }));
    const ids = await Promise.all([drawn.csv, ...drawn.files].map((f) => upload(f.name, f.bytes)));
    await platform.as(user).rsa.attachStimuli({ labId, datasetId, uploadIds: ids });
  });
  afterAll(() => platform.close());

  let modelKey: string;

  it('refuses a file that is not ONNX and keeps nothing', async () => {
    const png = await encodeImage(scene(16, 16), 16, 16, 'png');
    const attempt = platform.as(user).rsa.attachModel({ labId, datasetId, uploadId: await upload('photo.onnx', png) });
    await expect(attempt).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/photo\.onnx is not a readable ONNX model/) });
    expect(await platform.as(user).rsa.models({ labId })).toEqual([]);
  });

  it('lists an uploaded model with its layers, op types and shapes', async () => {
    const attached = await platform.as(user).rsa.attachModel({ labId, datasetId, uploadId: await upload('small-cnn.onnx', smallImageCnnBytes()) });
    modelKey = attached.key;
    expect(await platform.as(user).rsa.models({ labId })).toEqual([{ name: 'small-cnn.onnx', key: modelKey }]);
    const described = await platform.as(user).rsa.describeModel({ labId, modelKey });
    expect(described.name).toBe('small-cnn.onnx');
    expect(described.layers.slice(1).map((l) => [l.name, l.opType, l.shape])).toEqual(
      SMALL_CNN_LAYERS.filter((l) => l.opType !== 'Flatten').map((l) => [l.name, l.opType, [...l.shape]]),
    );
    expect(described.spec).toMatchObject({ width: 32, height: 32, layout: 'NCHW' });
  });

  it('refuses a chosen layer that is not in the graph, naming it', async () => {
    const attempt = platform.as(user).rsa.start({ labId, datasetId, name: 'Wrong layer', modelKey, layers: ['relu1', 'fc7'] });
    await expect(attempt).rejects.toMatchObject({ code: 'BAD_REQUEST', message: "Not in the graph of small-cnn.onnx: 'fc7'; choose among its listed layers" });
  });

  it('records the model, layers and input settings in params; a cancelled analysis resumes and equals an uninterrupted one', async () => {
    const params = {
      modelKey,
      layers: ['pixels', 'relu1', 'relu2', 'relu3', 'logits'],
      input: { resize: 'stretch' as const },
      // Enough work per band/window that the cancel lands part-way.
      nPermutations: 4000,
      stopAfter: null,
      seed: 3,
    } satisfies Partial<RsaParams>;
    const whole = await platform.as(user).rsa.start({ labId, datasetId, name: 'Uninterrupted', ...params });
    const reference = await until(() => platform.as(user).rsa.get({ labId, analysisId: whole.analysisId }), (a) => a.status !== 'running');
    expect(reference.job?.error ?? null).toBeNull();
    expect(reference.params).toMatchObject(params);
    expect(reference.summary!.layers).toEqual(params.layers);
    expect(reference.summary!.model.name).toBe('small-cnn.onnx');

    const started = await platform.as(user).rsa.start({ labId, datasetId, name: 'Interrupted', ...params });
    const stateKeys = async () => {
      const [row] = await platform.runtime.db.select({ blobs: analyses.blobs }).from(analyses).where(eq(analyses.id, started.analysisId));
      return Object.keys(row!.blobs).filter((k) => k.startsWith('state:rsa:'));
    };
    // Cancelled once some band/windows are done, before all 15 are.
    await until(stateKeys, (keys) => keys.length >= 2, 120_000);
    await platform.as(user).jobs.cancel({ labId, jobId: started.jobId });
    const cancelled = await until(() => platform.as(user).jobs.get({ labId, jobId: started.jobId }), (j) => j.state === 'cancelled');
    const kept = (await stateKeys()).length;
    expect(kept).toBeLessThan(reference.summary!.bandWindows.length);
    await platform.as(user).jobs.retry({ labId, jobId: cancelled.id });
    const job = await until(() => platform.as(user).jobs.get({ labId, jobId: cancelled.id }), (j) => j.state === 'succeeded' || j.state === 'failed');
    expect(job.state, job.error ?? '').toBe('succeeded');
    expect(job.log.map((l) => l.message)).toContain('Resuming: results of earlier steps are kept');
    const resumed = await platform.as(user).rsa.get({ labId, analysisId: started.analysisId });
    expect(resumed.status).toBe('ready');
    expect(resumed.summary!.networks).toEqual(reference.summary!.networks);
    expect(resumed.contacts).toEqual(reference.contacts);
  }, 300_000);
});
