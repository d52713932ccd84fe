/**
 * Layer activations of an ONNX image model for a batch of preprocessed stimuli (Level 2: one representation
 * per layer, compared with the brain's through RDMs). The chosen tensors become graph outputs (exposeOutputs),
 * so one inference run per chunk of stimuli returns every layer; the runtime skips nodes no chosen layer needs.
 */
import { Tensor } from 'onnxruntime-node';
import type { PixelBatch } from '../stimuli/preprocess';
import { channelCount, type InputSpec } from '../stimuli/spec';
import { consumerMap, exposeOutputs, modelInputInfo, randomizeWeights, requireGraph } from './graph';
import { DataType, attributeInt, getAttribute, tensorToNumbers, type GraphProto, type ModelProto, type NodeProto } from './model';
import { openSession, type ExecutionProvider, type ProviderChoice } from './session';

/** Pseudo-layer: the preprocessed input itself (the paper's "pixels" representation). */
export const PIXELS_LAYER = 'pixels';

/** Grid of a quantized tensor: value = (q - zeroPoint) * scale, per tensor or along `axis` of the output. */
export interface Quantization {
  scale: Float64Array;
  zeroPoint: Float64Array;
  axis: number;
}

export interface LayerActivations {
  /** Tensor name, or PIXELS_LAYER. */
  layer: string;
  /** Shape of one stimulus's activation (the output's dims after the batch axis). */
  shape: number[];
  /** Values per stimulus: the product of `shape`. */
  features: number;
  /** stimuli x features, row-major; each row is the stimulus's activation flattened in the output's order. */
  data: Float32Array;
  /** Set when the tensor was int8/uint8 and came back dequantised with this grid. */
  quantization?: Quantization;
}

export interface ActivationOptions {
  /**
   * Stimuli per inference run when the model's batch dimension is free. Default: 4 on the CPU (MobileNetV2
   * int8 measured: 1 to 4 alike per image, 8 about twice as slow, 32 four times), 32 on CUDA.
   */
  batchSize?: number;
  provider?: ProviderChoice;
  onProgress?: (done: number, total: number) => void;
}

export interface Activations {
  stimuli: number;
  provider: ExecutionProvider;
  /** In the order asked for. */
  layers: LayerActivations[];
}

/** Ops that move quantized values without changing their grid. */
const GRID_PRESERVING = new Set(['Identity', 'Reshape', 'Squeeze', 'Unsqueeze', 'Flatten', 'Transpose', 'MaxPool']);

/** Values of a constant tensor: an initializer or a Constant node's output. */
function constantValues(graph: GraphProto, name: string): Float64Array | undefined {
  const init = graph.initializer.find((t) => t.name === name);
  if (init) return tensorToNumbers(init);
  const node = graph.node.find((n) => n.opType === 'Constant' && n.output[0] === name);
  const t = node && getAttribute(node, 'value')?.t;
  return t ? tensorToNumbers(t) : undefined;
}

/**
 * The grid of an int8/uint8 tensor: from the DequantizeLinear that reads it, else from the QuantizeLinear or
 * QLinearConv/QLinearMatMul that wrote it (through reshaping ops, per-tensor grids only).
 */
export function quantizationOf(model: ModelProto, tensor: string): Quantization | undefined {
  const graph = requireGraph(model);
  const grid = (node: NodeProto, scaleInput: number, reshaped: boolean): Quantization | undefined => {
    const scale = constantValues(graph, node.input[scaleInput]);
    if (!scale || (reshaped && scale.length > 1)) return undefined;
    const zp = node.input[scaleInput + 1] ? constantValues(graph, node.input[scaleInput + 1]) : new Float64Array(scale.length);
    if (!zp) return undefined;
    return { scale, zeroPoint: zp, axis: attributeInt(node, 'axis') ?? 1 };
  };
  const dq = consumerMap(graph)
    .get(tensor)
    ?.find((n) => n.opType === 'DequantizeLinear' && n.input[0] === tensor);
  if (dq) return grid(dq, 1, false);
  const producer = new Map<string, NodeProto>();
  for (const n of graph.node) for (const o of n.output) producer.set(o, n);
  let cur = tensor;
  for (let hop = 0; hop < 8; hop++) {
    const p = producer.get(cur);
    if (!p) return undefined;
    if (p.opType === 'QuantizeLinear') return grid(p, 1, hop > 0);
    // Their output grid (y_scale, y_zero_point) is per tensor.
    if (p.opType === 'QLinearConv' || p.opType === 'QLinearMatMul') return grid(p, 6, true);
    if (!GRID_PRESERVING.has(p.opType ?? '')) return undefined;
    cur = p.input[0];
  }
  return undefined;
}

