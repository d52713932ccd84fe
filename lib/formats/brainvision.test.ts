import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openBrainVision } from './brainvision';
import { memorySource } from './bytes';
import { resolverFromFiles } from './index';
import { FIXTURES, RECORDINGS, dirResolver, fileSource, formatError, readBytes } from './test-utils';

const text = (name: string) => new TextDecoder().decode(readBytes(path.join(FIXTURES, name)));
const enc = (s: string) => new TextEncoder().encode(s);

/** The bv_int16 fixture (2 channels × 50 samples, INT_16 multiplexed) with edits, all in memory. */
function int16Set(edit: { vhdr?: (s: string) => string; vmrk?: (s: string) => string; eeg?: (b: Uint8Array) => Uint8Array; drop?: string } = {}) {
  const files: Record<string, Uint8Array> = {
    'bv_int16.eeg': (edit.eeg ?? ((b) => b))(readBytes(path.join(FIXTURES, 'bv_int16.eeg'))),
    'bv_int16.vmrk': enc((edit.vmrk ?? ((s) => s))(text('bv_int16.vmrk'))),
  };
  if (edit.drop) delete files[edit.drop];
  const vhdr = memorySource('bv_int16.vhdr', enc((edit.vhdr ?? ((s) => s))(text('bv_int16.vhdr'))));
  return () => openBrainVision(vhdr, resolverFromFiles(files));
}

describe('BrainVision reading', () => {
  it('big-endian INT_16 (UseBigEndianOrder=YES) reads the same values', async () => {
    const plain = await int16Set()();
    const swapped = await int16Set({
      vhdr: (s) => s.replace('BinaryFormat=INT_16', 'BinaryFormat=INT_16\r\nUseBigEndianOrder=YES'),
      eeg: (b) => {
        const out = b.slice();
        for (let i = 0; i < out.length; i += 2) [out[i], out[i + 1]] = [out[i + 1], out[i]];
        return out;
      },
    })();
    expect(await swapped.readSamples([0, 1], 0, 50)).toEqual(await plain.readSamples([0, 1], 0, 50));
  });

  it('VECTORIZED without DataPoints takes the count from the file size', async () => {
    const dir = FIXTURES;
    const vhdr = text('bv_vectorized.vhdr').replace(/DataPoints=200\r?\n/, '');
    const reader = await openBrainVision(memorySource('bv_vectorized.vhdr', enc(vhdr)), dirResolver(dir));
    const ref = await openBrainVision(fileSource(path.join(dir, 'bv_vectorized.vhdr')), dirResolver(dir));
    expect(reader.info.nSamples).toBe(200);
    expect(reader.orientation).toBe('VECTORIZED');
    expect(await reader.readSamples([4, 1], 17, 190)).toEqual(await ref.readSamples([4, 1], 17, 190));
  });

  it('keeps header facts: format, orientation, positions in head frame, marker date', async () => {
    const reader = await openBrainVision(fileSource(path.join(FIXTURES, 'bv_vectorized.vhdr')), dirResolver(FIXTURES));
    expect(reader.binaryFormat).toBe('INT_32');
    expect(reader.info.coordFrame).toBe('head');
    expect(reader.info.channels[1].position).toEqual([0, 0, 85]);
    expect(reader.info.channels[4].position).toBeUndefined();
    expect(reader.info.measDate?.toISOString()).toBe('2024-02-29T23:59:59.123Z');
    expect(reader.info.meta).toMatchObject({ dataFile: 'bv_vectorized.eeg', markerFile: 'bv_vectorized.vmrk' });
  });
});

describe.skipIf(!existsSync(path.join(RECORDINGS, 'test.vhdr')))('BrainVision chunked reading', () => {
  it('reads only the frames of the requested window', async () => {
    const files: Record<string, ReturnType<typeof fileSource>> = {};
    const resolve = async (name: string) => (files[name] = fileSource(path.join(RECORDINGS, name)));
    const reader = await openBrainVision(fileSource(path.join(RECORDINGS, 'test.vhdr')), resolve);
    const eeg = files['test.eeg'];
    expect(eeg.bytesRead).toBe(0);
    const [x] = await reader.readSamples([3], 100, 200);
    // 32 channels × 2 bytes per frame: 99 whole frames plus the one value of the last.
    expect(eeg.bytesRead).toBe(99 * 64 + 2);
    const [all] = await reader.readSamples([3], 0, 7900);
    expect(Array.from(x)).toEqual(Array.from(all.subarray(100, 200)));
  });
});

