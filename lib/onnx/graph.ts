/**
 * Graph-level tools for Level 2 (network layers against the visual hierarchy): list a model's layers, expose
 * intermediate tensors as outputs so one inference run returns every chosen layer's activations, describe the
 * image input, and make a random-weights control of the same architecture.
 *
 * Works on any ONNX image model: float models and quantized QDQ models (QuantizeLinear/DequantizeLinear pairs
 * around float ops, as in the bundled MobileNetV2), where Conv/Add/Relu-like nodes still produce float tensors.
 */
import { Rng } from '../ml/forest/rng';
import {
  DataType,
  attributeInt,
  dataTypeName,
  encodeModel,
  getAttribute,
  integerRange,
  makeValueInfo,
  tensorToNumbers,
  tensorWithNumbers,
  valueInfoShape,
  type GraphProto,
  type ModelProto,
  type NodeProto,
  type ShapeDim,
  type TensorProto,
  type ValueInfoProto,
} from './model';

// ---------------------------------------------------------------------------------------------------------------
// Element types

const FLOAT_TYPES: ReadonlySet<number> = new Set([DataType.FLOAT, DataType.FLOAT16, DataType.DOUBLE, DataType.BFLOAT16]);

export function isFloatType(t: number | undefined): boolean {
  return t !== undefined && FLOAT_TYPES.has(t);
}

