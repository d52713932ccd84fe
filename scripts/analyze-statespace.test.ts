import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { bandPowerFeatures } from '@/lib/eeg';
import { RECORDINGS } from '@/lib/formats/test-utils';
import { SelfOrganizingMap, type SomJson } from '@/lib/ml/som';
import { generateEeg } from '@/lib/synthetic';

describe('npm run analyze -- statespace', () => {
  it('maps the planted motor imagery classes well above chance and writes metrics.json, map.json and map.onnx', async () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'analyze-statespace-'));
    execFileSync(
      'npm',
      ['run', '--silent', 'analyze', '--', 'statespace', '--synthetic', '1', '--events', 'left,right,rest', '--out', out, '--hop', '0.5', '--size', '6', '--epochs', '5', '--shuffles', '6'],
      { stdio: ['ignore', 'ignore', 'pipe'], timeout: 240_000 },
    );
    const metrics = JSON.parse(readFileSync(path.join(out, 'metrics.json'), 'utf8'));
    expect(metrics.classes).toEqual(['left', 'right', 'rest']);
    expect(metrics.crossValidation.accuracy).toBeGreaterThan(metrics.chance.p95 + 0.2);
    expect(metrics.chance.accuracies).toHaveLength(6);
    expect(metrics.separability.map((p: { a: string; b: string }) => `${p.a}-${p.b}`)).toEqual(['left-right', 'left-rest', 'right-rest']);
    expect(metrics.quantisationError).toBeGreaterThan(0);
    expect(metrics.topographicError).toBeGreaterThanOrEqual(0);

    // The stored map and its ONNX graph place a window where the map itself does.
    const json = JSON.parse(readFileSync(path.join(out, 'map.json'), 'utf8')) as SomJson & { channels: string[]; featureNames: string[] };
    const map = SelfOrganizingMap.fromJSON(json);
    expect(json.featureNames).toHaveLength(map.nFeatures);
    const raw = generateEeg({ seed: 1 });
    const features = bandPowerFeatures(raw.data, raw.sfreq);
    const window = Float32Array.from(features.data.subarray(500 * map.nFeatures, 501 * map.nFeatures));
    const session = await ort.InferenceSession.create(readFileSync(path.join(out, 'map.onnx')));
    const result = await session.run({ features: new ort.Tensor('float32', window, [1, map.nFeatures]) });
    const want = map.locate(window);
    expect(Number((result.bmu!.data as BigInt64Array)[0])).toBe(want.bmu);
    expect((result.position!.data as Float32Array)[0]).toBeCloseTo(want.x, 4);
  }, 300_000);

  it.skipIf(!existsSync(path.join(RECORDINGS, 'test.vhdr')))('says why when events are too short to hold a window', () => {
    const run = spawnSync(
      'npm',
      ['run', '--silent', 'analyze', '--', 'statespace', path.join(RECORDINGS, 'test.vhdr'), '--events', 'Stimulus/S253,Event/254', '--out', os.tmpdir()],
      { encoding: 'utf8', timeout: 120_000 },
    );
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('test.vhdr: No event "Stimulus/S253" holds a whole window (1 s windows): choose events that last at least one window');
  }, 120_000);
});