/** Writes one chunk's output (its first b stimuli) into rows [row, row + b) of layer.data, dequantising integers. */
function store(layer: LayerActivations, out: Tensor, b: number, row: number, grid: Quantization | undefined): void {
  const { features, data } = layer;
  const src = out.data;
  const n = b * features;
  const at = row * features;
  if (out.type === 'float32' || out.type === 'float64') {
    data.set((src as Float32Array | Float64Array).subarray(0, n), at);
    return;
  }
  if (out.type !== 'uint8' && out.type !== 'int8') throw new Error(`layer '${layer.layer}' is ${out.type}: activations must be float, or int8/uint8 with a quantization grid`);
  if (!grid) throw new Error(`layer '${layer.layer}' is ${out.type} and no QuantizeLinear or DequantizeLinear in the graph gives its scale`);
  const q = src as Uint8Array | Int8Array;
  const { scale, zeroPoint } = grid;
  if (scale.length === 1) {
    for (let i = 0; i < n; i++) data[at + i] = (q[i] - zeroPoint[0]) * scale[0];
    return;
  }
  const dims = out.dims;
  const axis = grid.axis < 0 ? grid.axis + dims.length : grid.axis;
  if (axis < 1 || dims[axis] !== scale.length) throw new Error(`layer '${layer.layer}': ${scale.length} scales along axis ${grid.axis} of an output of shape [${dims.join(', ')}]`);
  let stride = 1;
  for (let d = axis + 1; d < dims.length; d++) stride *= dims[d];
  for (let i = 0; i < n; i++) {
    const k = Math.floor(i / stride) % scale.length;
    data[at + i] = (q[i] - zeroPoint[k]) * scale[k];
  }
}

/**
 * Runs the model on every stimulus of `pixels` (prepared with the model's input spec) and returns the
 * activations of `layers`: tensor names (a LayerInfo's outputs[0] or requantized) or PIXELS_LAYER.
 * Stimuli go through in chunks: the model's fixed batch size when it has one (the last chunk padded), else
 * `batchSize`. Memory: the result holds stimuli x features floats per layer (MobileNetV2's first conv is
 * 401,408 features: 400 MB for 250 stimuli).
 */
