/** Runs scripts/inspect.ts as a user would (npx tsx) and compares its JSON with MNE's (reference-mne.json). */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EEG_VHDR, IEEG_EDF, bidsFiles } from '../lib/formats/fixtures/make-bids';
import type { Summary } from './inspect';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
// ../shared beside the checkout, as in CI; BRAINGLASS_RECORDINGS points elsewhere.
const RECORDINGS = process.env.BRAINGLASS_RECORDINGS ?? path.resolve(ROOT, '../shared/data/recordings');
const SHARED = ['S001R01.edf', 'test.vhdr', 'test_bdf_stim_channel.bdf'];
const haveShared = existsSync(path.join(RECORDINGS, 'reference-mne.json'));


function inspect(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', 'scripts/inspect.ts', ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** SOURCES.md: values agree to 1e-9 V (relative 1e-9 for the non-volt misc channels, whose values are large). */
function expectClose(actual: number, expected: number, what: string): void {
  const tol = 1e-9 + 1e-9 * Math.abs(expected);
  if (!(Math.abs(actual - expected) <= tol)) throw new Error(`${what}: expected ${expected}, got ${actual}`);
}

const tmp = mkdtempSync(path.join(tmpdir(), 'inspect-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.skipIf(!haveShared)('scripts/inspect.ts', () => {
  it('agrees with reference-mne.json on the three shared recordings', async () => {
    const { code, stdout, stderr } = await inspect(SHARED.map((f) => path.join(RECORDINGS, f)));
    expect(stderr).not.toMatch(/Error/);
    expect(code).toBe(0);
    const ours = JSON.parse(stdout) as Record<string, Summary>;
    const refs = JSON.parse(readFileSync(path.join(RECORDINGS, 'reference-mne.json'), 'utf8')) as Record<string, Summary>;
    expect(Object.keys(ours).sort()).toEqual([...SHARED].sort());
    for (const name of SHARED) {
      const [a, r] = [ours[name], refs[name]];
      expect(a.sfreq).toBe(r.sfreq);
      expect(a.n_channels).toBe(r.n_channels);
      expect(a.n_samples).toBe(r.n_samples);
      expect(a.ch_names).toEqual(r.ch_names);
      expect(a.ch_types).toEqual(r.ch_types);
      expect(Object.keys(a.first_samples_volts)).toEqual(Object.keys(r.first_samples_volts));
      for (const [ch, values] of Object.entries(r.first_samples_volts)) {
        expect(a.first_samples_volts[ch]).toHaveLength(values.length);
        values.forEach((v, i) => expectClose(a.first_samples_volts[ch][i], v, `${name} ${ch}[${i}]`));
      }
      r.channel_mean_volts.forEach((m, c) => expectClose(a.channel_mean_volts[c], m, `${name} mean of ${r.ch_names[c]}`));
      r.channel_std_volts.forEach((s, c) => expectClose(a.channel_std_volts[c], s, `${name} std of ${r.ch_names[c]}`));
      // MNE reads no annotations from the BDF; ours are the Status channel's triggers (mne.find_events).
      const annotations = name.endsWith('.bdf') ? [] : a.annotations;
      if (name.endsWith('.bdf')) expect(a.annotations.every((x) => /^\d+$/.test(x.description) && x.duration_s === 0)).toBe(true);
      expect(annotations.map((x) => x.description)).toEqual(r.annotations.map((x) => x.description));
      r.annotations.forEach((x, i) => {
        expectClose(annotations[i].onset_s, x.onset_s, `${name} onset ${i}`);
        expectClose(annotations[i].duration_s, x.duration_s, `${name} duration ${i}`);
      });
    }
  });

  it('reads a BIDS folder: one entry per recording, sidecars applied', async () => {
    const dir = path.join(tmp, 'ds001');
    for (const [p, bytes] of Object.entries(bidsFiles())) {
      mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
      writeFileSync(path.join(dir, p), bytes);
    }
    const { code, stdout } = await inspect([dir]);
    expect(code).toBe(0);
    const ours = JSON.parse(stdout) as Record<string, Summary>;
    expect(Object.keys(ours)).toEqual([`ds001/${EEG_VHDR}`, `ds001/${IEEG_EDF}`]);
    expect(ours[`ds001/${EEG_VHDR}`].annotations.map((a) => a.description)).toEqual(['standard', '254', 'response']);
    expect(ours[`ds001/${IEEG_EDF}`].ch_types.slice(0, 2)).toEqual(['ecog', 'eeg']);
  });

  it('a bad file: exit code 1 and the FormatError on stderr, other files still printed', async () => {
    const bad = path.join(tmp, 'short.edf');
    const edf = readFileSync(path.join(RECORDINGS, 'S001R01.edf'));
    writeFileSync(bad, edf.subarray(0, edf.length - 1000));
    const { code, stdout, stderr } = await inspect([bad, path.join(RECORDINGS, 'test_bdf_stim_channel.bdf'), path.join(RECORDINGS, 'pynwb_2.1.0_ext.nwb')]);
    expect(code).toBe(1);
    expect(stderr).toContain("short.edf: header field 'number of data records' (byte 236): 61 records × 20640 bytes + 16896-byte header = 1275936 bytes expected, found a file of 1274936 bytes (truncated; 60 complete records)");
    expect(stderr).toContain('pynwb_2.1.0_ext.nwb: /acquisition: expected an ElectricalSeries (a recording)');
    expect(Object.keys(JSON.parse(stdout) as object)).toEqual(['test_bdf_stim_channel.bdf']);
  });
});
