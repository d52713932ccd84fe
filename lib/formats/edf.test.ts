import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { memorySource } from './bytes';
import { openEdf } from './edf';
import { FIXTURES, RECORDINGS, fileSource, formatError, readBytes } from './test-utils';

const fixture = (name: string) => readBytes(path.join(FIXTURES, name));

/** Overwrites a space-padded ASCII header field. */
function setField(bytes: Uint8Array, offset: number, width: number, text: string): Uint8Array {
  const out = bytes.slice();
  const padded = text.padEnd(width, ' ');
  for (let i = 0; i < width; i++) out[offset + i] = padded.charCodeAt(i);
  return out;
}

/** Byte offset of signal s's field in the signal header block (fields are stored column by column). */
function signalField(ns: number, s: number, column: 'label' | 'pmin' | 'dmax' | 'nsamp'): [number, number] {
  const start = { label: 0, pmin: 104, dmax: 128, nsamp: 216 }[column];
  const width = column === 'label' ? 16 : 8;
  return [256 + start * ns + s * width, width];
}

const open = (bytes: Uint8Array, name = 'bad.edf') => openEdf(memorySource(name, bytes));

describe('EDF reading', () => {
  it('reads windows that cross record boundaries the same as one full read', async () => {
    const reader = await open(fixture('edfplus_c.edf'));
    const all = await reader.readSamples([0, 1, 2], 0, reader.info.nSamples);
    for (const [start, stop] of [
      [0, 1],
      [95, 205],
      [99, 101],
      [150, 300],
      [299, 300],
    ]) {
      const part = await reader.readSamples([2, 0], start, stop);
      expect(Array.from(part[0])).toEqual(Array.from(all[2].subarray(start, stop)));
      expect(Array.from(part[1])).toEqual(Array.from(all[0].subarray(start, stop)));
    }
    expect(await reader.readSamples([0], 10, 10)).toEqual([new Float64Array(0)]);
  });

  it('rejects bad sample requests with RangeError', async () => {
    const reader = await open(fixture('edfplus_c.edf'));
    await expect(reader.readSamples([3], 0, 1)).rejects.toThrow(RangeError);
    await expect(reader.readSamples([0], 0, 301)).rejects.toThrow(RangeError);
    await expect(reader.readSamples([0], 5, 4)).rejects.toThrow(RangeError);
  });

  it('reports header facts and the EDF+ annotation channel is not a data channel', async () => {
    const reader = await open(fixture('edfplus_c.edf'), 'edfplus_c.edf');
    expect(reader.variant).toBe('EDF+C');
    expect(reader.info.channels.map((c) => c.name)).toEqual(['EEG Fz', 'ECG', 'Resp']);
    expect(reader.info.channels[0].resolution).toBeCloseTo(1e-7, 15);
    expect(reader.info.measDate?.toISOString()).toBe('2015-03-19T08:04:01.000Z');
    expect(reader.nRecords).toBe(3);
    expect(reader.recordDuration).toBe(1);
    expect(Array.from(reader.recordOnsets)).toEqual([0, 1, 2]);
  });

  it('infers the number of records when the header says -1', async () => {
    const bytes = setField(fixture('edfplus_c.edf'), 236, 8, '-1');
    const reader = await open(bytes);
    expect(reader.nRecords).toBe(3);
    expect(reader.info.nSamples).toBe(300);
  });

  it('can skip the stim pass and still reads the trigger values', async () => {
    const reader = await openEdf(memorySource('biosemi.bdf', fixture('biosemi.bdf')), { stimEvents: false });
    expect(reader.events).toEqual([]);
    expect(reader.info.annotations).toEqual([]);
    const [status] = await reader.readSamples([1], 40, 46);
    // Flag bits above bit 16 are dropped, as MNE keeps 17 bits.
    expect(Array.from(status)).toEqual([3, 3, 3, 3, 3, 7]);
  });
});

describe.skipIf(!existsSync(path.join(RECORDINGS, 'S001R01.edf')))('EDF chunked reading', () => {
  it('reads only the records and channels asked for', async () => {
    const src = fileSource(path.join(RECORDINGS, 'S001R01.edf'));
    const reader = await openEdf(src);
    const opened = src.bytesRead;
    // Header plus one pass over the annotation signal only, not the 1.2 MB of samples.
    expect(opened).toBeLessThan(60_000);
    const before = src.bytesRead;
    const [x] = await reader.readSamples([0], 1600, 1700);
    expect(x.length).toBe(100);
    // One record, one channel: 160 samples × 2 bytes.
    expect(src.bytesRead - before).toBe(320);
    const mid = src.bytesRead;
    await reader.readSamples([0, 63], 0, 9760);
    // Channels 0..63 are a whole record's width here, but never more than the file's data.
    expect(src.bytesRead - mid).toBeLessThanOrEqual(src.size);
    src.close();
  });
});