describe('BrainVision validation', () => {
  it('not a BrainVision header', async () => {
    const err = await formatError(int16Set({ vhdr: (s) => s.replace('Brain Vision Data Exchange Header File Version 1.0', 'Hello') }));
    expect(err.file).toBe('bv_int16.vhdr');
    expect(err.where).toBe('line 1');
    expect(err.problem).toMatch(/expected 'Brain Vision Data Exchange Header File Version 1.0'.*found "Hello"/);
  });

  it('line that is neither a section nor key=value', async () => {
    const err = await formatError(int16Set({ vhdr: (s) => s.replace('DataFormat=BINARY', 'DataFormat BINARY') }));
    expect(err.where).toBe('line 8');
    expect(err.problem).toMatch(/found "DataFormat BINARY"/);
  });

  it('unknown binary format names the line', async () => {
    const err = await formatError(int16Set({ vhdr: (s) => s.replace('INT_16', 'UINT_8') }));
    expect(err.where).toBe('[Binary Infos] BinaryFormat (line 15)');
    expect(err.problem).toBe('expected INT_16, INT_32 or IEEE_FLOAT_32, found "UINT_8"');
  });

  it('ASCII data', async () => {
    const err = await formatError(int16Set({ vhdr: (s) => s.replace('DataFormat=BINARY', 'DataFormat=ASCII') }));
    expect(err.problem).toMatch(/expected BINARY.*found "ASCII"/);
  });

  it('unknown orientation', async () => {
    const err = await formatError(int16Set({ vhdr: (s) => s.replace('MULTIPLEXED', 'DIAGONAL') }));
    expect(err.where).toBe('[Common Infos] DataOrientation (line 9)');
  });

  it('non-numeric channel count', async () => {
    const err = await formatError(int16Set({ vhdr: (s) => s.replace('NumberOfChannels=2', 'NumberOfChannels=two') }));
    expect(err.where).toBe('[Common Infos] NumberOfChannels (line 10)');
    expect(err.problem).toBe('expected an integer, found "two"');
  });

  it('sampling interval of 0 (sfreq <= 0)', async () => {
    const err = await formatError(int16Set({ vhdr: (s) => s.replace('SamplingInterval=1000', 'SamplingInterval=0') }));
    expect(err.where).toBe('[Common Infos] SamplingInterval (line 12)');
    expect(err.problem).toMatch(/interval > 0 µs.*found 0/);
  });

  it('missing entry', async () => {
    const err = await formatError(int16Set({ vhdr: (s) => s.replace(/DataFile=.*\r\n/, '') }));
    expect(err.where).toBe('[Common Infos] DataFile');
    expect(err.problem).toBe('expected this entry, found none');
  });

  it('missing channel entry', async () => {
    const err = await formatError(int16Set({ vhdr: (s) => s.replace(/Ch2=.*\r\n/, '') }));
    expect(err.where).toBe('[Channel Infos]');
    expect(err.problem).toBe('expected an entry Ch2 (NumberOfChannels=2), found none');
  });

  it('channel number beyond NumberOfChannels', async () => {
    const err = await formatError(int16Set({ vhdr: (s) => s.replace('Ch2=', 'Ch7=') }));
    expect(err.where).toBe('[Channel Infos] Ch7 (line 19)');
  });

  it('non-numeric resolution', async () => {
    const err = await formatError(int16Set({ vhdr: (s) => s.replace('C4,,0.5', 'C4,,half') }));
    expect(err.where).toBe('[Channel Infos] Ch2 (line 19), resolution');
    expect(err.problem).toBe('expected a number, found "half"');
  });

  it('missing .eeg file', async () => {
    const err = await formatError(int16Set({ drop: 'bv_int16.eeg' }));
    expect(err.where).toBe('[Common Infos] DataFile (line 6)');
    expect(err.problem).toBe('expected the data file "bv_int16.eeg" next to the header, found none');
  });

  it('missing .vmrk file', async () => {
    const err = await formatError(int16Set({ drop: 'bv_int16.vmrk' }));
    expect(err.where).toBe('[Common Infos] MarkerFile (line 7)');
  });

  it('truncated .eeg (partial frame)', async () => {
    const err = await formatError(int16Set({ eeg: (b) => b.slice(0, b.length - 1) }));
    expect(err.file).toBe('bv_int16.eeg');
    expect(err.where).toBe('file size');
    expect(err.problem).toMatch(/multiple of 2 channels × 2 bytes \(INT_16\) = 4 bytes, found 199/);
  });

  it('DataPoints that disagree with the .eeg size', async () => {
    const err = await formatError(int16Set({ vhdr: (s) => s.replace('DataPoints=50', 'DataPoints=60') }));
    expect(err.where).toBe('[Common Infos] DataPoints (line 11)');
    expect(err.problem).toBe('expected 50 (from the size of bv_int16.eeg), found 60');
  });

  it('VECTORIZED file shorter than DataPoints says', async () => {
    const vhdr = text('bv_vectorized.vhdr').replace('DataPoints=200', 'DataPoints=201');
    const err = await formatError(() => openBrainVision(memorySource('bv_vectorized.vhdr', enc(vhdr)), dirResolver(FIXTURES)));
    expect(err.file).toBe('bv_vectorized.eeg');
    expect(err.problem).toBe('expected 5 channels × 201 points × 4 bytes = 4020 bytes, found 4000');
  });

  it('bad marker file header', async () => {
    const err = await formatError(int16Set({ vmrk: (s) => s.replace('Marker File', 'Notes') }));
    expect(err.file).toBe('bv_int16.vmrk');
    expect(err.where).toBe('line 1');
  });

  it('non-numeric marker position', async () => {
    const err = await formatError(int16Set({ vmrk: (s) => s.replace('S  1,2,', 'S  1,two,') }));
    expect(err.file).toBe('bv_int16.vmrk');
    expect(err.where).toBe('Mk1 (line 8), position');
    expect(err.problem).toBe('expected an integer, found "two"');
  });
});
