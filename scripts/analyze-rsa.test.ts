import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { writeNpy } from '@/lib/formats/npy';
import { smallImageCnnBytes } from '@/lib/onnx/test-models';
import { generateHierarchyEpochs } from '@/lib/synthetic';
import { networkFromBytes } from '@/server/rsa/network';
import { drawVisualHierarchy } from '@/server/rsa/synthetic';
import { main } from './analyze-rsa';
import buildThreads from './test/global-setup';

describe('npm run analyze -- rsa <epochs.npz>', () => {
  // The analysis runs its steps in worker threads, which load the bundled thread entry.
  beforeAll(buildThreads, 120_000);
  // Progress and the alignment table go to the terminal; kept here for the assertions.
  let stderr: string[];
  beforeEach(() => {
    stderr = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => stderr.push(String(chunk)) > 0);
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(() => vi.restoreAllMocks());

  it('reads an epochs file, a stimulus folder, regions and a model, and writes every output file', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'analyze-rsa-'));
    const model = smallImageCnnBytes();
    writeFileSync(path.join(dir, 'small-cnn.onnx'), model);
    // The planted hierarchy drawn from the same small network, as files a user would have.
    const { epochs, files, csv } = await drawVisualHierarchy(networkFromBytes(model, 'small-cnn.onnx'), {
      seed: 4,
      perCategory: 3,
      generate: async (layers, labels, categories, control) => generateHierarchyEpochs(layers, { seed: 4, labels, categories, control }),
    });
    const nEpochs = epochs.labels.length;
    const nChannels = epochs.chNames.length;
    const npz = zipSync({
      'data.npy': writeNpy(epochs.data, [nEpochs, nChannels, epochs.nTimes]),
      'sfreq.npy': writeNpy(Float64Array.of(epochs.sfreq), []),
      'tmin.npy': writeNpy(Float64Array.of(epochs.tmin), []),
      'ch_names.npy': writeNpy(epochs.chNames),
      'labels.npy': writeNpy(Array.from(epochs.labels, (l) => epochs.categories[l]!)),
    });
    writeFileSync(path.join(dir, 'epochs.npz'), npz);
    mkdirSync(path.join(dir, 'stimuli'));
    for (const f of [csv, ...files]) writeFileSync(path.join(dir, 'stimuli', f.name), f.bytes);
    const regions = epochs.chNames.flatMap((name, c) => (epochs.regions[c] ? [`${name},${epochs.regions[c]}`] : []));
    writeFileSync(path.join(dir, 'regions.csv'), `${regions.join('\n')}\n`);

    const out = path.join(dir, 'out');
    const layers = ['pixels', 'relu1', 'relu3', 'logits'];
    const code = await main([
      ...[path.join(dir, 'epochs.npz'), '--stimuli', path.join(dir, 'stimuli'), '--regions', path.join(dir, 'regions.csv')],
      ...['--model', path.join(dir, 'small-cnn.onnx'), '--layers', layers.join(','), '--resize', 'stretch'],
      ...['--permutations', '200', '--bands', 'low gamma,theta', '--threads', '2', '--no-cache', '--out', out],
    ]);
    expect(code).toBe(0);

    const contacts = readFileSync(path.join(out, 'contacts.csv'), 'utf8').trim().split('\n');
    expect(contacts[0]).toBe('contact,region,band_window,layer,rho_trained,p_trained,rho_random,p_random');
    expect(contacts.length).toBeGreaterThan(1);
    expect(new Set(contacts.slice(1).map((l) => l.split(',')[3]))).toEqual(new Set(layers));
    const alignment = readFileSync(path.join(out, 'alignment.csv'), 'utf8').trim().split('\n');
    expect(alignment[0]).toBe('band,window_start_s,window_end_s,network,rho,p,n_pairs,n_responsive_contacts');
    // Two bands x three windows x two networks.
    expect(alignment).toHaveLength(1 + 2 * 3 * 2);
    const json = JSON.parse(readFileSync(path.join(out, 'alignment.json'), 'utf8')) as { layers: string[]; areas: string[]; trained: unknown; random: unknown };
    expect(json.layers).toEqual(layers);
    expect(json.areas).toEqual(['BA17', 'BA18', 'BA19', 'BA37', 'BA20']);
    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as { model: { name: string }; stimuli: { names: string[] }; contacts: unknown[] };
    expect(summary.model.name).toBe('small-cnn.onnx');
    expect(summary.stimuli.names).toHaveLength(15);
    expect(summary.contacts).toHaveLength(nChannels);
  }, 240_000);

  it('names a layer that is not in the model', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'analyze-rsa-'));
    writeFileSync(path.join(dir, 'small-cnn.onnx'), smallImageCnnBytes());
    const code = await main(['--synthetic', '1', '--model', path.join(dir, 'small-cnn.onnx'), '--layers', 'conv1,fc7', '--out', path.join(dir, 'out')]);
    expect(code).toBe(2);
    expect(stderr.join('')).toContain("Not in the graph of small-cnn.onnx: 'fc7'");
  });
});
