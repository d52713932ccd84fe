import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkers } from '@/workers/engine';
import { databaseKind, startTestPlatform, type TestPlatform } from '@/server/testing/harness';
import type { SessionUser } from '@/server/trpc/init';

const recordings = path.resolve('../shared/data/recordings');
const reference = JSON.parse(readFileSync(path.join(recordings, 'reference-mne.json'), 'utf8')) as Record<
  string,
  { sfreq: number; n_channels: number; n_samples: number; ch_names: string[]; first_samples_volts: Record<string, number[]>; annotations: { onset_s: number; description: string }[] }
>;

describe(`upload and ingest of recordings (${databaseKind})`, () => {
  let platform: TestPlatform;
  let user: SessionUser;
  let labId: string;

  /** A recording (or any bytes) as a finished upload. */
  const upload = (name: string, bytes: Uint8Array = readFileSync(path.join(recordings, name))) => platform.upload(user, labId, name, bytes);

  async function waitForDataset(datasetId: string) {
    for (let i = 0; i < 600; i++) {
      const d = await platform.as(user).datasets.get({ labId, datasetId });
      if (d.status !== 'ingesting') return d;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('ingest did not finish');
  }

  beforeAll(async () => {
    platform = await startTestPlatform();
    user = await platform.user('Uploader');
    labId = (await platform.as(user).labs.create({ name: 'Upload lab', description: '' })).id;
    await startWorkers(platform.runtime);
  });
  afterAll(() => platform.close());

  it('ingests BrainVision (three files): channels, events and samples agree with MNE-Python', async () => {
    const ids = [await upload('test.vhdr'), await upload('test.vmrk'), await upload('test.eeg')];
    const { datasetId } = await platform.as(user).datasets.importUploads({ labId, name: 'BV test', uploadIds: ids });
    const d = await waitForDataset(datasetId);
    const ref = reference['test.vhdr']!;
    expect(d).toMatchObject({ status: 'ready', kind: 'raw', sfreq: ref.sfreq, nChannels: ref.n_channels, nTimes: ref.n_samples, hasSignal: true });
    expect(d.channels.map((c) => c.name)).toEqual(ref.ch_names);
    expect(d.files.map((f) => f.name)).toEqual(['test.vhdr', 'test.vmrk', 'test.eeg']);
    const events = await platform.as(user).datasets.events({ labId, datasetId });
    expect(events.map((e) => e.description)).toEqual(ref.annotations.map((a) => a.description));
    expect(events.map((e) => e.onset)).toEqual(ref.annotations.map((a) => expect.closeTo(a.onset_s, 6)));
    // Zoomed in to single samples, the viewer gets the stored values themselves.
    const signal = await platform.as(user).datasets.signal({ labId, datasetId, channels: [0, 3], start: 0, stop: 5, points: 10 });
    expect(signal.source).toBe('raw samples');
    expect(signal.traces[0]!.min).toEqual(ref.first_samples_volts.FP1!.map((v) => expect.closeTo(v, 9)));
    expect(signal.traces[1]!.min).toEqual(ref.first_samples_volts.F4!.map((v) => expect.closeTo(v, 9)));
    // The whole recording comes from the pyramid, one min/max pair per point.
    const whole = await platform.as(user).datasets.signal({ labId, datasetId, channels: [0], start: 0, stop: ref.n_samples, points: 100 });
    expect(whole.source).toBe('pyramid 1:64');
    expect(whole.traces[0]!.min).toHaveLength(100);
    expect(Math.min(...whole.traces[0]!.min)).toBeLessThanOrEqual(Math.max(...whole.traces[0]!.max));

    // Filter preview of a window equals filtering the whole channel, away from the recording's edges.
    const { filterData } = await import('@/lib/preprocessing');
    const full = await platform.as(user).datasets.signal({ labId, datasetId, channels: [0], start: 0, stop: 3950, points: 3950 });
    const rest = await platform.as(user).datasets.signal({ labId, datasetId, channels: [0], start: 3950, stop: 7900, points: 3950 });
    const wholeFiltered = filterData(Float64Array.from([...full.traces[0]!.min, ...rest.traces[0]!.min]), 1000, 1, 40);
    const preview = await platform.as(user).datasets.signal({ labId, datasetId, channels: [0], start: 3000, stop: 4000, points: 1000, filter: { lFreq: 1, hFreq: 40, lineFreq: null } });
    expect(preview.source).toBe('raw samples, filtered');
    const expected = wholeFiltered.subarray(3000, 4000);
    const scale = Math.max(...expected.map(Math.abs));
    const worst = Math.max(...preview.traces[0]!.min.map((v, i) => Math.abs(v - expected[i]!)));
    expect(worst / scale).toBeLessThan(0.02);
  });

  it('cuts epochs around chosen events: labels, shape and samples are those of the recording', async () => {
    const source = (await platform.as(user).datasets.list({ labId })).find((d) => d.name === 'BV test')!;
    const params = { labId, sourceDatasetId: source.id, name: 'BV epochs', events: ['Stimulus/S253', 'Event/254'], tmin: -0.1, tmax: 0.2 };
    const job = await platform.as(user).datasets.makeEpochs(params);
    let result: Record<string, unknown> | null = null;
    for (let i = 0; i < 600 && !result; i++) {
      const j = await platform.as(user).jobs.get({ labId, jobId: job.id });
      if (j.state === 'failed') throw new Error(j.error!);
      if (j.state === 'succeeded') result = j.result;
      else await new Promise((r) => setTimeout(r, 100));
    }
    // 2 x S253 and 3 x Event/254; -0.1..0.2 s at 1000 Hz with tmax included: 301 samples.
    expect(result).toMatchObject({ nEpochs: 5, nChannels: 32, nTimes: 301 });
    const epochs = await platform.as(user).datasets.get({ labId, datasetId: String(result!.datasetId) });
    expect(epochs).toMatchObject({ kind: 'epochs', categories: ['Stimulus/S253', 'Event/254'], tmin: expect.closeTo(-0.1, 6) });
    const { decodeArray } = await import('@/lib/arrays');
    const data = decodeArray(await platform.runtime.blobs.get(epochs.blobs.epochs!));
    const labels = decodeArray(await platform.runtime.blobs.get(epochs.blobs.labels!));
    expect(Array.from(labels.data)).toEqual([0, 1, 1, 0, 1]); // in time order: 0.486, 1.769, 3.252, 4.935, 6.619 s
    // The first epoch of FP1 starts 100 ms before the S253 at 0.486 s: samples 386..
    const raw = await platform.as(user).datasets.signal({ labId, datasetId: source.id, channels: [0], start: 386, stop: 396, points: 10 });
    expect(Array.from(data.data.subarray(0, 10))).toEqual(raw.traces[0]!.min.map((v) => expect.closeTo(v, 12)));
    await expect(platform.as(user).datasets.makeEpochs({ ...params, events: ['No such event'] }).then((j) => j.id)).resolves.toBeTruthy();
    const bad = await platform.http('datasets.makeEpochs', { ...params, tmin: 1, tmax: 0 }, user);
    expect(bad.body.error?.json.message).toBe('tmax: tmax must be after tmin');
  });

  it('an electrodes table sets positions in its frame and atlas regions; an unknown channel changes nothing', async () => {
    const source = (await platform.as(user).datasets.list({ labId })).find((d) => d.name === 'BV test')!;
    const me = platform.as(user);
    const bad = 'name\tx\ty\tz\nFP1\t-8\t-90\t0\nLA1\t1\t2\t3\n';
    await expect(me.datasets.setElectrodes({ labId, datasetId: source.id, tsv: bad, coordFrame: 'mni_tal' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/^electrodes\.tsv: line 3, column 1 \('name'\): expected a channel of "BV test" \(32 channels: .*found "LA1"$/),
    });
    expect((await me.datasets.get({ labId, datasetId: source.id })).channels[0]).toMatchObject({ name: 'FP1', coordFrame: 'head (standard_1005)' });
    const good = 'name\tx\ty\tz\tgroup\nFP1\t-8\t-90\t0\tG\nFP2\t40\t-55\t-15\tG\n';
    expect(await me.datasets.setElectrodes({ labId, datasetId: source.id, tsv: good, coordFrame: 'mni_tal' })).toEqual({ updated: 2 });
    const [fp1, fp2] = (await me.datasets.get({ labId, datasetId: source.id })).channels;
    expect(fp1).toMatchObject({ x: -8, y: -90, z: 0, coordFrame: 'mni_tal', region: 'BA17', aal: 'Calcarine_L', atlasDistanceMm: 0, group: 'G' });
    expect(fp2).toMatchObject({ coordFrame: 'mni_tal', region: 'BA37', aal: 'Fusiform_R' });
  });

  it('refuses the same files again, naming the dataset that has them', async () => {
    const ids = [await upload('test.vhdr'), await upload('test.vmrk'), await upload('test.eeg')];
    await expect(platform.as(user).datasets.importUploads({ labId, name: 'Again', uploadIds: ids })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: 'These files are already in this lab as the dataset "BV test"',
    });
  });

  it('a rejected upload says why, keeps its files, and ingests once the missing file is added', async () => {
    const ids = [await upload('test.vhdr'), await upload('test.vmrk')];
    const { datasetId } = await platform.as(user).datasets.importUploads({ labId, name: 'Missing data file', uploadIds: ids });
    const failed = await waitForDataset(datasetId);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/test\.vhdr.*test\.eeg/);
    expect(failed.files).toHaveLength(2);
    await platform.as(user).datasets.addFiles({ labId, datasetId, uploadIds: [await upload('test.eeg')] });
    expect(await waitForDataset(datasetId)).toMatchObject({ status: 'ready', nChannels: 32, error: null });
  });

  it('ingests EDF+ and BDF with their annotations and trigger events', async () => {
    for (const [file, nEvents] of [['S001R01.edf', 1], ['test_bdf_stim_channel.bdf', null]] as const) {
      const { datasetId } = await platform.as(user).datasets.importUploads({ labId, name: file, uploadIds: [await upload(file)] });
      const d = await waitForDataset(datasetId);
      const ref = reference[file]!;
      expect(d).toMatchObject({ status: 'ready', sfreq: ref.sfreq, nTimes: ref.n_samples, nChannels: ref.n_channels });
      const events = await platform.as(user).datasets.events({ labId, datasetId });
      if (nEvents !== null) expect(events).toHaveLength(nEvents);
      else expect(events.length).toBeGreaterThan(0); // BDF triggers from the Status channel
    }
  });

  it('uploads of another user or another lab are not found', async () => {
    const other = await platform.user('Other');
    const otherLab = (await platform.as(other).labs.create({ name: 'Other', description: '' })).id;
    const id = await upload('test.vmrk');
    await expect(platform.as(other).datasets.importUploads({ labId: otherLab, name: 'x', uploadIds: [id] })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
