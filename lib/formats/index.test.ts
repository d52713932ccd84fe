import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectFormat, memorySource, openRecording, resolverFromFiles } from './index';
import { FIXTURES, RECORDINGS, dirResolver, fileSource, formatError, readBytes } from './test-utils';
import { existsSync } from 'node:fs';

const noSiblings = async () => null;

describe('detectFormat / openRecording', () => {
  it.each([
    ['edfplus_c.edf', 'edf', 'EDF+C'],
    ['biosemi.bdf', 'bdf', 'BDF'],
    ['bv_int16.vhdr', 'brainvision', 'BrainVision'],
  ])('%s', async (name, format, infoFormat) => {
    const src = fileSource(path.join(FIXTURES, name));
    expect(await detectFormat(src)).toBe(format);
    const reader = await openRecording(src, dirResolver(FIXTURES));
    expect(reader.info.format).toBe(infoFormat);
  });

  it('trusts the bytes over a wrong extension', async () => {
    const src = memorySource('renamed.dat', readBytes(path.join(FIXTURES, 'biosemi.bdf')));
    expect(await detectFormat(src)).toBe('bdf');
    expect((await openRecording(src, noSiblings)).info.sfreq).toBe(256);
  });

  it('opens BrainVision from in-memory uploads', async () => {
    const files = Object.fromEntries(['bv_int16.eeg', 'bv_int16.vmrk'].map((n) => [n, readBytes(path.join(FIXTURES, n))]));
    const reader = await openRecording(memorySource('bv_int16.vhdr', readBytes(path.join(FIXTURES, 'bv_int16.vhdr'))), resolverFromFiles(files));
    expect(reader.info.nSamples).toBe(50);
  });

  it('points to the header when given a BrainVision .eeg', async () => {
    const err = await formatError(() => openRecording(memorySource('rec.eeg', new Uint8Array(100)), noSiblings));
    expect(err.where).toBe('file name');
    expect(err.problem).toMatch(/expected the BrainVision header \(\.vhdr\)/);
  });

  it('refuses npz as a continuous recording', async () => {
    const err = await formatError(() => openRecording(fileSource(path.join(FIXTURES, 'epochs_f8.npz')), noSiblings));
    expect(err.problem).toMatch(/NumPy \.npz.*readEpochsNpz/);
  });

  it('unknown formats say what was found', async () => {
    const err = await formatError(() => openRecording(memorySource('notes.txt', new TextEncoder().encode('hello there')), noSiblings));
    expect(err.file).toBe('notes.txt');
    expect(err.where).toBe('format');
    expect(err.problem).toBe('expected EDF, EDF+, BDF or BrainVision (.vhdr), found an unknown format (extension \'.txt\', first bytes "hello th")');
  });

  it('empty file', async () => {
    const err = await formatError(() => openRecording(memorySource('x.edf', new Uint8Array(0)), noSiblings));
    expect(err.problem).toBe('expected a recording, found an empty file');
  });

  it.skipIf(!existsSync(path.join(RECORDINGS, 'pynwb_2.1.0_ext.nwb')))('names HDF5/NWB as unsupported', async () => {
    const err = await formatError(() => openRecording(fileSource(path.join(RECORDINGS, 'pynwb_2.1.0_ext.nwb')), noSiblings));
    expect(err.problem).toMatch(/HDF5 file \(e\.g\. NWB\)/);
  });
});
