/**
 * The Level 2 ground truth (METHODS.md, "Synthetic data"), for the demo job and the CLI: drawn stimulus images, the
 * default network's default layers on them, and one epoch per image in which the gamma power of area k's contacts
 * follows layer k (lib/synthetic/visual.ts). The images come with a trial-keyed mapping CSV, as a user would upload.
 *
 * The drives carry what the trained layers have and random networks do not (visual.ts, version 3): the layer RDMs
 * of VISUAL_CONTROL_NETWORKS random-weights copies of the network (seeds from visualControlSeeds, independent of an
 * analysis's own control) go to the generator as `control`.
 */
import sharp from 'sharp';
import { modelInputSpec } from '@/lib/onnx';
import { extractActivations, randomWeightsControl, type LayerActivations } from '@/lib/onnx/activations';
import { euclideanRdm } from '@/lib/rsa';
import { preprocessImages, readStimulusSet, type StimulusFile } from '@/lib/stimuli';
import { generateStimuli, visualControlSeeds, type HierarchyEpochs, type LayerRepresentation } from '@/lib/synthetic';
import { defaultRsaLayers, type Network } from '@/server/rsa/network';

export interface VisualHierarchyOptions {
  seed: number;
  perCategory: number;
  /**
   * generateHierarchyEpochs, e.g. in a worker thread, with `control` passed as its option of that name (condensed
   * RDMs of the random-weights networks' layers).
   */
  generate: (layers: LayerRepresentation[], labels: Int32Array, categories: string[], control: Float64Array[]) => Promise<HierarchyEpochs>;
  /** Euclidean RDM of one control layer (stimuli x features), e.g. in a worker thread; default: here. */
  rdm?: (layer: LayerActivations, n: number) => Promise<Float64Array>;
  onProgress?: (fraction: number, step: string) => Promise<void> | void;
}

/** Activation values (stimuli x features, all layers of a group) extracted in one inference run at most. */
const GROUP_VALUES = 2 ** 26;

/** Consecutive layers grouped so that each group's activations hold at most GROUP_VALUES values (or one layer). */
function layerGroups(layers: readonly string[], n: number, features: readonly number[]): string[][] {
  const groups: string[][] = [];
  let size = Infinity;
  layers.forEach((layer, l) => {
    const values = n * features[l]!;
    if (size + values > GROUP_VALUES) {
      groups.push([]);
      size = 0;
    }
    groups[groups.length - 1]!.push(layer);
    size += values;
  });
  return groups;
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
  const n = pixels.dims[0]!;
  const activations: LayerRepresentation[] = [];
  for (const [l, layer] of layers.entries()) {
    await options.onProgress?.((0.2 * l) / layers.length, `Network activations (${l + 1} of ${layers.length} layers)`);
    const [a] = (await extractActivations(network.model, pixels, [layer])).layers;
    activations.push({ layer, features: a!.features, data: a!.data });
  }
  // The random-weights networks' layers, only their RDMs kept. Layers go through in groups (one inference run
  // each: about four times faster than a run per layer) of bounded size, so memory stays bounded too.
  const controlSeeds = visualControlSeeds(options.seed);
  const rdm = options.rdm ?? (async (a: LayerActivations, m: number) => euclideanRdm(a.data, m, a.features));
  const groups = layerGroups(layers, n, activations.map((a) => a.features));
  const control: Float64Array[] = [];
  for (const [c, controlSeed] of controlSeeds.entries()) {
    const model = randomWeightsControl(network.model, controlSeed);
    for (const group of groups) {
      await options.onProgress?.(0.2 + (0.3 * control.length) / (controlSeeds.length * layers.length), `Random-weights networks (${c + 1} of ${controlSeeds.length})`);
      const { layers: extracted } = await extractActivations(model, pixels, group);
      control.push(...(await Promise.all(extracted.map((a) => rdm(a, n)))));
    }
  }
  await options.onProgress?.(0.5, 'Generating epochs');
  const epochs = await options.generate(activations, stimuli.labels, stimuli.categories, control);
  epochs.hierarchy.controlSeeds = controlSeeds;
  return { files, csv, set, epochs };
}