const BOOL_OPS = new Set(['Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'Not', 'And', 'Or', 'Xor', 'IsNaN', 'IsInf']);
const INT64_OPS = new Set(['Shape', 'Size', 'NonZero', 'ArgMax', 'ArgMin', 'NonMaxSuppression']);

/**
 * Element type of every tensor name in the graph: declared ones (inputs, outputs, value_info, initializers)
 * plus a forward pass of per-op rules over the nodes (ONNX requires topological order). Not a full shape
 * inference, just enough to tell float activations from quantized / integer tensors when a model carries no
 * value_info (most exported models).
 */
export function inferElemTypes(graph: GraphProto): Map<string, number> {
  const types = new Map<string, number>();
  const declare = (v: ValueInfoProto): void => {
    const t = v.type?.tensorType?.elemType;
    if (v.name !== undefined && t !== undefined && t !== DataType.UNDEFINED) types.set(v.name, t);
  };
  graph.input.forEach(declare);
  graph.valueInfo.forEach(declare);
  graph.output.forEach(declare);
  for (const t of graph.initializer) if (t.name !== undefined && t.dataType !== undefined) types.set(t.name, t.dataType);

  for (const node of graph.node) {
    const inType = (i: number): number | undefined => (node.input[i] ? types.get(node.input[i]) : undefined);
    const firstKnown = node.input.map((n) => types.get(n)).find((t) => t !== undefined);
    const op = node.opType ?? '';
    let out: (number | undefined)[];
    switch (op) {
      case 'DequantizeLinear':
        out = [inType(1) ?? DataType.FLOAT];
        break;
      case 'QuantizeLinear':
      case 'DynamicQuantizeLinear':
        out = [inType(2) ?? attributeInt(node, 'output_dtype') ?? DataType.UINT8, DataType.FLOAT, DataType.UINT8];
        break;
      case 'QLinearConv':
      case 'QLinearMatMul':
        out = [inType(7)];
        break;
      case 'ConvInteger':
      case 'MatMulInteger':
        out = [DataType.INT32];
        break;
      case 'Cast':
        out = [attributeInt(node, 'to')];
        break;
      case 'CastLike':
        out = [inType(1)];
        break;
      case 'Constant':
      case 'ConstantOfShape': {
        const v = getAttribute(node, 'value');
        out = [v?.t?.dataType ?? (getAttribute(node, 'value_int') || getAttribute(node, 'value_ints') ? DataType.INT64 : DataType.FLOAT)];
        break;
      }
      case 'Where':
        out = [inType(1)];
        break;
      case 'TopK':
        out = [inType(0), DataType.INT64];
        break;
      case 'MaxPool':
        out = [inType(0), DataType.INT64];
        break;
      case 'Dropout':
        out = [inType(0), DataType.BOOL];
        break;
      default:
        if (BOOL_OPS.has(op)) out = [DataType.BOOL];
        else if (INT64_OPS.has(op)) out = [DataType.INT64];
        else out = [firstKnown];
    }
    node.output.forEach((name, k) => {
      if (!name || types.has(name)) return;
      const t = k < out.length ? out[k] : out[0];
      if (t !== undefined) types.set(name, t);
    });
  }
  return types;
}

// ---------------------------------------------------------------------------------------------------------------
// Layers

export type LayerKind = 'conv' | 'dense' | 'activation' | 'add' | 'pool' | 'concat' | 'norm' | 'other';

const KIND_OF: Record<string, LayerKind> = {
  Conv: 'conv',
  ConvTranspose: 'conv',
  QLinearConv: 'conv',
  Gemm: 'dense',
  MatMul: 'dense',
  QLinearMatMul: 'dense',
  Relu: 'activation',
  Clip: 'activation',
  LeakyRelu: 'activation',
  PRelu: 'activation',
  Sigmoid: 'activation',
  Tanh: 'activation',
  HardSigmoid: 'activation',
  HardSwish: 'activation',
  Elu: 'activation',
  Selu: 'activation',
  Gelu: 'activation',
  Softmax: 'activation',
  // Relu6 exported from TF/TFLite as Relu followed by Min(x, 6) (as in the bundled MobileNetV2).
  Min: 'activation',
  Max: 'activation',
  Add: 'add',
  Sum: 'add',
  GlobalAveragePool: 'pool',
  GlobalMaxPool: 'pool',
  AveragePool: 'pool',
  MaxPool: 'pool',
  Concat: 'concat',
  BatchNormalization: 'norm',
  LayerNormalization: 'norm',
  InstanceNormalization: 'norm',
};

export interface LayerInfo {
  /** Position in graph.node (topological). */
  index: number;
  /** Node name ('' when the node has none). */
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  /** Element type of each output (undefined when it could not be inferred). */
  outputTypes: (number | undefined)[];
  /** Shape of the first output when the model declares it (value_info / outputs); often absent. */
  shape?: ShapeDim[];
  kind: LayerKind;
  /** First output is a float tensor. */
  floatOutput: boolean;
  /**
   * A layer whose activations are worth comparing: a conv / dense / activation / add / pool / concat / norm
   * node with a float output. In a QDQ model these are the float tensors between DequantizeLinear and
   * QuantizeLinear (exposing one gives the value before re-quantization, i.e. without rounding to the grid).
   */
  candidate: boolean;
  /**
   * QDQ models: the DequantizeLinear output that carries this tensor after QuantizeLinear, i.e. the value later
   * layers actually receive (rounded to the grid and clipped to its range; in TFLite exports that fuse ReLU6
   * into the quantization range, this is the post-activation value).
   */
  requantized?: string;
}

/** Every node in graph order, with output element types and whether it is a layer candidate. */
export function listLayers(model: ModelProto): LayerInfo[] {
  const graph = requireGraph(model);
  const types = inferElemTypes(graph);
  const shapes = new Map<string, ShapeDim[]>();
  for (const v of [...graph.valueInfo, ...graph.output]) {
    const s = valueInfoShape(v);
    if (v.name !== undefined && s) shapes.set(v.name, s);
  }
  const consumers = consumerMap(graph);
  const requantized = (name: string): string | undefined => {
    for (const q of consumers.get(name) ?? []) {
      if (q.opType !== 'QuantizeLinear' || q.input[0] !== name) continue;
      const dq = (consumers.get(q.output[0]) ?? []).find((n) => n.opType === 'DequantizeLinear');
      if (dq) return dq.output[0];
    }
    return undefined;
  };
  return graph.node.map((node, index): LayerInfo => {
    const opType = node.opType ?? '';
    const kind = KIND_OF[opType] ?? 'other';
    const outputTypes = node.output.map((o) => types.get(o));
    const floatOutput = isFloatType(outputTypes[0]);
    const info: LayerInfo = {
      index,
      name: node.name ?? '',
      opType,
      domain: node.domain ?? '',
      inputs: [...node.input],
      outputs: [...node.output],
      outputTypes,
      kind,
      floatOutput,
      candidate: floatOutput && kind !== 'other',
    };
    const shape = shapes.get(node.output[0]);
    if (shape) info.shape = shape;
    const rq = floatOutput && node.opType !== 'DequantizeLinear' ? requantized(node.output[0]) : undefined;
    if (rq) info.requantized = rq;
    return info;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Exposing intermediate tensors

export interface ExposeOptions {
  /** Drop the model's own outputs, keeping only the exposed tensors (default false). */
  replaceOutputs?: boolean;
}

/** A copy of the model whose graph also outputs the named tensors (the input model is not modified). */
export function withOutputs(model: ModelProto, names: readonly string[], options: ExposeOptions = {}): ModelProto {
  const graph = requireGraph(model);
  const produced = new Set<string>();
  for (const n of graph.node) for (const o of n.output) if (o) produced.add(o);
  for (const v of graph.input) if (v.name) produced.add(v.name);
  const types = inferElemTypes(graph);
  const declared = new Map<string, ValueInfoProto>();
  for (const v of [...graph.valueInfo, ...graph.output]) if (v.name) declared.set(v.name, v);

  const outputs = options.replaceOutputs ? [] : [...graph.output];
  const present = new Set(outputs.map((o) => o.name));
  for (const name of names) {
    if (!produced.has(name)) throw new Error(`exposeOutputs: no tensor named '${name}' in the graph`);
    if (present.has(name)) continue;
    present.add(name);
    const known = declared.get(name);
    const elemType = types.get(name);
    // Shape left unknown unless declared: the runtime infers it, and a wrong guess would fail validation.
    outputs.push(known ?? (elemType !== undefined ? makeValueInfo(name, elemType) : { name }));
  }
  return { ...model, graph: { ...graph, output: outputs } };
}

/** Serialized model with the named intermediate tensors added as graph outputs. */
export function exposeOutputs(model: ModelProto, nodeOutputNames: readonly string[], options: ExposeOptions = {}): Uint8Array {
  return encodeModel(withOutputs(model, nodeOutputNames, options));
}

// ---------------------------------------------------------------------------------------------------------------
// Input description

export type Layout = 'NHWC' | 'NCHW' | 'unknown';

export interface InputInfo {
  name: string;
  elemType: number | undefined;
  /** e.g. 'float', 'uint8'. */
  elemTypeName: string;
  /** Declared shape (numbers fixed, strings symbolic, null unknown); undefined when the rank is unknown. */
  shape: ShapeDim[] | undefined;
  layout: Layout;
  /** How the layout was decided: the graph's structure (a Transpose or a Conv reached first) or the dims. */
  layoutFrom: 'graph' | 'dims' | 'none';
  height?: number;
  width?: number;
  channels?: number;
}

/** Ops that keep the input's layout on the way to the first Conv (normalisation, quantization, casts). */
const LAYOUT_PRESERVING = new Set([
  'DequantizeLinear',
  'QuantizeLinear',
  'Cast',
  'Sub',
  'Mul',
  'Div',
  'Add',
  'Identity',
  'Clip',
]);

/** The model's real inputs (graph inputs that are not initializers, for models listing weights as inputs). */
export function modelInputInfos(model: ModelProto): InputInfo[] {
  const graph = requireGraph(model);
  const inits = new Set(graph.initializer.map((t) => t.name));
  return graph.input.filter((v) => v.name !== undefined && !inits.has(v.name)).map((v) => describeInput(graph, v));
}

/** The first real input: for an image model, the image. */
export function modelInputInfo(model: ModelProto): InputInfo {
  const all = modelInputInfos(model);
  if (all.length === 0) throw new Error('modelInputInfo: the model has no inputs');
  return all[0];
}

function describeInput(graph: GraphProto, v: ValueInfoProto): InputInfo {
  const name = v.name ?? '';
  const elemType = v.type?.tensorType?.elemType;
  const shape = valueInfoShape(v);
  const info: InputInfo = { name, elemType, elemTypeName: dataTypeName(elemType), shape, layout: 'unknown', layoutFrom: 'none' };
  if (shape && shape.length !== 4) return info;

  let layout: Layout = 'unknown';
  let from: InputInfo['layoutFrom'] = 'none';
  const fromGraph = layoutFromGraph(graph, name);
  if (fromGraph !== 'unknown') {
    layout = fromGraph;
    from = 'graph';
  } else if (shape) {
    const isC = (d: ShapeDim): boolean => d === 1 || d === 3 || d === 4;
    if (isC(shape[3]) && !isC(shape[1])) layout = 'NHWC';
    else if (isC(shape[1]) && !isC(shape[3])) layout = 'NCHW';
    if (layout !== 'unknown') from = 'dims';
  }
  info.layout = layout;
  info.layoutFrom = from;
  if (shape && layout !== 'unknown') {
    const [h, w, c] = layout === 'NHWC' ? [shape[1], shape[2], shape[3]] : [shape[2], shape[3], shape[1]];
    if (typeof h === 'number') info.height = h;
    if (typeof w === 'number') info.width = w;
    if (typeof c === 'number') info.channels = c;
  }
  return info;
}

/**
 * Follows the input through layout-preserving ops: a Transpose with perm [0, 3, 1, 2] means the model takes
 * NHWC and converts (TF exports); reaching a Conv first means NCHW (ONNX Conv's own layout).
 */
function layoutFromGraph(graph: GraphProto, input: string): Layout {
  const consumers = consumerMap(graph);
  const seen = new Set<string>([input]);
  let frontier = [input];
  for (let depth = 0; depth < 8 && frontier.length > 0; depth++) {
    const next: string[] = [];
    for (const t of frontier) {
      for (const n of consumers.get(t) ?? []) {
        if (n.opType === 'Transpose') {
          const perm = getAttribute(n, 'perm')?.ints.map(Number) ?? [];
          if (perm.join(',') === '0,3,1,2') return 'NHWC';
          if (perm.join(',') === '0,1,2,3') continue;
          return 'unknown';
        }
        if (n.opType === 'Conv' || n.opType === 'QLinearConv' || n.opType === 'ConvInteger') return 'NCHW';
        if (!LAYOUT_PRESERVING.has(n.opType ?? '')) continue;
        for (const o of n.output) {
          if (!seen.has(o)) {
            seen.add(o);
            next.push(o);
          }
        }
      }
    }
    frontier = next;
  }
  return 'unknown';
}

// ---------------------------------------------------------------------------------------------------------------
// Random-weights control

export interface WeightTensor {
  /** Initializer name, or the output name of the Constant node holding the tensor. */
  name: string;
  source: 'initializer' | 'constant';
  role: 'weight' | 'bias';
  /** Consuming node (Conv, Gemm, MatMul ...). */
  node: string;
  opType: string;
  /** Stored as integers and read through DequantizeLinear (QDQ model). */
  quantized: boolean;
  dataType: number;
}

/** Ops whose input 1 is a weight and input 2 (if any) a bias. */
const WEIGHTED_OPS = new Set(['Conv', 'ConvTranspose', 'Gemm', 'MatMul']);
/** Ops a weight may pass through between its initializer and the consuming op. */
const PASS_THROUGH = new Set(['Identity', 'Transpose', 'Reshape', 'Cast', 'Squeeze', 'Unsqueeze', 'Flatten']);

/**
 * The learned parameters of the model: initializers (or Constant nodes) that reach a Conv / ConvTranspose /
 * Gemm / MatMul weight or bias input (directly, through DequantizeLinear, or through reshaping ops), plus biases
 * added by an Add
 * right after a MatMul/Conv (how TF exports dense layers). Scales, zero points, normalisation statistics and
 * shape constants are not included.
 */
export function weightTensors(model: ModelProto): WeightTensor[] {
  const graph = requireGraph(model);
  const inits = new Map<string, TensorProto>();
  for (const t of graph.initializer) if (t.name) inits.set(t.name, t);
  const producer = new Map<string, NodeProto>();
  for (const n of graph.node) for (const o of n.output) producer.set(o, n);

  /** Constant tensor behind a tensor name, and whether a DequantizeLinear was crossed. */
  const trace = (name: string): { name: string; tensor: TensorProto; source: WeightTensor['source']; quantized: boolean } | null => {
    let quantized = false;
    let cur = name;
    for (let hop = 0; hop < 8; hop++) {
      const init = inits.get(cur);
      if (init) return { name: cur, tensor: init, source: 'initializer', quantized };
      const p = producer.get(cur);
      if (!p) return null;
      const value = p.opType === 'Constant' ? getAttribute(p, 'value')?.t : undefined;
      if (value) return { name: cur, tensor: value, source: 'constant', quantized };
      if (p.opType === 'DequantizeLinear') quantized = true;
      else if (!PASS_THROUGH.has(p.opType ?? '')) return null;
      cur = p.input[0];
    }
    return null;
  };

  const out = new Map<string, WeightTensor>();
  const add = (tensorName: string, role: WeightTensor['role'], node: NodeProto): void => {
    const found = trace(tensorName);
    if (!found || out.has(found.name)) return;
    out.set(found.name, {
      name: found.name,
      source: found.source,
      role,
      node: node.name ?? '',
      opType: node.opType ?? '',
      quantized: found.quantized,
      dataType: found.tensor.dataType ?? DataType.UNDEFINED,
    });
  };
  for (const n of graph.node) {
    const op = n.opType ?? '';
    if (!WEIGHTED_OPS.has(op)) continue;
    if (op === 'MatMul') {
      // Either side can be the constant.
      if (n.input[1] && trace(n.input[1])) add(n.input[1], 'weight', n);
      else if (n.input[0]) add(n.input[0], 'weight', n);
    } else {
      if (n.input[1]) add(n.input[1], 'weight', n);
      if (n.input[2]) add(n.input[2], 'bias', n);
    }
  }
  for (const n of graph.node) {
    if (n.opType !== 'Add' || n.input.length !== 2) continue;
    const [a, b] = n.input;
    const fromLayer = (x: string): boolean => ['MatMul', 'Conv', 'Gemm'].includes(producer.get(x)?.opType ?? '');
    if (fromLayer(a)) add(b, 'bias', n);
    else if (fromLayer(b)) add(a, 'bias', n);
  }
  return [...out.values()];
}

export interface RandomizeOptions {
  /** 'redraw' (default) like weights, 'keep' the trained values, or 'zero'. */
  biases?: 'redraw' | 'keep' | 'zero';
}

/**
 * Random-weights control with the same architecture: every tensor of `weightTensors` is re-drawn i.i.d. from a
 * normal distribution with that tensor's own mean and standard deviation (seeded; same seed, same model).
 * Matching each tensor's moments keeps every layer's gain close to the trained network's, so activations stay
 * in a similar range (which matters for a quantized model, whose activation quantization ranges stay fixed)
 * while all learned structure is destroyed.
 *
 * Quantized weights (int8/uint8/int32 read through DequantizeLinear) are re-drawn in their integer domain with
 * the integers' mean and SD, rounded and clipped to the type's range; scale and zero point are kept, so the
 * dequantized weights have the moments of the trained dequantized weights and the model stays a valid QDQ
 * model. Other initializers (scales, zero points, normalisation statistics such as an unfused
 * BatchNormalization's) are kept.
 *
 * Returns a new model; tensors and nodes not re-drawn are shared with the input.
 */
export function randomizeWeights(model: ModelProto, seed: number, options: RandomizeOptions = {}): ModelProto {
  const graph = requireGraph(model);
  const biases = options.biases ?? 'redraw';
  const targets = new Map(weightTensors(model).map((w) => [w.name, w]));
  const rng = new Rng(seed);
  const gauss = gaussian(rng);
  const redraw = (t: TensorProto, w: WeightTensor): TensorProto => {
    if (w.role === 'bias' && biases === 'keep') return t;
    const v = tensorToNumbers(t);
    const next = new Float64Array(v.length);
    // Zero in the dequantized domain is the zero point, which for (int32) biases is 0 by the ONNX QDQ spec.
    if (w.role === 'bias' && biases === 'zero') return tensorWithNumbers(t, next);
    const range = integerRange(t.dataType ?? DataType.UNDEFINED);
    const { mean, sd } = moments(v);
    for (let i = 0; i < v.length; i++) {
      let x = mean + sd * gauss();
      if (range) x = Math.min(range[1], Math.max(range[0], Math.round(x)));
      next[i] = x;
    }
    return tensorWithNumbers(t, next);
  };
  // Draws follow graph order (initializers, then Constant nodes) so a seed always gives the same model.
  const initializer = graph.initializer.map((t) => {
    const w = t.name !== undefined ? targets.get(t.name) : undefined;
    return w?.source === 'initializer' ? redraw(t, w) : t;
  });
  const node = graph.node.map((n) => {
    const w = n.opType === 'Constant' ? targets.get(n.output[0]) : undefined;
    if (w?.source !== 'constant') return n;
    return { ...n, attribute: n.attribute.map((a) => (a.name === 'value' && a.t ? { ...a, t: redraw(a.t, w) } : a)) };
  });
  return { ...model, graph: { ...graph, initializer, node } };
}

function moments(v: Float64Array): { mean: number; sd: number } {
  if (v.length === 0) return { mean: 0, sd: 0 };
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i];
  const mean = s / v.length;
  let ss = 0;
  for (let i = 0; i < v.length; i++) ss += (v[i] - mean) ** 2;
  return { mean, sd: Math.sqrt(ss / v.length) };
}

/** Standard normal draws (Box-Muller; the second value of each pair is kept for the next call). */
function gaussian(rng: Rng): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    const u = 1 - rng.nextFloat(); // (0, 1]: log is finite
    const r = Math.sqrt(-2 * Math.log(u));
    const th = 2 * Math.PI * rng.nextFloat();
    spare = r * Math.sin(th);
    return r * Math.cos(th);
  };
}

/** Nodes reading each tensor name. */
export function consumerMap(graph: GraphProto): Map<string, NodeProto[]> {
  const consumers = new Map<string, NodeProto[]>();
  for (const n of graph.node) {
    for (const i of n.input) {
      const list = consumers.get(i);
      if (list) list.push(n);
      else consumers.set(i, [n]);
    }
  }
  return consumers;
}

export function requireGraph(model: ModelProto): GraphProto {
  if (!model.graph) throw new Error('model has no graph');
  return model.graph;
}
