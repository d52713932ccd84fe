/**
 * Compares the readers with MNE-Python 1.3 on the shared recordings (reference-mne.json) and on the fixtures
 * written by fixtures/make_fixtures.py (fixtures/*.mne.json).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openRecording } from './index';
import type { EdfReader } from './edf';
import type { RecordingReader } from './types';
import { FIXTURES, RECORDINGS, dirResolver, fileSource, readJson, type MneReference } from './test-utils';

const haveShared = existsSync(path.join(RECORDINGS, 'reference-mne.json'));

async function open(dir: string, name: string, inferTypes = true): Promise<RecordingReader> {
  return openRecording(fileSource(path.join(dir, name)), dirResolver(dir), { inferTypes });
}

async function readAll(reader: RecordingReader): Promise<Float64Array[]> {
  const all = reader.info.channels.map((_, i) => i);
  return reader.readSamples(all, 0, reader.info.nSamples);
}

/** Largest allowed difference: a millionth of the channel's resolution (values should agree to rounding), at least 1e-15. */
function tolerance(reader: RecordingReader, ch: number): number {
  return Math.max((reader.info.channels[ch].resolution ?? 1e-9) * 1e-6, 1e-15);
}

function expectClose(actual: number, expected: number, tol: number, what: string): void {
  if (!(Math.abs(actual - expected) <= tol)) throw new Error(`${what}: expected ${expected}, got ${actual} (tolerance ${tol})`);
}

function meanStd(x: Float64Array): [number, number] {
  let sum = 0;
  for (const v of x) sum += v;
  const mean = sum / x.length;
  let ss = 0;
  for (const v of x) ss += (v - mean) ** 2;
  return [mean, Math.sqrt(ss / x.length)];
}

/** Everything a reference JSON states, except annotations (checked per file, as stim events differ by design). */
async function compareWithMne(reader: RecordingReader, ref: MneReference, skipData: string[] = []): Promise<void> {
  const { info } = reader;
  expect(info.sfreq).toBe(ref.sfreq);
  expect(info.nSamples).toBe(ref.n_samples);
  expect(info.channels.map((c) => c.name)).toEqual(ref.ch_names);
  expect(info.channels.map((c) => c.type)).toEqual(ref.ch_types);
  const data = await readAll(reader);
  for (const [name, first] of Object.entries(ref.first_samples_volts ?? {})) {
    const ch = ref.ch_names.indexOf(name);
    first.forEach((v, i) => expectClose(data[ch][i], v, tolerance(reader, ch), `${name}[${i}]`));
  }
  ref.channel_mean_volts?.forEach((m, ch) => {
    const [mean, std] = meanStd(data[ch]);
    expectClose(mean, m, tolerance(reader, ch), `mean of ${ref.ch_names[ch]}`);
    expectClose(std, ref.channel_std_volts?.[ch] ?? NaN, tolerance(reader, ch), `std of ${ref.ch_names[ch]}`);
  });
  ref.data?.forEach((values, ch) => {
    if (skipData.includes(ref.ch_names[ch])) return;
    // The JSON keeps 10 significant digits.
    values.forEach((v, i) => expectClose(data[ch][i], v, Math.max(tolerance(reader, ch), Math.abs(v) * 1e-9), `${ref.ch_names[ch]}[${i}]`));
  });
  if (ref.meas_date !== undefined) {
    expect(info.measDate?.getTime() ?? null).toEqual(ref.meas_date === null ? null : new Date(ref.meas_date).getTime());
  }
}

function annotationsOf(ref: MneReference) {
  return ref.annotations.map((a) => ({ onset: a.onset_s, duration: a.duration_s, description: a.description }));
}

function expectAnnotations(actual: { onset: number; duration: number; description: string }[], expected: ReturnType<typeof annotationsOf>) {
  expect(actual.map((a) => a.description)).toEqual(expected.map((a) => a.description));
  actual.forEach((a, i) => {
    expectClose(a.onset, expected[i].onset, 1e-9, `onset of ${a.description}`);
    expectClose(a.duration, expected[i].duration, 1e-9, `duration of ${a.description}`);
  });
}

