/**
 * Level 2, the network side: which layers to compare, and each layer's RDM over the stimuli for the trained network
 * and its random-weights control. Activations are too big to keep (MobileNetV2's early layers hold over a million
 * values per image: 1.5 GB for 250 images), so only the RDMs are cached, on disk per (model, stimuli, layers, seed).
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { decodeArray, encodeArray, ndarray } from '@/lib/arrays';
import { decodeModel, listLayers, type ModelProto } from '@/lib/onnx';
import { PIXELS_LAYER, extractActivations, randomWeightsControl, type LayerActivations } from '@/lib/onnx/activations';
import type { PixelBatch } from '@/lib/stimuli';
import { assetPath } from '@/server/assets';
import type { BlobStore } from '@/server/storage/blobs';

/** The default network, in the assets folder (docs/assets.md). */
export const DEFAULT_MODEL_ASSET = path.join('cnn', 'mobilenet_v2_1.0_224_int8_per_tensor.onnx');

/**
 * 'pixels' and `count` layers spread evenly over the network's comparable layers (conv, residual add, pool, dense:
 * listLayers' candidates), first and last included: for MobileNetV2 the first conv up to the logits.
 */
export function defaultRsaLayers(model: ModelProto, count = 8): string[] {
  const kinds = new Set(['conv', 'add', 'pool', 'dense']);
  const layers = listLayers(model).filter((l) => l.candidate && kinds.has(l.kind));
  if (layers.length === 0) throw new Error('The model has no conv, add, pool or dense layer with a float output to compare');
  const picks = new Set<number>();
  for (let k = 0; k < count; k++) picks.add(Math.round((k * (layers.length - 1)) / Math.max(1, count - 1)));
  return [PIXELS_LAYER, ...[...picks].sort((a, b) => a - b).map((i) => layers[i]!.outputs[0]!)];
}

/** A short name for a tensor: 'model_1/block_2_add/add_prequant' -> 'block_2_add' (the first of ';'-joined names). */
export function layerLabel(name: string): string {
  const first = name.split(';')[0]!.replace(/_prequant$|:\d+$/g, '');
  const parts = first.split('/').filter((p) => p && !/^model(_\d+)?$/.test(p));
  return parts.length > 1 ? parts.slice(0, -1).join('/') : (parts[0] ?? name);
}

export interface NetworkRdms {
  layers: string[];
  /** Condensed RDMs per layer, over the stimuli in pixel order. */
  trained: Float64Array[];
  random: Float64Array[];
  fromCache: boolean;
}

export interface NetworkRdmOptions {
  controlSeed: number;
  /** Folder of cached RDMs; none: compute every time. */
  cacheDir?: string;
  /** Euclidean RDM of one layer (stimuli x features), e.g. in a worker thread. */
  rdm: (layer: LayerActivations, n: number) => Promise<Float64Array>;
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

/**
 * Layer RDMs of the trained model and of its random-weights control (randomWeightsControl, seeded). One layer is
 * extracted at a time, so memory holds one layer's activations, not all of them.
 */
export async function networkRdms(modelBytes: Uint8Array, model: ModelProto, pixels: PixelBatch, layers: readonly string[], options: NetworkRdmOptions): Promise<NetworkRdms> {
  const n = pixels.dims[0]!;
  const m = (n * (n - 1)) / 2;
  const hash = createHash('sha256');
  hash.update(createHash('sha256').update(modelBytes).digest('hex'));
  hash.update(createHash('sha256').update(pixels.data).digest('hex'));
  hash.update(JSON.stringify({ dims: pixels.dims, layers, controlSeed: options.controlSeed }));
  const file = options.cacheDir ? path.join(options.cacheDir, `${hash.digest('hex')}.rdms`) : null;
  if (file) {
    const cached = await readFile(file).catch(() => null);
    if (cached) {
      const { data } = decodeArray(new Uint8Array(cached));
      const at = (net: number, l: number) => (data as Float64Array).slice((net * layers.length + l) * m, (net * layers.length + l + 1) * m);
      return { layers: [...layers], trained: layers.map((_, l) => at(0, l)), random: layers.map((_, l) => at(1, l)), fromCache: true };
    }
  }
  const control = randomWeightsControl(model, options.controlSeed);
  const out: Float64Array[][] = [[], []];
  for (const [net, graph] of [model, control].entries()) {
    for (const [l, layer] of layers.entries()) {
      if (options.signal?.aborted) throw options.signal.reason;
      const { layers: [activations] } = await extractActivations(graph, pixels, [layer]);
      out[net]!.push(await options.rdm(activations!, n));
      options.onProgress?.((net * layers.length + l + 1) / (2 * layers.length));
    }
  }
  if (file) {
    const all = new Float64Array(2 * layers.length * m);
    out.flat().forEach((rdm, i) => all.set(rdm, i * m));
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(`${file}.tmp`, encodeArray(ndarray('float64', all, [2, layers.length, m], ['network', 'layers', 'pairs'])));
    await rename(`${file}.tmp`, file);
  }
  return { layers: [...layers], trained: out[0]!, random: out[1]!, fromCache: false };
}

export interface Network {
  name: string;
  bytes: Uint8Array;
  model: ModelProto;
  sha256: string;
}

/** An ONNX image model from its bytes; `name` says where it came from in errors and results. */
export function networkFromBytes(bytes: Uint8Array, name: string): Network {
  try {
    return { name, bytes, model: decodeModel(bytes), sha256: createHash('sha256').update(bytes).digest('hex') };
  } catch (err) {
    throw new Error(`The network ${name} is not a readable ONNX model: ${(err as Error).message}`);
  }
}

/** The network of an analysis: an uploaded .onnx blob, or the default MobileNetV2 of the assets folder. */
export async function loadNetwork(blobs: BlobStore, modelKey: string | null): Promise<Network> {
  if (modelKey) return networkFromBytes(new Uint8Array(await blobs.get(modelKey)), `uploaded model ${modelKey.slice(0, 12)}`);
  return networkFromBytes(new Uint8Array(await readFile(assetPath(DEFAULT_MODEL_ASSET))), 'MobileNetV2 (ImageNet, int8)');
}
