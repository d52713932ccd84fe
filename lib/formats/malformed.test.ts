/**
 * Malformed-file corpus: the good shared recordings (and NWB files written like them), broken in memory one way
 * each. Every error must name the file, the place in it, and what was expected there.
 *
 * Kinds already covered next to their reader, not repeated here: EDF truncated records, fixed header shorter
 * than 256 bytes, header size vs number of signals, non-numeric EDF fields, record duration 0, digital range
 * (edf.test.ts); BrainVision unknown BinaryFormat, SamplingInterval 0, non-numeric fields, missing .eeg/.vmrk,
 * partial frames, DataPoints vs file size (brainvision.test.ts).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openBids, openBidsZip } from './bids';
import { memorySource } from './bytes';
import { openEdf } from './edf';
import { EEG_DIR, EEG_STEM, EEG_VHDR, IEEG_EDF, bidsFiles, folderOf, makeZip } from './fixtures/make-bids';
import { makeNwb } from './fixtures/make-nwb';
import { openNwb } from './nwb';
import { RECORDINGS, formatError, readBytes } from './test-utils';
import type { FormatError } from './types';

const haveShared = existsSync(path.join(RECORDINGS, 'test.vhdr')) && existsSync(path.join(RECORDINGS, 'S001R01.edf'));
const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

/** Every message reads '<file>: <where>: expected ..., found ...'. */
function expectWellFormed(err: FormatError, file: string, where: string, problem: RegExp): void {
  expect(err.file).toBe(file);
  expect(err.where).toBe(where);
  expect(err.problem).toMatch(problem);
  expect(err.problem).toMatch(/expected\b.*\bfound\b/);
  expect(err.message).toBe(`${file}: ${where}: ${err.problem}`);
}

/** Opens sub-01 (or sub-02) of the test dataset after `edit` changed its files. */
function bids(edit: (files: Record<string, Uint8Array>) => void, recording = EEG_VHDR) {
  const files = bidsFiles();
  edit(files);
  return () => openBids(folderOf(files), { recording });
}

const nwbError = async (bytes: Uint8Array | Promise<Uint8Array>) => formatError(async () => openNwb(memorySource('rec.nwb', await bytes)));

