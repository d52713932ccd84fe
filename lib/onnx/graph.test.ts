import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { Rng } from '../ml/forest/rng';
import { exposeOutputs, listLayers, modelInputInfo, randomizeWeights, weightTensors, withOutputs } from './graph';
import {
  DataType,
  decodeModel,
  encodeModel,
  makeGraph,
  makeModel,
  makeNode,
  makeTensor,
  makeValueInfo,
  tensorToNumbers,
  type ModelProto,
} from './model';

type Feeds = Record<string, Tensor>;

async function run(bytes: Uint8Array, feeds: Feeds): Promise<Record<string, { dims: readonly number[]; data: Float32Array }>> {
  const session = await InferenceSession.create(bytes);
  const out = await session.run(feeds);
  const res: Record<string, { dims: readonly number[]; data: Float32Array }> = {};
  for (const [k, v] of Object.entries(out)) res[k] = { dims: v.dims, data: v.data as Float32Array };
  return res;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function range(a: ArrayLike<number>): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < a.length; i++) {
    min = Math.min(min, a[i]);
    max = Math.max(max, a[i]);
  }
  return { min, max };
}

function randomArray(n: number, rng: Rng, scale = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (rng.nextFloat() * 2 - 1) * scale;
  return a;
}

// Tiny CNN: x [1, C, H, W] -> Conv 3x3 pad 1 (K filters) -> Relu -> GlobalAveragePool -> Flatten -> Gemm (O).
const C = 2;
const H = 5;
const W = 5;
const K = 3;
const O = 4;

function tinyCnn(rng: Rng): { model: ModelProto; conv: Float32Array; bias: Float32Array; fc: Float32Array; fcBias: Float32Array } {
  const conv = randomArray(K * C * 9, rng);
  const bias = randomArray(K, rng, 0.5);
  const fc = randomArray(O * K, rng);
  const fcBias = randomArray(O, rng);
  const graph = makeGraph(
    'tiny',
    [
      makeNode('Conv', ['x', 'conv_w', 'conv_b'], ['conv_out'], { kernel_shape: { ints: [3, 3] }, pads: { ints: [1, 1, 1, 1] } }, { name: 'conv' }),
      makeNode('Relu', ['conv_out'], ['relu_out'], {}, { name: 'relu' }),
      makeNode('GlobalAveragePool', ['relu_out'], ['pool_out'], {}, { name: 'pool' }),
      makeNode('Flatten', ['pool_out'], ['flat'], {}, { name: 'flatten' }),
      makeNode('Gemm', ['flat', 'fc_w', 'fc_b'], ['logits'], { transB: { int: 1 } }, { name: 'fc' }),
    ],
    [makeValueInfo('x', DataType.FLOAT, [1, C, H, W])],
    [makeValueInfo('logits', DataType.FLOAT, [1, O])],
    [
      makeTensor('conv_w', DataType.FLOAT, [K, C, 3, 3], conv),
      makeTensor('conv_b', DataType.FLOAT, [K], bias),
      makeTensor('fc_w', DataType.FLOAT, [O, K], fc),
      makeTensor('fc_b', DataType.FLOAT, [O], fcBias),
    ],
  );
  return { model: makeModel(graph, { '': 13 }), conv, bias, fc, fcBias };
}

/** Plain TypeScript forward pass of the tiny CNN: Relu output [K, H, W] and logits [O]. */
function tinyForward(x: Float32Array, p: ReturnType<typeof tinyCnn>): { relu: Float64Array; logits: Float64Array } {
  const relu = new Float64Array(K * H * W);
  for (let k = 0; k < K; k++) {
    for (let i = 0; i < H; i++) {
      for (let j = 0; j < W; j++) {
        let s = p.bias[k];
        for (let c = 0; c < C; c++) {
          for (let di = -1; di <= 1; di++) {
            for (let dj = -1; dj <= 1; dj++) {
              const ii = i + di;
              const jj = j + dj;
              if (ii < 0 || ii >= H || jj < 0 || jj >= W) continue;
              s += x[(c * H + ii) * W + jj] * p.conv[((k * C + c) * 3 + di + 1) * 3 + dj + 1];
            }
          }
        }
        relu[(k * H + i) * W + j] = Math.max(0, s);
      }
    }
  }
  const logits = new Float64Array(O);
  for (let o = 0; o < O; o++) {
    let s = p.fcBias[o];
    for (let k = 0; k < K; k++) {
      let mean = 0;
      for (let q = 0; q < H * W; q++) mean += relu[k * H * W + q];
      s += (mean / (H * W)) * p.fc[o * K + k];
    }
    logits[o] = s;
  }
  return { relu, logits };
}