describe('EDF validation', () => {
  const good = () => fixture('edfplus_c.edf');
  const ns = 4;

  it('unknown version field', async () => {
    const err = await formatError(() => open(setField(good(), 0, 8, 'XYZ')));
    expect(err.file).toBe('bad.edf');
    expect(err.where).toBe("header field 'version' (byte 0)");
    expect(err.problem).toMatch(/expected '0' \(EDF\).*found "XYZ/);
  });

  it('file shorter than the fixed header', async () => {
    const err = await formatError(() => open(good().slice(0, 100)));
    expect(err.where).toMatch(/fixed header/);
    expect(err.problem).toMatch(/truncated.*found a file of 100 bytes/);
  });

  it('truncated data records', async () => {
    const bytes = good();
    const err = await formatError(() => open(bytes.slice(0, bytes.length - 10)));
    expect(err.where).toBe("header field 'number of data records' (byte 236)");
    expect(err.problem).toMatch(/3 records × 560 bytes \+ 1280-byte header = 2960 bytes expected, found a file of 2950 bytes \(truncated; 2 complete records\)/);
  });

  it('header size that does not match the number of signals', async () => {
    const err = await formatError(() => open(setField(good(), 184, 8, '1024')));
    expect(err.where).toBe("header field 'number of bytes in header' (byte 184)");
    expect(err.problem).toBe('expected 256 + 256 × 4 signals = 1280, found 1024');
  });

  it('non-numeric number of signals', async () => {
    const err = await formatError(() => open(setField(good(), 252, 4, 'ab')));
    expect(err.where).toBe("header field 'number of signals' (byte 252)");
    expect(err.problem).toBe('expected an integer, found "ab"');
  });

  it('non-numeric physical minimum names the signal and byte', async () => {
    const [at, width] = signalField(ns, 1, 'pmin');
    const err = await formatError(() => open(setField(good(), at, width, '-5mV')));
    expect(err.where).toBe(`signal 2 ("ECG") 'physical minimum' (byte ${at})`);
    expect(err.problem).toBe('expected a number, found "-5mV"');
  });

  it('record duration of 0 (sfreq would not be > 0)', async () => {
    const err = await formatError(() => open(setField(good(), 244, 8, '0')));
    expect(err.where).toBe("header field 'duration of a data record' (byte 244)");
    expect(err.problem).toMatch(/duration > 0 s.*found 0/);
  });

  it('zero samples per record', async () => {
    const [at, width] = signalField(ns, 0, 'nsamp');
    const err = await formatError(() => open(setField(good(), at, width, '0')));
    expect(err.where).toBe(`signal 1 ("EEG Fz") 'number of samples in each data record' (byte ${at})`);
  });

  it('digital maximum outside 16 bits', async () => {
    const [at, width] = signalField(ns, 0, 'dmax');
    const err = await formatError(() => open(setField(good(), at, width, '40000')));
    expect(err.problem).toBe('expected a 16-bit value in [-32768, 32767], found 40000');
  });

  it('EDF+ without an annotation signal', async () => {
    const [at, width] = signalField(ns, 3, 'label');
    const err = await formatError(() => open(setField(good(), at, width, 'Notes')));
    expect(err.where).toBe("header field 'reserved' (byte 192)");
    expect(err.problem).toMatch(/EDF\+C requires an 'EDF Annotations' signal/);
  });

  it('malformed TAL', async () => {
    // Record 0's annotation signal starts after 100 + 100 + 50 samples of 2 bytes.
    const bytes = good();
    const at = 1280 + 500;
    bytes.set(new TextEncoder().encode('garbage\x00'), at);
    const err = await formatError(() => open(bytes));
    expect(err.where).toBe(`data record 0, 'EDF Annotations' signal (byte ${at}), byte 0`);
    expect(err.problem).toMatch(/expected a TAL.*found "garbage"/);
  });

  it('EDF+D records going back in time', async () => {
    const bytes = fixture('edfplus_d.edf');
    // Record 2 (of 440 bytes after a 1024-byte header) starts its TAL with '+4'; make it '+0'.
    const at = 1024 + 2 * 440 + 400;
    expect(String.fromCharCode(bytes[at], bytes[at + 1])).toBe('+4');
    bytes[at + 1] = '0'.charCodeAt(0);
    const err = await formatError(() => open(bytes));
    expect(err.where).toBe(`data record 2 (byte ${1024 + 2 * 440})`);
    expect(err.problem).toMatch(/expected a record onset >= 2 s.*found -?0 s/);
  });

  it('BDF bytes behind an EDF version field fail on the 16-bit digital range', async () => {
    const asEdf = setField(fixture('biosemi.bdf'), 0, 8, '0');
    const [at] = signalField(2, 0, 'dmax');
    const err = await formatError(() => open(asEdf));
    expect(err.where).toBe(`signal 1 ("A1") 'digital minimum' (byte ${at - 8 * 2})`);
    expect(err.problem).toBe('expected a 16-bit value in [-32768, 32767], found -8388608');
  });
});