describe('NWB', () => {
  it('truncated file', async () => {
    const good = await makeNwb();
    const half = Math.floor(good.length / 2);
    const err = await nwbError(good.slice(0, half));
    // h5wasm writes superblock v2+, whose end-of-file address is at byte 12 + 2 × 8 (v0, as pynwb writes, has it at 40).
    expectWellFormed(err, 'rec.nwb', 'HDF5 superblock end-of-file address (byte 28)', new RegExp(`^expected a file of ${good.length} bytes, found ${half} \\(truncated\\)$`));
  });

  it('corrupt object headers', async () => {
    const bytes = await makeNwb();
    // Zero the middle of the file, where the groups' headers and the samples lie.
    bytes.fill(0, 1000, bytes.length - 1000);
    const err = await nwbError(bytes);
    expect(err.file).toBe('rec.nwb');
    expect(err.problem).toMatch(/^expected .*, found .*/);
  });

  it('corrupt signature', async () => {
    const bytes = await makeNwb();
    bytes.set(enc('HDF5'), 0);
    const err = await nwbError(bytes);
    expectWellFormed(err, 'rec.nwb', 'byte 0', /expected the HDF5 signature .* found "HDF5/);
  });

  it('sizes that disagree: 3 electrodes for 4 channels', async () => {
    const err = await nwbError(makeNwb({ rows: [0, 1, 2] }));
    expectWellFormed(err, 'rec.nwb', '/acquisition/ElectricalSeries/electrodes', /^expected 4 electrodes \(one per channel of data\), found 3$/);
  });

  it('non-numeric conversion', async () => {
    const err = await nwbError(makeNwb({ conversion: 'lots' }));
    expectWellFormed(err, 'rec.nwb', "/acquisition/ElectricalSeries/data attribute 'conversion'", /^expected a finite number, found "lots"$/);
  });

  it('sampling rate 0', async () => {
    const err = await nwbError(makeNwb({ rate: 0 }));
    expectWellFormed(err, 'rec.nwb', "/acquisition/ElectricalSeries/starting_time attribute 'rate'", /^expected a sampling rate > 0 Hz, found 0$/);
  });
});

describe.skipIf(!haveShared)('EDF and BDF (shared S001R01.edf, test_bdf_stim_channel.bdf)', () => {
  it('BDF cut inside a data record (24-bit samples)', async () => {
    const bytes = readBytes(path.join(RECORDINGS, 'test_bdf_stim_channel.bdf'));
    const err = await formatError(() => openEdf(memorySource('stim.bdf', bytes.slice(0, bytes.length - 7))));
    expectWellFormed(
      err,
      'stim.bdf',
      "header field 'number of data records' (byte 236)",
      new RegExp(`^10 records × 6000 bytes \\+ 1280-byte header = ${bytes.length} bytes expected, found a file of ${bytes.length - 7} bytes \\(truncated; 9 complete records\\)$`),
    );
  });

  it('negative number of data records', async () => {
    const bytes = readBytes(path.join(RECORDINGS, 'S001R01.edf'));
    bytes.set(enc('-5      '), 236);
    const err = await formatError(() => openEdf(memorySource('S001R01.edf', bytes)));
    expectWellFormed(err, 'S001R01.edf', "header field 'number of data records' (byte 236)", /^expected a count >= 0 \(or -1\), found -5$/);
  });
});

describe.skipIf(!haveShared)('BIDS (shared test.vhdr and S001R01.edf with sidecars)', () => {
  it('channels.tsv naming a channel the data file lacks', async () => {
    const err = await formatError(
      bids((f) => {
        const p = `${EEG_STEM}_channels.tsv`;
        f[p] = enc(dec(f[p]).replace('\nCz\t', '\nCZZ\t'));
      }),
    );
    // Cz is the 17th channel: line 18.
    expectWellFormed(err, `${EEG_STEM}_channels.tsv`, "line 18, column 1 ('name')", /^expected a channel of .*_eeg\.vhdr \(32 channels: FP1, FP2, .*\), found "CZZ"$/);
  });

  it('electrodes.tsv naming a channel the data file lacks', async () => {
    const p = 'sub-02/ieeg/sub-02_space-MNI152NLin2009cSym_electrodes.tsv';
    const err = await formatError(bids((f) => (f[p] = enc(`${dec(f[p])}LA1\t1\t2\t3\t4\tG\n`)), IEEG_EDF));
    expectWellFormed(err, p, "line 4, column 1 ('name')", /^expected a channel of sub-02\/ieeg\/.*\(64 channels: Fc5\., .*\), found "LA1"$/);
  });

  it('events past the end of the recording', async () => {
    const p = `${EEG_STEM}_events.tsv`;
    const err = await formatError(bids((f) => (f[p] = enc(dec(f[p]).replace('1.769', '8.25')))));
    expectWellFormed(err, p, "line 3, column 1 ('onset')", /^expected an onset within the recording \(0 to 7\.9 s: 7900 samples at 1000 Hz\), found "8\.25"$/);
  });

  it('non-numeric coordinate', async () => {
    const p = `${EEG_DIR}/sub-01_ses-01_space-CapTrak_electrodes.tsv`;
    const err = await formatError(bids((f) => (f[p] = enc(dec(f[p]).replace('0.0839', '8cm')))));
    expectWellFormed(err, p, "line 2, column 3 ('y')", /^expected a number, found "8cm"$/);
  });

  it('TSV row with a missing column', async () => {
    const p = `${EEG_STEM}_events.tsv`;
    const err = await formatError(bids((f) => (f[p] = enc(dec(f[p]).replace('6.999\tn/a\t', '6.999\t')))));
    expectWellFormed(err, p, 'line 4', /^expected 4 tab-separated columns \(as the header\), found 3$/);
  });

  it('unknown BIDS channel type', async () => {
    const p = `${EEG_STEM}_channels.tsv`;
    const err = await formatError(bids((f) => (f[p] = enc(dec(f[p]).replace('FP1\tEEG', 'FP1\tEEEG')))));
    expectWellFormed(err, p, "line 2, column 2 ('type')", /^expected a BIDS channel type \(EEG, SEEG, .*\), found "EEEG"$/);
  });

  it('coordinate units that are not lengths', async () => {
    const p = `${EEG_DIR}/sub-01_ses-01_space-CapTrak_coordsystem.json`;
    const err = await formatError(bids((f) => (f[p] = enc(JSON.stringify({ EEGCoordinateSystem: 'CapTrak', EEGCoordinateSystemUnits: 'pixels' })))));
    expectWellFormed(err, p, "key 'EEGCoordinateSystemUnits'", /^expected "m", "cm" or "mm", found "pixels"$/);
  });

  it('electrodes.tsv without its coordsystem.json', async () => {
    const err = await formatError(bids((f) => delete f[`${EEG_DIR}/sub-01_ses-01_space-CapTrak_coordsystem.json`]));
    expectWellFormed(err, `${EEG_DIR}/sub-01_ses-01_space-CapTrak_electrodes.tsv`, 'file', /^expected a \*_coordsystem\.json next to it .*, found none$/);
  });

  it('missing .eeg is named by its path in the dataset', async () => {
    const err = await formatError(bids((f) => delete f[`${EEG_STEM}_eeg.eeg`]));
    expectWellFormed(err, EEG_VHDR, '[Common Infos] DataFile (line 6)', /^expected the data file "sub-01_ses-01_task-oddball_eeg\.eeg" next to the header, found none$/);
  });

  it('truncated zip', async () => {
    const zip = makeZip(bidsFiles());
    const err = await formatError(() => openBidsZip(memorySource('ds.zip', zip.slice(0, zip.length - 100))));
    expectWellFormed(err, 'ds.zip', 'end of central directory', /expected the zip signature .* found none/);
  });
});
