import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateIeegEpochs } from '@/lib/synthetic';

describe('npm run analyze -- signatures', () => {
  it('finds the planted face contacts of the synthetic data and writes every output file', () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'analyze-'));
    execFileSync('npm', ['run', '--silent', 'analyze', '--', 'signatures', '--synthetic', '1', '--out', out, '--trees', '40', '--null', '1', '--threads', '2'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 240_000,
    });
    const truth = generateIeegEpochs({ seed: 1, trialsPerCategory: 2 }).groundTruth;
    const result = JSON.parse(readFileSync(path.join(out, 'signatures.json'), 'utf8')) as { threshold: number; predictive: Record<string, string[]> };
    expect(result.predictive.face!.sort()).toEqual([...truth.predictiveContacts.face!].sort());
    const csv = readFileSync(path.join(out, 'contacts.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(49);
    expect(csv[0]).toMatch(/^contact,region,n_trials,n_significant,responsive,f1_house,f1_face,/);
    const axes = JSON.parse(readFileSync(path.join(out, 'importance.json'), 'utf8')) as { axes: string[]; freqs: number[] };
    expect(axes.axes).toEqual(['contacts', 'categories', 'freqs', 'times']);
    const npy = readFileSync(path.join(out, 'importance.npy'));
    expect(npy.subarray(10, 100).toString()).toContain(`'shape': (48, 8, ${axes.freqs.length}, 48)`);
  }, 300_000);
});