describe('graph tools on a tiny CNN built here', () => {
  const rng = new Rng(42);
  const tiny = tinyCnn(rng);
  const x = randomArray(C * H * W, rng);
  const feeds = (): Feeds => ({ x: new Tensor('float32', x, [1, C, H, W]) });

  it('exposes the Relu output with the values of a plain TS forward pass', async () => {
    const want = tinyForward(x, tiny);
    const out = await run(exposeOutputs(tiny.model, ['relu_out']), feeds());
    expect(out.relu_out.dims).toEqual([1, K, H, W]);
    expect(maxAbsDiff(out.relu_out.data, want.relu)).toBeLessThan(1e-5);
    expect(maxAbsDiff(out.logits.data, want.logits)).toBeLessThan(1e-5);
    // Some units are cut by the Relu, some pass: the check exercises both branches.
    expect(want.relu.some((v) => v === 0) && want.relu.some((v) => v > 0)).toBe(true);
    // The input model is untouched and only-exposed outputs work too.
    expect(tiny.model.graph?.output.map((o) => o.name)).toEqual(['logits']);
    const only = await run(exposeOutputs(tiny.model, ['pool_out', 'conv_out'], { replaceOutputs: true }), feeds());
    expect(Object.keys(only).sort()).toEqual(['conv_out', 'pool_out']);
    expect(() => exposeOutputs(tiny.model, ['nope'])).toThrow(/no tensor named/);
  });

  it('lists layers, describes the input and finds the weights', () => {
    const layers = listLayers(tiny.model);
    expect(layers.map((l) => l.opType)).toEqual(['Conv', 'Relu', 'GlobalAveragePool', 'Flatten', 'Gemm']);
    expect(layers.filter((l) => l.candidate).map((l) => l.name)).toEqual(['conv', 'relu', 'pool', 'fc']);
    expect(layers[4].shape).toEqual([1, O]);
    expect(layers.every((l) => l.outputTypes[0] === DataType.FLOAT)).toBe(true);
    const input = modelInputInfo(tiny.model);
    expect(input).toMatchObject({ name: 'x', elemTypeName: 'float', shape: [1, C, H, W], layout: 'NCHW', layoutFrom: 'graph', channels: C, height: H, width: W });
    expect(weightTensors(tiny.model).map((w) => `${w.name}:${w.role}`)).toEqual(['conv_w:weight', 'conv_b:bias', 'fc_w:weight', 'fc_b:bias']);
  });

  it('randomizes the weights reproducibly, keeping the architecture', async () => {
    const base = await run(encodeModel(tiny.model), feeds());
    const r1 = randomizeWeights(tiny.model, 1);
    const r1again = randomizeWeights(tiny.model, 1);
    const r2 = randomizeWeights(tiny.model, 2);
    expect(encodeModel(r1)).toEqual(encodeModel(r1again));
    const o1 = await run(encodeModel(r1), feeds());
    const o2 = await run(encodeModel(r2), feeds());
    expect(maxAbsDiff(base.logits.data, o1.logits.data)).toBeGreaterThan(1e-3);
    expect(maxAbsDiff(o1.logits.data, o2.logits.data)).toBeGreaterThan(1e-3);
    // Same architecture: the very same node objects (only Constant nodes holding weights would be replaced).
    r1.graph?.node.forEach((n, i) => expect(n).toBe(tiny.model.graph?.node[i]));
    const keep = randomizeWeights(tiny.model, 1, { biases: 'keep' });
    expect(keep.graph?.initializer[1]).toBe(tiny.model.graph?.initializer[1]);
    const zero = randomizeWeights(tiny.model, 1, { biases: 'zero' });
    expect(Array.from(tensorToNumbers(zero.graph?.initializer[3] ?? tiny.model.graph!.initializer[0]))).toEqual([0, 0, 0, 0]);
  });

  it('also finds and re-draws weights held by Constant nodes', async () => {
    // Same network with the conv weight in a Constant node instead of an initializer (older exporters do this).
    const g = tiny.model.graph!;
    const convW = g.initializer[0];
    const constModel: ModelProto = {
      ...tiny.model,
      graph: {
        ...g,
        initializer: g.initializer.slice(1),
        node: [makeNode('Constant', [], ['conv_w'], { value: { tensor: { ...convW, name: undefined } } }, { name: 'w_const' }), ...g.node],
      },
    };
    const base = await run(encodeModel(tiny.model), feeds());
    const same = await run(encodeModel(constModel), feeds());
    expect(Array.from(same.logits.data)).toEqual(Array.from(base.logits.data));
    const found = weightTensors(constModel).find((w) => w.name === 'conv_w');
    expect(found).toMatchObject({ source: 'constant', role: 'weight', opType: 'Conv' });
    const random = randomizeWeights(constModel, 3, { biases: 'keep' });
    const conv = random.graph?.node[0].attribute[0].t;
    expect(conv && tensorToNumbers(conv)).not.toEqual(tensorToNumbers(convW));
    const out = await run(encodeModel(random), feeds());
    expect(maxAbsDiff(out.logits.data, base.logits.data)).toBeGreaterThan(1e-3);
  });
});

