import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findBidsRecordings, openBids, openBidsZip } from './bids';
import { openBrainVision } from './brainvision';
import { memorySource } from './bytes';
import { openEdf } from './edf';
import { EEG_DIR, EEG_STEM, EEG_VHDR, ELECTRODES_SUB01, EXPECTED_TYPES_SUB01, IEEG_EDF, bidsFiles, folderOf, makeZip } from './fixtures/make-bids';
import { detectFormat, openRecording } from './index';
import { RECORDINGS, dirResolver, fileSource, formatError } from './test-utils';

const haveShared = existsSync(path.join(RECORDINGS, 'test.vhdr')) && existsSync(path.join(RECORDINGS, 'S001R01.edf'));

describe.skipIf(!haveShared)('BIDS folders', () => {
  it('finds the recordings of a listing', () => {
    const files = [...Object.keys(bidsFiles()), 'sub-03/eeg/sub-03_task-x_eeg.set', 'sub-03/anat/sub-03_T1w.nii.gz', 'derivatives/x_eeg.edf'];
    expect(findBidsRecordings(files)).toEqual([EEG_VHDR, IEEG_EDF, 'sub-03/eeg/sub-03_task-x_eeg.set']);
  });

  it('BrainVision EEG: channels.tsv types and bads, electrodes in m -> mm, events.tsv as annotations', async () => {
    const reader = await openBids(folderOf(bidsFiles()), { recording: EEG_VHDR });
    const { info } = reader;
    expect(reader.dataFile).toBe(EEG_VHDR);
    expect(reader.sidecars).toEqual({
      channels: `${EEG_STEM}_channels.tsv`,
      electrodes: `${EEG_DIR}/sub-01_ses-01_space-CapTrak_electrodes.tsv`,
      coordsystem: `${EEG_DIR}/sub-01_ses-01_space-CapTrak_coordsystem.json`,
      events: `${EEG_STEM}_events.tsv`,
    });
    expect(info.format).toBe('BIDS EEG (BrainVision)');
    expect(info.sfreq).toBe(1000);
    expect(info.nSamples).toBe(7900);
    expect(info.channels.map((c) => c.type)).toEqual(EXPECTED_TYPES_SUB01);
    expect(reader.bads).toEqual(['FP2', 'O1']);
    expect(info.meta?.bads).toBe('FP2,O1');
    // Units stay those of the data file (volts, and the misc units MNE keeps).
    expect(info.channels[0].unit).toBe('V');
    expect(info.channels[31].unit).toBe('°C');
    expect(info.coordFrame).toBe('CapTrak');
    for (const [name, x, y, z] of ELECTRODES_SUB01) {
      const ch = info.channels.find((c) => c.name === name);
      if (x === 'n/a') expect(ch?.position).toBeUndefined();
      else [x, y, z].forEach((v, k) => expect(ch?.position?.[k]).toBeCloseTo(Number(v) * 1000, 9));
      expect(ch?.group).toBe('cap');
    }
    expect(info.annotations).toEqual([
      { onset: 0.486, duration: 0, description: 'standard' },
      { onset: 1.769, duration: 0.001, description: '254' },
      { onset: 6.999, duration: 0, description: 'response' },
    ]);
    const direct = await openBrainVision(fileSource(path.join(RECORDINGS, 'test.vhdr')), dirResolver(RECORDINGS));
    expect(await reader.readSamples([0, 31], 100, 300)).toEqual(await direct.readSamples([0, 31], 100, 300));
  });

  it('EDF iEEG: channels.tsv inherited from the root, MNI152NLin2009cSym -> mni_tal, the EDF annotations kept', async () => {
    const reader = await openBids(folderOf(bidsFiles()), { recording: path.basename(IEEG_EDF) });
    const { info } = reader;
    expect(reader.sidecars.channels).toBe('task-rest_channels.tsv');
    expect(reader.sidecars.events).toBeUndefined();
    expect(info.format).toBe('BIDS iEEG (EDF+C)');
    expect(info.channels.filter((c) => c.type !== 'eeg').map((c) => [c.name, c.type])).toEqual([
      ['Fc5.', 'ecog'],
      ['Cz..', 'seeg'],
      ['Iz..', 'misc'],
    ]);
    expect(info.coordFrame).toBe('mni_tal');
    expect(info.channels[0]).toMatchObject({ position: [-60.5, 12, 30.25], group: 'G' });
    expect(info.channels[1].position).toBeUndefined();
    expect(info.annotations.map((a) => a.description)).toEqual(['T0']);
    const direct = await openEdf(fileSource(path.join(RECORDINGS, 'S001R01.edf')));
    expect(await reader.readSamples([0, 63], 0, 500)).toEqual(await direct.readSamples([0, 63], 0, 500));
  });

  it('a zip (one folder down, stored and deflated members) reads as the folder does', async () => {
    const files = bidsFiles();
    const folder = await openBids(folderOf(files), { recording: EEG_VHDR });
    const zip = memorySource('dataset.zip', makeZip(files, 'ds001/'));
    const zipped = await openBidsZip(zip, { recording: EEG_VHDR });
    expect(zipped.dataFile).toBe(`ds001/${EEG_VHDR}`);
    expect(zipped.info.channels).toEqual(folder.info.channels);
    expect(zipped.info.annotations).toEqual(folder.info.annotations);
    expect(await zipped.readSamples([3, 7], 7000, 7900)).toEqual(await folder.readSamples([3, 7], 7000, 7900));
    // openRecording takes a zip holding one recording.
    const single = Object.fromEntries(Object.entries(files).filter(([p]) => !p.startsWith('sub-02') && !p.startsWith('task-rest')));
    const src = memorySource('one.zip', makeZip(single));
    expect(await detectFormat(src)).toBe('bids-zip');
    const viaFactory = await openRecording(src, async () => null);
    expect(viaFactory.info.annotations).toEqual(folder.info.annotations);
  });

  it('asks which recording when there are several, and refuses EEGLAB', async () => {
    let err = await formatError(() => openBids(folderOf(bidsFiles(), 'ds')));
    expect(err.file).toBe('ds');
    expect(err.where).toBe('folder');
    expect(err.problem).toMatch(/found 2: sub-01\/.*_eeg\.vhdr, sub-02\/.*_ieeg\.edf \(choose one with options\.recording\)/);
    const files = { 'sub-03/eeg/sub-03_task-x_eeg.set': new Uint8Array(10) };
    err = await formatError(() => openBids(folderOf(files)));
    expect(err.file).toBe('sub-03/eeg/sub-03_task-x_eeg.set');
    expect(err.problem).toMatch(/EEGLAB \.set file, which this reader does not open/);
    err = await formatError(() => openBids(folderOf({ 'README': new Uint8Array(1) })));
    expect(err.problem).toMatch(/found none among 1 files/);
  });
});
