/**
 * Level 2, the network side: which layers to compare, and each layer's RDM over the stimuli for the trained network
 * and its random-weights control. Activations are too big to keep (MobileNetV2's early layers hold over a million
 * values per image: 1.5 GB for 250 images), so only the RDMs are cached, on disk per (model, stimuli, layers, seed).
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { datasets } from '@/db/schema';
import { decodeArray, encodeArray, ndarray } from '@/lib/arrays';
import { decodeModel, listLayers, modelInputSpec, requireGraph, type InputInfo, type ModelInputSpec, type ModelProto } from '@/lib/onnx';
import { PIXELS_LAYER, extractActivations, layerShapes, randomWeightsControl, type LayerActivations } from '@/lib/onnx/activations';
import type { InputSpec, PixelBatch } from '@/lib/stimuli';
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
  let model: ModelProto;
  try {
    model = decodeModel(bytes);
  } catch (err) {
    throw new Error(`The network ${name} is not a readable ONNX model: ${(err as Error).message}`);
  }
  // Protobuf decodes some other files without error; an ONNX model holds a graph of nodes.
  if (!model.graph?.node.length) throw new Error(`The network ${name} is not an ONNX model: it holds no graph of nodes`);
  return { name, bytes, model, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** A layer the RSA can compare: a tensor name (or 'pixels') with its producing node's op and its per-stimulus shape. */
export interface NetworkLayer {
  name: string;
  label: string;
  opType: string;
  /** Dims after the batch axis, measured on a blank input of the model's input spec. */
  shape: number[];
}

export interface NetworkDescription {
  name: string;
  sha256: string;
  input: Pick<InputInfo, 'name' | 'elemTypeName' | 'shape' | 'layout' | 'layoutFrom'>;
  /** The spec read from the model (defaults where it says nothing), and what decided each setting. */
  spec: InputSpec;
  source: ModelInputSpec['source'];
  /** 'pixels' then the candidate layers (listLayers), those with 4D or 2D outputs, in graph order. */
  layers: NetworkLayer[];
  /** defaultRsaLayers: what an analysis compares when no layer is chosen. */
  defaultLayers: string[];
}

function imageInput(network: Network, overrides: Partial<InputSpec> = {}): ModelInputSpec {
  try {
    return modelInputSpec(network.model, overrides);
  } catch (err) {
    throw new Error(`${network.name} has no image input the stimuli can feed: ${(err as Error).message}`);
  }
}

/** The network's image input and its comparable layers, for the user to choose from; throws when it does not run. */
export async function describeNetwork(network: Network): Promise<NetworkDescription> {
  const { input, spec, source } = imageInput(network);
  const candidates = [{ name: PIXELS_LAYER, opType: 'input' }, ...listLayers(network.model).filter((l) => l.candidate).map((l) => ({ name: l.outputs[0]!, opType: l.opType }))];
  let shapes: Map<string, number[]>;
  try {
    shapes = await layerShapes(network.model, spec, candidates.map((l) => l.name));
  } catch (err) {
    throw new Error(`${network.name} does not run on a blank ${spec.width} x ${spec.height} ${spec.layout} input: ${(err as Error).message}`);
  }
  const layers = candidates
    .map((l): NetworkLayer => ({ ...l, label: layerLabel(l.name), shape: shapes.get(l.name)! }))
    .filter((l) => l.shape.length === 3 || l.shape.length === 1);
  return {
    name: network.name,
    sha256: network.sha256,
    input: { name: input.name, elemTypeName: input.elemTypeName, shape: input.shape, layout: input.layout, layoutFrom: input.layoutFrom },
    spec,
    source,
    layers,
    defaultLayers: defaultRsaLayers(network.model),
  };
}

/** Throws a message naming what is wrong when the input settings contradict the model or a layer is not in its graph. */
export function checkNetworkChoice(network: Network, layers: readonly string[], input: Partial<InputSpec>): void {
  imageInput(network, input);
  const produced = new Set(requireGraph(network.model).node.flatMap((n) => n.output));
  const missing = layers.filter((l) => l !== PIXELS_LAYER && !produced.has(l));
  if (missing.length) throw new Error(`Not in the graph of ${network.name}: ${missing.map((l) => `'${l}'`).join(', ')}; choose among its listed layers`);
}

/** The default network: MobileNetV2 from the assets folder. */
export async function defaultNetwork(): Promise<Network> {
  return networkFromBytes(new Uint8Array(await readFile(assetPath(DEFAULT_MODEL_ASSET))), 'MobileNetV2 (ImageNet, int8)');
}

/**
 * Uploaded networks need no table: each is a blob named in datasets.blobs of the epochs dataset it was uploaded to
 * ('model:<file name>' -> key); the lab's models are those of all its datasets.
 */
export const MODEL_PREFIX = 'model:';

export async function labModels(db: Db, labId: string): Promise<{ name: string; key: string }[]> {
  const rows = await db.select({ blobs: datasets.blobs }).from(datasets).where(eq(datasets.labId, labId));
  const byKey = new Map<string, string>();
  for (const { blobs } of rows) {
    for (const [role, key] of Object.entries(blobs)) if (role.startsWith(MODEL_PREFIX)) byKey.set(key, role.slice(MODEL_PREFIX.length));
  }
  return [...byKey].map(([key, name]) => ({ name, key })).sort((a, b) => a.name.localeCompare(b.name));
}

/** The network of an analysis: a model uploaded to the lab (by blob key), or the default MobileNetV2 (null). */
export async function loadNetwork(db: Db, blobs: BlobStore, labId: string, modelKey: string | null): Promise<Network> {
  if (!modelKey) return defaultNetwork();
  const model = (await labModels(db, labId)).find((m) => m.key === modelKey);
  if (!model) throw new Error('No model with this key was uploaded to this lab; upload the .onnx file first');
  return networkFromBytes(new Uint8Array(await blobs.get(modelKey)), model.name);
}