export async function extractActivations(
  model: ModelProto,
  pixels: PixelBatch,
  layers: readonly string[],
  options: ActivationOptions = {},
): Promise<Activations> {
  const input = modelInputInfo(model);
  const n = pixels.dims[0];
  const perStimulus = pixels.dims.slice(1);
  const size = perStimulus.reduce((a, b) => a * b, 1);
  const wantType = input.elemType === DataType.UINT8 ? 'uint8' : 'float32';
  const haveType = pixels.data instanceof Uint8Array ? 'uint8' : 'float32';
  if (wantType !== haveType) throw new Error(`model input '${input.name}' takes ${input.elemTypeName}, found ${haveType} pixels`);
  input.shape?.slice(1).forEach((d, i) => {
    if (typeof d === 'number' && d !== perStimulus[i]) {
      throw new Error(`model input '${input.name}' has shape [${input.shape!.join(', ')}], found pixels of shape [${pixels.dims.join(', ')}]`);
    }
  });
  const fixedBatch = typeof input.shape?.[0] === 'number' ? input.shape[0] : null;

  const unique = [...new Set(layers)];
  const tensors = unique.filter((l) => l !== PIXELS_LAYER);
  const results = new Map<string, LayerActivations>();
  if (unique.includes(PIXELS_LAYER)) {
    results.set(PIXELS_LAYER, { layer: PIXELS_LAYER, shape: perStimulus, features: size, data: Float32Array.from(pixels.data) });
  }
  let provider: ExecutionProvider = 'cpu';
  if (tensors.length > 0) {
    const opened = await openSession(exposeOutputs(model, tensors, { replaceOutputs: true }), options.provider);
    provider = opened.provider;
    const batch = fixedBatch ?? Math.max(1, options.batchSize ?? (provider === 'cuda' ? 32 : 4));
    const grids = new Map(tensors.map((t) => [t, quantizationOf(model, t)]));
    try {
      for (let start = 0; start < n; start += batch) {
        const b = Math.min(batch, n - start);
        let chunk = pixels.data.subarray(start * size, (start + b) * size);
        if (fixedBatch !== null && b < fixedBatch) {
          const padded = wantType === 'uint8' ? new Uint8Array(fixedBatch * size) : new Float32Array(fixedBatch * size);
          padded.set(chunk);
          chunk = padded;
        }
        const feed = new Tensor(wantType, chunk, [chunk.length / size, ...perStimulus]);
        const out = await opened.session.run({ [input.name]: feed });
        for (const name of tensors) {
          const t = out[name];
          let layer = results.get(name);
          if (!layer) {
            const shape = t.dims.slice(1);
            const features = shape.reduce((a, c) => a * c, 1);
            layer = { layer: name, shape, features, data: new Float32Array(n * features) };
            const grid = t.type === 'uint8' || t.type === 'int8' ? grids.get(name) : undefined;
            if (grid) layer.quantization = grid;
            results.set(name, layer);
          } else if (t.dims.slice(1).join() !== layer.shape.join()) {
            throw new Error(`layer '${name}' changed shape between stimuli: [${layer.shape.join(', ')}] then [${t.dims.slice(1).join(', ')}]`);
          }
          store(layer, t, b, start, grids.get(name));
        }
        options.onProgress?.(start + b, n);
      }
    } finally {
      await opened.session.release();
    }
  }
  return { stimuli: n, provider, layers: unique.map((l) => results.get(l)!) };
}

/**
 * Each named tensor's shape for one stimulus (its dims after the batch axis), from one run on a blank input of
 * `spec`: what the model's declarations rarely say (most exports declare only the graph's outputs).
 */
export async function layerShapes(model: ModelProto, spec: InputSpec, layers: readonly string[]): Promise<Map<string, number[]>> {
  const c = channelCount(spec.channels);
  const dims: PixelBatch['dims'] = spec.layout === 'NCHW' ? [1, c, spec.height, spec.width] : [1, spec.height, spec.width, c];
  const size = c * spec.height * spec.width;
  const blank = { spec, dims, data: spec.dtype === 'uint8' ? new Uint8Array(size) : new Float32Array(size) };
  const { layers: out } = await extractActivations(model, blank, layers);
  return new Map(out.map((l) => [l.layer, l.shape]));
}

/** Metadata key recording how a control model was made. */
export const CONTROL_METADATA_KEY = 'brainglass.control';

/**
 * Level 2's random-weights control: the same graph with every weight re-drawn (randomizeWeights, seeded),
 * marked in the model's metadata so an exported copy says what it is.
 */
export function randomWeightsControl(model: ModelProto, seed: number): ModelProto {
  const control = randomizeWeights(model, seed);
  const metadataProps = [...control.metadataProps.filter((p) => p.key !== CONTROL_METADATA_KEY), { key: CONTROL_METADATA_KEY, value: `random weights, seed ${seed}` }];
  return { ...control, metadataProps };
}
