/**
 * The Level 2 ground truth (METHODS.md, "Synthetic data"), for the demo job and the CLI: drawn stimulus images, the
 * default network's default layers on them, and one epoch per image in which the gamma power of area k's contacts
 * follows layer k (lib/synthetic/visual.ts). The images come with a trial-keyed mapping CSV, as a user would upload.
 */
import sharp from 'sharp';
import { modelInputSpec } from '@/lib/onnx';
import { extractActivations } from '@/lib/onnx/activations';
import { preprocessImages, readStimulusSet, type StimulusFile } from '@/lib/stimuli';
import { generateStimuli, type HierarchyEpochs, type LayerRepresentation } from '@/lib/synthetic';
import { defaultRsaLayers, type Network } from '@/server/rsa/network';

export interface VisualHierarchyOptions {
  seed: number;
  perCategory: number;
  /** generateHierarchyEpochs, e.g. in a worker thread. */
  generate: (layers: LayerRepresentation[], labels: Int32Array, categories: string[]) => Promise<HierarchyEpochs>;
  onProgress?: (fraction: number, step: string) => Promise<void> | void;
}

export async function drawVisualHierarchy(network: Network, options: VisualHierarchyOptions) {
  await options.onProgress?.(0, 'Drawing stimuli');
  const stimuli = generateStimuli({ seed: options.seed, perCategory: options.perCategory });
  const { width, height } = stimuli;
  const size = width * height * 3;
  const files: StimulusFile[] = await Promise.all(
    stimuli.names.map(async (name, i) => ({
      name: `${name}.png`,
      bytes: new Uint8Array(await sharp(stimuli.pixels.subarray(i * size, (i + 1) * size), { raw: { width, height, channels: 3 } }).png().toBuffer()),
    })),
  );
  const csv: StimulusFile = { name: 'stimuli.csv', bytes: new TextEncoder().encode(`file,trial\n${stimuli.names.map((name, i) => `${name}.png,${i}`).join('\n')}\n`) };
  const set = await readStimulusSet(files, csv);
  const layers = defaultRsaLayers(network.model);
  const pixels = await preprocessImages(set.images, modelInputSpec(network.model).spec);
  const activations: LayerRepresentation[] = [];
  for (const [l, layer] of layers.entries()) {
    await options.onProgress?.((0.5 * l) / layers.length, `Network activations (${l + 1} of ${layers.length} layers)`);
    const [a] = (await extractActivations(network.model, pixels, [layer])).layers;
    activations.push({ layer, features: a!.features, data: a!.data });
  }
  await options.onProgress?.(0.5, 'Generating epochs');
  const epochs = await options.generate(activations, stimuli.labels, stimuli.categories);
  return { files, csv, set, epochs };
}