// ---------------------------------------------------------------------------------------------------------------

const assets = process.env.BRAINGLASS_ASSETS ?? path.resolve(process.cwd(), '../shared/assets');
const mobilenetPath = path.join(assets, 'cnn', 'mobilenet_v2_1.0_224_int8_per_tensor.onnx');

/** A deterministic 224 x 224 RGB test image (NHWC uint8): colour gradients with a bright disc and stripes. */
function testImage(): Uint8Array {
  const img = new Uint8Array(224 * 224 * 3);
  for (let i = 0; i < 224; i++) {
    for (let j = 0; j < 224; j++) {
      const o = (i * 224 + j) * 3;
      const disc = (i - 100) ** 2 + (j - 120) ** 2 < 50 ** 2;
      img[o] = disc ? 230 : j;
      img[o + 1] = disc ? 200 : i;
      img[o + 2] = (Math.floor(j / 16) % 2) * 180 + 40;
    }
  }
  return img;
}

describe.skipIf(!existsSync(mobilenetPath))('MobileNetV2 int8 QDQ model', () => {
  const bytes = existsSync(mobilenetPath) ? new Uint8Array(readFileSync(mobilenetPath)) : new Uint8Array(0);
  const model = existsSync(mobilenetPath) ? decodeModel(bytes) : { opsetImport: [], metadataProps: [] };
  const input = existsSync(mobilenetPath) ? modelInputInfo(model) : null;
  const feeds = (): Feeds => ({ [input?.name ?? '']: new Tensor('uint8', testImage(), [1, 224, 224, 3]) });
  const outName = model.graph?.output[0].name ?? '';

  it('describes the input as NHWC uint8', () => {
    expect(input).toMatchObject({ elemTypeName: 'uint8', layout: 'NHWC', layoutFrom: 'graph', height: 224, width: 224, channels: 3 });
    expect(input?.shape?.slice(1)).toEqual([224, 224, 3]);
  });

  it('runs identically after decode -> encode, which is byte-identical', async () => {
    // Unknown fields are re-slotted by field number, so a standard serializer's output comes back unchanged.
    expect(Buffer.compare(Buffer.from(encodeModel(model)), Buffer.from(bytes))).toBe(0);
    const a = await run(bytes, feeds());
    const b = await run(encodeModel(model), feeds());
    expect(a[outName].dims).toEqual([1, 1000]);
    expect(Array.from(b[outName].data)).toEqual(Array.from(a[outName].data));
    // The test image must give a real prediction, not an all-zero output.
    expect(range(a[outName].data).max).toBeGreaterThan(0.05);
  });

  it('lists the Conv layers with float outputs and exposes three of them', async () => {
    const layers = listLayers(model);
    const convs = layers.filter((l) => l.opType === 'Conv');
    expect(convs.length).toBe(52);
    expect(convs.every((l) => l.candidate && l.floatOutput)).toBe(true);
    // Quantize/Dequantize nodes are not candidates: their outputs are int8 / the dequantized copies.
    expect(layers.filter((l) => l.opType === 'QuantizeLinear').every((l) => !l.candidate && !l.floatOutput)).toBe(true);
    // Relu6 (Relu then Min 6) outputs are re-quantized; their DequantizeLinear copies are found.
    const relu6 = layers.filter((l) => l.opType === 'Min');
    expect(relu6.length).toBe(17);
    expect(relu6.every((l) => l.requantized !== undefined)).toBe(true);
    const picks = [convs[0], convs[26], convs[51]].map((l) => l.outputs[0]);
    const out = await run(exposeOutputs(model, picks), feeds());
    const dims = picks.map((p) => out[p].dims);
    expect(dims[0]).toEqual([1, 32, 112, 112]);
    for (const d of dims) {
      expect(d.length).toBe(4);
      expect(d[0]).toBe(1);
      expect(d[2]).toBe(d[3]);
    }
    expect(dims[1][2]).toBeLessThan(112);
    expect(dims[2]).toEqual([1, 1280, 7, 7]);
    for (const p of picks) {
      const data = out[p].data;
      expect(data.every(Number.isFinite)).toBe(true);
      const { min, max } = range(data);
      expect(max - min).toBeGreaterThan(0);
    }
    const base = await run(bytes, feeds());
    expect(Array.from(out[outName].data)).toEqual(Array.from(base[outName].data));
  });

  it('randomizeWeights re-draws the int8 weights and changes the output', async () => {
    const weights = weightTensors(model);
    // 52 Conv weights + 52 Conv biases + the classifier's MatMul weight and Add bias.
    expect(weights.filter((w) => w.role === 'weight').length).toBe(53);
    expect(weights.filter((w) => w.role === 'bias').length).toBe(53);
    expect(weights.every((w) => w.quantized)).toBe(true);
    const random = randomizeWeights(model, 7);
    const byName = new Map(random.graph?.initializer.map((t) => [t.name, t]));
    const first = weights[0];
    const before = tensorToNumbers(model.graph?.initializer.find((t) => t.name === first.name) ?? random.graph!.initializer[0]);
    const after = tensorToNumbers(byName.get(first.name) ?? random.graph!.initializer[0]);
    const sd = (v: Float64Array): number => {
      const m = v.reduce((a, b) => a + b, 0) / v.length;
      return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
    };
    expect(Math.abs(sd(after) / sd(before) - 1)).toBeLessThan(0.2);

    const picks = listLayers(model)
      .filter((l) => l.opType === 'Conv')
      .slice(0, 1)
      .map((l) => l.outputs[0]);
    const base = await run(exposeOutputs(model, picks), feeds());
    const rnd = await run(exposeOutputs(random, picks), feeds());
    expect(maxAbsDiff(base[outName].data, rnd[outName].data)).toBeGreaterThan(0.01);
    expect(maxAbsDiff(base[picks[0]].data, rnd[picks[0]].data)).toBeGreaterThan(0.01);
    expect(rnd[picks[0]].data.every(Number.isFinite)).toBe(true);
  });

  it('withOutputs keeps model-level fields (opsets, unknown fields)', () => {
    const m = withOutputs(model, []);
    expect(m.opsetImport).toEqual(model.opsetImport);
    expect(m.unknownFields).toBe(model.unknownFields);
  });
});