describe.skipIf(!haveShared)('shared recordings vs reference-mne.json (MNE 1.3)', () => {
  const refs = haveShared ? readJson<Record<string, MneReference>>(path.join(RECORDINGS, 'reference-mne.json')) : {};

  it('S001R01.edf (EDF+C, 64 channels, one annotation)', async () => {
    const reader = await open(RECORDINGS, 'S001R01.edf');
    expect(reader.info.format).toBe('EDF+C');
    await compareWithMne(reader, refs['S001R01.edf']);
    expectAnnotations(reader.info.annotations, annotationsOf(refs['S001R01.edf']));
    expect(reader.info.channels.every((c) => c.unit === 'V')).toBe(true);
  });

  it('test.vhdr (BrainVision INT_16 multiplexed, non-volt misc channels, markers)', async () => {
    const reader = await open(RECORDINGS, 'test.vhdr');
    await compareWithMne(reader, refs['test.vhdr']);
    expectAnnotations(reader.info.annotations, annotationsOf(refs['test.vhdr']));
    // Units MNE keeps for the misc channels (values are in these units, not volts).
    expect(reader.info.channels.slice(26).map((c) => c.unit)).toEqual(['BS', 'S', 'ARU', 'S', 'S', '°C']);
    expect(reader.info.measDate?.toISOString()).toBe('2013-11-13T16:14:03.794Z');
  });

  it('test_bdf_stim_channel.bdf (BDF, Status as stim; events as mne.find_events)', async () => {
    const reader = (await open(RECORDINGS, 'test_bdf_stim_channel.bdf')) as EdfReader;
    const ref = refs['test_bdf_stim_channel.bdf'];
    await compareWithMne(reader, ref);
    const { events } = readJson<{ events: [number, number, number][] }>(path.join(FIXTURES, 'test_bdf_stim_channel.events.json'));
    expect(reader.events).toEqual(events);
    // MNE reads no annotations from this file; ours are exactly the stim events.
    expect(ref.annotations).toEqual([]);
    expectAnnotations(
      reader.info.annotations,
      events.map(([s, , id]) => ({ onset: s / ref.sfreq, duration: 0, description: String(id) })),
    );
  });
});

describe('fixtures vs MNE 1.3 (fixtures/*.mne.json)', () => {
  const ref = (name: string) => readJson<MneReference>(path.join(FIXTURES, `${name}.mne.json`));

  it('edfplus_c.edf: sub-second start, two rates, TAL durations, UTF-8', async () => {
    // MNE's default infer_types=False types every channel eeg; compare that way, then check our inference.
    const reader = await open(FIXTURES, 'edfplus_c.edf', false);
    const r = ref('edfplus_c.edf');
    // MNE FFT-resamples the 50 Hz 'Resp' signal; we hold samples. Both keep the original samples at even indices.
    await compareWithMne(reader, r, ['Resp']);
    const [resp] = await reader.readSamples([2], 0, reader.info.nSamples);
    r.data?.[2].forEach((v, i) => {
      if (i % 2 === 0) expectClose(resp[i], v, 1e-6, `Resp[${i}]`);
      else expect(resp[i]).toBe(resp[i - 1]);
    });
    expectAnnotations(reader.info.annotations, annotationsOf(r));
    const inferred = await open(FIXTURES, 'edfplus_c.edf');
    expect(inferred.info.channels.map((c) => [c.name, c.type, c.unit])).toEqual([
      ['EEG Fz', 'eeg', 'V'],
      ['ECG', 'ecg', 'V'],
      ['Resp', 'resp', '%'],
    ]);
  });

  it('edfplus_d.edf: data as MNE; annotations after a gap kept on the sample axis (MNE drops them)', async () => {
    const reader = (await open(FIXTURES, 'edfplus_d.edf')) as EdfReader;
    const r = ref('edfplus_d.edf');
    await compareWithMne(reader, r);
    expect(reader.variant).toBe('EDF+D');
    expect(Array.from(reader.recordOnsets)).toEqual([0, 1, 4]);
    expect(reader.info.meta?.gaps).toBe(1);
    // MNE treats EDF+D as continuous and crops 'after gap' (file time 4.5 s > 3 s of data).
    expectAnnotations(reader.info.annotations, [
      ...annotationsOf(r),
      { onset: 2, duration: 0, description: 'BAD boundary' },
      { onset: 2, duration: 0, description: 'EDGE boundary' },
      { onset: 2.5, duration: 0, description: 'after gap' },
    ]);
  });

  it('biosemi.bdf: negative Status words, flag bits, consecutive triggers', async () => {
    const reader = (await open(FIXTURES, 'biosemi.bdf')) as EdfReader;
    const r = ref('biosemi.bdf');
    await compareWithMne(reader, r);
    expect(reader.events).toEqual(r.events);
    expect(reader.info.channels[1]).toMatchObject({ name: 'Status', type: 'stim' });
  });

  it.each(['bv_vectorized.vhdr', 'bv_float_ansi.vhdr', 'bv_int16.vhdr'])('%s', async (name) => {
    const reader = await open(FIXTURES, name);
    const r = ref(name);
    await compareWithMne(reader, r);
    expectAnnotations(reader.info.annotations, annotationsOf(r));
    r.positions_mm?.forEach((p, ch) => {
      if (p === null) return;
      p.forEach((v, k) => expectClose(reader.info.channels[ch].position?.[k] ?? NaN, v, 1e-6, `${r.ch_names[ch]} position[${k}]`));
    });
  });
});
