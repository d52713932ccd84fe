import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { memorySource } from './bytes';
import {
  CHANNEL_CONVERSION,
  CONVERSION,
  ELECTRODE_IDS,
  ELECTRODE_ROWS,
  GROUP_NAMES,
  LOCATIONS,
  N_TIMES,
  OFFSET,
  POSITIONS,
  RATE,
  STARTING_TIME,
  makeNwb,
  rawValue,
} from './fixtures/make-nwb';
import { detectFormat, openRecording } from './index';
import { openNwb } from './nwb';
import { RECORDINGS, fileSource, formatError } from './test-utils';

const noSiblings = async () => null;

describe('NWB reading (files written with h5wasm)', () => {
  it('reads the ElectricalSeries: sfreq, samples, conversion and offset', async () => {
    const reader = await openNwb(memorySource('rec.nwb', await makeNwb()));
    const { info } = reader;
    expect(info.format).toBe('NWB');
    expect(info.sfreq).toBe(RATE);
    expect(info.nSamples).toBe(N_TIMES);
    expect(reader.series).toBe('/acquisition/ElectricalSeries');
    expect(reader.allSeries).toEqual(['/acquisition/ElectricalSeries']);
    expect(reader.startTime).toBe(STARTING_TIME);
    const data = await reader.readSamples([0, 1, 2, 3], 0, N_TIMES);
    for (let c = 0; c < 4; c++) {
      for (const t of [0, 1, 2, 499, 998, 999]) expect(data[c][t]).toBe(rawValue(t, c) * CONVERSION + OFFSET);
    }
    const [window] = await reader.readSamples([2], 100, 110);
    expect(Array.from(window)).toEqual(Array.from(data[2].subarray(100, 110)));
    expect(info.channels.every((c) => c.unit === 'V' && c.type === 'seeg' && c.resolution === CONVERSION)).toBe(true);
    // Time zero of the file plus starting_time.
    expect(info.measDate?.toISOString()).toBe('2024-03-01T10:00:02.000Z');
    expect(info.meta).toMatchObject({ identifier: 'brainglass-test', nwbVersion: '2.5.0', startTime: 2 });
  });

  it('maps the electrodes table through the series region onto channels', async () => {
    const { info } = await openNwb(memorySource('rec.nwb', await makeNwb()));
    expect(info.channels.map((c) => c.name)).toEqual(ELECTRODE_ROWS.map((r) => String(ELECTRODE_IDS[r])));
    expect(info.channels.map((c) => c.position)).toEqual(ELECTRODE_ROWS.map((r) => POSITIONS[r]));
    expect(info.channels.map((c) => c.location)).toEqual(ELECTRODE_ROWS.map((r) => LOCATIONS[r]));
    expect(info.channels.map((c) => c.group)).toEqual(ELECTRODE_ROWS.map((r) => GROUP_NAMES[r]));
    expect(info.coordFrame).toBe('unknown');
  });

  it('turns trials and invalid_times into annotations relative to the first sample', async () => {
    const { info } = await openNwb(memorySource('rec.nwb', await makeNwb()));
    expect(info.annotations.map((a) => a.description)).toEqual(['left', 'right', 'BAD_artifact,movement']);
    const expected = [
      [0.5, 0.5],
      [1.25, 0.25],
      [1.75, 0.05],
    ];
    info.annotations.forEach((a, i) => {
      expect(a.onset).toBeCloseTo(expected[i][0], 12);
      expect(a.duration).toBeCloseTo(expected[i][1], 12);
    });
  });

  it('applies channel_conversion and reads timestamps instead of a rate', async () => {
    const reader = await openNwb(memorySource('rec.nwb', await makeNwb({ channelConversion: true, timestamps: true })));
    expect(reader.info.sfreq).toBeCloseTo(RATE, 9);
    expect(reader.startTime).toBe(STARTING_TIME);
    const data = await reader.readSamples([0, 1, 2, 3], 0, 3);
    CHANNEL_CONVERSION.forEach((cc, c) => {
      for (let t = 0; t < 3; t++) expect(data[c][t]).toBe(rawValue(t, c) * (CONVERSION * cc) + OFFSET);
    });
    expect(reader.info.channels[1].resolution).toBe(CONVERSION * 2);
  });

  it('names channels by index without an electrodes table (and positions scale with positionScale)', async () => {
    const bare = await openNwb(memorySource('rec.nwb', await makeNwb({ electrodes: false, rows: null })));
    expect(bare.info.channels.map((c) => c.name)).toEqual(['0', '1', '2', '3']);
    expect(bare.info.channels[0].position).toBeUndefined();
    expect(bare.info.coordFrame).toBeUndefined();
    const scaled = await openNwb(memorySource('rec.nwb', await makeNwb()), { positionScale: 1000, channelType: 'ecog' });
    expect(scaled.info.channels[1].position).toEqual([-30500, 12250, 40000]);
    expect(scaled.info.channels[0].type).toBe('ecog');
  });

  it('is detected and opened by openRecording', async () => {
    const src = memorySource('renamed.bin', await makeNwb());
    expect(await detectFormat(src)).toBe('nwb');
    expect((await openRecording(src, noSiblings)).info.format).toBe('NWB');
  });

  it('rejects a bad rows region, a non-series and a plain HDF5 file', async () => {
    let err = await formatError(async () => openNwb(memorySource('rec.nwb', await makeNwb({ rows: [0, 1, 2, 9] }))));
    expect(err.where).toBe('/acquisition/ElectricalSeries/electrodes[3]');
    expect(err.problem).toBe('expected a row of /general/extracellular_ephys/electrodes (0..4), found 9');
    err = await formatError(async () => openNwb(memorySource('rec.nwb', await makeNwb({ seriesType: 'TimeSeries' }))));
    expect(err.where).toBe('/acquisition');
    expect(err.problem).toMatch(/expected an ElectricalSeries.*TimeSeries "ElectricalSeries", TimeSeries "Running"/);
    err = await formatError(async () => openNwb(memorySource('plain.h5', await makeNwb({ rootType: 'Thing' }))));
    expect(err.where).toBe("root attribute 'neurodata_type'");
    expect(err.problem).toBe('expected "NWBFile" (an NWB 2 file), found "Thing"');
    err = await formatError(async () => openNwb(memorySource('rec.nwb', await makeNwb()), { series: 'LFP' }));
    expect(err.problem).toBe('expected the ElectricalSeries "LFP", found only /acquisition/ElectricalSeries');
  });
});

describe.skipIf(!existsSync(path.join(RECORDINGS, 'pynwb_2.1.0_ext.nwb')))('pynwb_2.1.0_ext.nwb (schema test file, not a recording)', () => {
  it('is rejected, naming what is missing and what is there', async () => {
    const err = await formatError(() => openNwb(fileSource(path.join(RECORDINGS, 'pynwb_2.1.0_ext.nwb'))));
    expect(err.file).toBe('pynwb_2.1.0_ext.nwb');
    expect(err.where).toBe('/acquisition');
    expect(err.problem).toMatch(/^expected an ElectricalSeries \(a recording\), found .* \/acquisition holds TimeSeriesWithID "test_ts"$/);
  });
});