const mobilenetV1Path = path.join(assets, 'cnn', 'mobilenet_v1_0.5_128_quant.onnx');

describe.skipIf(!existsSync(mobilenetV1Path))('MobileNetV1 quant model (TFLite, ReLU6 fused into quantization)', () => {
  it('round-trips byte-identically and exposes re-quantized (post-ReLU6) conv outputs', async () => {
    const bytes = new Uint8Array(readFileSync(mobilenetV1Path));
    const model = decodeModel(bytes);
    expect(Buffer.compare(Buffer.from(encodeModel(model)), Buffer.from(bytes))).toBe(0);
    const input = modelInputInfo(model);
    expect(input).toMatchObject({ elemTypeName: 'uint8', shape: [1, 128, 128, 3], layout: 'NHWC' });
    const convs = listLayers(model).filter((l) => l.opType === 'Conv');
    expect(convs.length).toBe(28);
    const first = convs[0];
    expect(first.requantized).toBeDefined();
    const img = new Uint8Array(128 * 128 * 3);
    for (let i = 0; i < img.length; i++) img[i] = (i * 7 + (i >> 9)) & 255;
    const pre = first.outputs[0];
    const post = first.requantized ?? '';
    const out = await run(exposeOutputs(model, [pre, post]), { [input.name]: new Tensor('uint8', img, [1, 128, 128, 3]) });
    const a = range(out[pre].data);
    const b = range(out[post].data);
    // No Relu node: the activation is the quantization range [0, 6] (pre-activation values go outside it).
    expect(a.min).toBeLessThan(0);
    expect(b.min).toBeGreaterThanOrEqual(0);
    expect(b.max).toBeLessThanOrEqual(6.01);
  });
});
