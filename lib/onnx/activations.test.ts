import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { asset } from '../atlas/test-assets';
import { preprocessImages, type PixelBatch } from '../stimuli/preprocess';
import { readStimulusSet } from '../stimuli/set';
import { encodeImage, scene } from '../stimuli/test-images';
import { CONTROL_METADATA_KEY, PIXELS_LAYER, extractActivations, quantizationOf, randomWeightsControl } from './activations';
import { listLayers } from './graph';
import { modelInputSpec } from './inputs';
import { DataType, decodeModel, makeGraph, makeModel, makeNode, makeTensor, makeValueInfo, type ModelProto, type ShapeDim } from './model';

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const relu = (v: number): number => Math.max(0, v);
/** QuantizeLinear then DequantizeLinear on a uint8 grid (no value of these tests sits on a rounding tie). */
const onGrid = (v: number, scale: number, zp: number): number => (Math.min(255, Math.max(0, Math.round(v / scale) + zp)) - zp) * scale;

/**
 * Tiny CNN on a 4 x 4 grey image x:
 *   conv (1x1, weights [2, -1], biases [-1, 1]) -> relu -> maxpool 2x2 -> global average pool -> flatten
 *   -> gemm (W = [[1, 0], [0, 1], [1, -1]], b = [0, 0, 0.5]),
 * with side branches: relu quantized to uint8 per channel (scales [0.25, 0.125], zero points [10, 0]) and read
 * by a DequantizeLinear; pool quantized per tensor (0.1, zero point 3) then flattened; relu cast to uint8.
 */
function tinyCnn(batch: ShapeDim): ModelProto {
  const f32 = (name: string, dims: number[], v: number[]) => makeTensor(name, DataType.FLOAT, dims, new Float32Array(v));
  const u8 = (name: string, dims: number[], v: number[]) => makeTensor(name, DataType.UINT8, dims, new Uint8Array(v));
  const graph = makeGraph(
    'tiny',
    [
      makeNode('Conv', ['x', 'conv_w', 'conv_b'], ['conv'], { kernel_shape: { ints: [1, 1] } }),
      makeNode('Relu', ['conv'], ['relu']),
      makeNode('MaxPool', ['relu'], ['pool'], { kernel_shape: { ints: [2, 2] }, strides: { ints: [2, 2] } }),
      makeNode('GlobalAveragePool', ['pool'], ['gap']),
      makeNode('Flatten', ['gap'], ['flat']),
      makeNode('Gemm', ['flat', 'fc_w', 'fc_b'], ['logits'], { transB: { int: 1 } }),
      makeNode('QuantizeLinear', ['relu', 'relu_scale', 'relu_zp'], ['relu_q'], { axis: { int: 1 } }),
      makeNode('DequantizeLinear', ['relu_q', 'relu_scale', 'relu_zp'], ['relu_dq'], { axis: { int: 1 } }),
      makeNode('QuantizeLinear', ['pool', 'pool_scale', 'pool_zp'], ['pool_q']),
      makeNode('Flatten', ['pool_q'], ['pool_q_flat']),
      makeNode('Cast', ['relu'], ['relu_u8'], { to: { int: DataType.UINT8 } }),
    ],
    [makeValueInfo('x', DataType.FLOAT, [batch, 1, 4, 4])],
    [makeValueInfo('logits', DataType.FLOAT, [batch, 3])],
    [
      f32('conv_w', [2, 1, 1, 1], [2, -1]),
      f32('conv_b', [2], [-1, 1]),
      f32('fc_w', [3, 2], [1, 0, 0, 1, 1, -1]),
      f32('fc_b', [3], [0, 0, 0.5]),
      f32('relu_scale', [2], [0.25, 0.125]),
      u8('relu_zp', [2], [10, 0]),
      f32('pool_scale', [], [0.1]),
      u8('pool_zp', [], [3]),
    ],
  );
  return makeModel(graph, { '': 13 });
}

/** Stimulus s: x[i][j] = a_s (4 i + j) / 15, a ramp from 0 to a_s. */
const AMPLITUDES = [1, 0.8, 0.6];
const pixel = (a: number, i: number, j: number): number => (a * (4 * i + j)) / 15;
function tinyPixels(): PixelBatch {
  const data = new Float32Array(AMPLITUDES.length * 16);
  AMPLITUDES.forEach((a, s) => {
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) data[s * 16 + 4 * i + j] = pixel(a, i, j);
  });
  const spec = { width: 4, height: 4, resize: 'stretch', layout: 'NCHW', dtype: 'float32', channels: 'gray', normalisation: { kind: 'unit' } } as const;
  return { spec, dims: [AMPLITUDES.length, 1, 4, 4], data };
}

/**
 * The tiny CNN by hand. Channel 0 (2x - 1) grows with x, so each 2x2 block's max is its bottom-right pixel,
 * ramp positions 5, 7, 13, 15; channel 1 (1 - x) falls, so its max is the top-left one, positions 0, 2, 8, 10.
 */
function expected(a: number) {
  const x = (k: number): number => (a * k) / 15;
  const reluMap = [...[...Array(16).keys()].map((k) => relu(2 * x(k) - 1)), ...[...Array(16).keys()].map((k) => relu(1 - x(k)))];
  const pool = [...[5, 7, 13, 15].map((k) => relu(2 * x(k) - 1)), ...[0, 2, 8, 10].map((k) => relu(1 - x(k)))];
  const gap = [(pool[0] + pool[1] + pool[2] + pool[3]) / 4, (pool[4] + pool[5] + pool[6] + pool[7]) / 4];
  const logits = [gap[0], gap[1], gap[0] - gap[1] + 0.5];
  const reluQ = reluMap.map((v, i) => (i < 16 ? onGrid(v, 0.25, 10) : onGrid(v, 0.125, 0)));
  const poolQ = pool.map((v) => onGrid(v, 0.1, 3));
  return { reluMap, pool, gap, logits, reluQ, poolQ };
}

const rows = <K extends keyof ReturnType<typeof expected>>(key: K): number[] => AMPLITUDES.flatMap((a) => expected(a)[key]);

describe('activations of a tiny CNN built here', () => {
  const layers = [PIXELS_LAYER, 'relu', 'pool', 'gap', 'logits', 'relu_q', 'pool_q_flat'];

  it('returns every chosen layer as stimuli x features, equal to the closed form', async () => {
    const progress: number[][] = [];
    const out = await extractActivations(tinyCnn('N'), tinyPixels(), layers, { batchSize: 2, onProgress: (d, n) => progress.push([d, n]) });
    expect(out.stimuli).toBe(3);
    expect(progress).toEqual([
      [2, 3],
      [3, 3],
    ]);
    const by = new Map(out.layers.map((l) => [l.layer, l]));
    expect(out.layers.map((l) => [l.layer, l.shape, l.features])).toEqual([
      [PIXELS_LAYER, [1, 4, 4], 16],
      ['relu', [2, 4, 4], 32],
      ['pool', [2, 2, 2], 8],
      ['gap', [2, 1, 1], 2],
      ['logits', [3], 3],
      ['relu_q', [2, 4, 4], 32],
      ['pool_q_flat', [8], 8],
    ]);
    expect(maxAbsDiff(by.get(PIXELS_LAYER)!.data, tinyPixels().data)).toBe(0);
    expect(maxAbsDiff(by.get('relu')!.data, rows('reluMap'))).toBeLessThan(1e-6);
    expect(maxAbsDiff(by.get('pool')!.data, rows('pool'))).toBeLessThan(1e-6);
    expect(maxAbsDiff(by.get('gap')!.data, rows('gap'))).toBeLessThan(1e-6);
    expect(maxAbsDiff(by.get('logits')!.data, rows('logits'))).toBeLessThan(1e-6);
    // The expected values exercise both sides of every Relu.
    expect(rows('pool').some((v) => v === 0) && rows('pool').every((v) => v >= 0) && rows('pool').some((v) => v > 0.5)).toBe(true);
  });

  it('dequantises uint8 layers with the grid of their DequantizeLinear, or of the QuantizeLinear behind a Flatten', async () => {
    const model = tinyCnn('N');
    expect(quantizationOf(model, 'relu_q')).toEqual({ scale: Float64Array.from([0.25, 0.125]), zeroPoint: Float64Array.from([10, 0]), axis: 1 });
    expect(quantizationOf(model, 'pool_q_flat')).toMatchObject({ scale: Float64Array.from([Math.fround(0.1)]), zeroPoint: Float64Array.from([3]) });
    expect(quantizationOf(model, 'relu')).toBeUndefined();
    const out = await extractActivations(model, tinyPixels(), ['relu_q', 'pool_q_flat', 'logits']);
    const [reluQ, poolQ, logits] = out.layers;
    expect(maxAbsDiff(reluQ.data, rows('reluQ'))).toBeLessThan(1e-6);
    expect(maxAbsDiff(poolQ.data, rows('poolQ'))).toBeLessThan(1e-6);
    expect(reluQ.quantization?.axis).toBe(1);
    expect(logits.quantization).toBeUndefined();
    await expect(extractActivations(model, tinyPixels(), ['relu_u8'])).rejects.toThrow(
      "layer 'relu_u8' is uint8 and no QuantizeLinear or DequantizeLinear in the graph gives its scale",
    );
  });

  it('feeds a model with a fixed batch one stimulus at a time, padding a short last chunk', async () => {
    const free = await extractActivations(tinyCnn('N'), tinyPixels(), layers);
    for (const batch of [1, 2]) {
      const progress: number[] = [];
      const fixed = await extractActivations(tinyCnn(batch), tinyPixels(), layers, { batchSize: 16, onProgress: (d) => progress.push(d) });
      expect(progress).toEqual(batch === 1 ? [1, 2, 3] : [2, 3]);
      fixed.layers.forEach((l, i) => expect(Array.from(l.data)).toEqual(Array.from(free.layers[i].data)));
    }
  });

  it('says what does not fit', async () => {
    const model = tinyCnn('N');
    await expect(extractActivations(model, tinyPixels(), ['nope'])).rejects.toThrow("exposeOutputs: no tensor named 'nope' in the graph");
    const wrongSize: PixelBatch = { ...tinyPixels(), dims: [1, 1, 5, 5], data: new Float32Array(25) };
    await expect(extractActivations(model, wrongSize, ['relu'])).rejects.toThrow("model input 'x' has shape [N, 1, 4, 4], found pixels of shape [1, 1, 5, 5]");
    const bytes: PixelBatch = { ...tinyPixels(), data: new Uint8Array(48) };
    await expect(extractActivations(model, bytes, ['relu'])).rejects.toThrow("model input 'x' takes float, found uint8 pixels");
  });

  it('builds a seeded random-weights control that runs and differs from the trained network', async () => {
    const model = tinyCnn('N');
    const control = randomWeightsControl(model, 5);
    expect(control.metadataProps).toEqual([{ key: CONTROL_METADATA_KEY, value: 'random weights, seed 5' }]);
    const trained = await extractActivations(model, tinyPixels(), ['relu', 'logits']);
    const random = await extractActivations(control, tinyPixels(), ['relu', 'logits']);
    const again = await extractActivations(randomWeightsControl(model, 5), tinyPixels(), ['relu', 'logits']);
    random.layers.forEach((l, i) => {
      expect(l.data.every(Number.isFinite)).toBe(true);
      expect(maxAbsDiff(l.data, trained.layers[i].data)).toBeGreaterThan(1e-3);
      expect(Array.from(l.data)).toEqual(Array.from(again.layers[i].data));
    });
  });
});

// ---------------------------------------------------------------------------------------------------------------

const mobilenetV2 = asset('cnn', 'mobilenet_v2_1.0_224_int8_per_tensor.onnx');

function argmax(row: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
  return best;
}

describe.skipIf(!existsSync(mobilenetV2))('activations of the bundled MobileNetV2 int8', () => {
  it('runs stimuli read from PNGs: shapes, a stable prediction, and a random control that differs', async () => {
    const model = decodeModel(new Uint8Array(readFileSync(mobilenetV2)));
    const convs = listLayers(model).filter((l) => l.opType === 'Conv');
    const conv1 = convs[0].outputs[0];
    const middle = convs[26].outputs[0];
    const output = model.graph!.output[0].name!;
    expect([convs[0], convs[26]].every((l) => l.candidate)).toBe(true);

    // The same scene at 224 x 224, 448 x 448 and 320 x 240 (cropped), and a different scene.
    const sizes = [[224, 224, 0], [448, 448, 0], [320, 240, 0], [224, 224, 1]] as const;
    const files = await Promise.all(sizes.map(async ([w, h, v], s) => ({ name: `s${s}.png`, bytes: await encodeImage(scene(w, h, v), w, h, 'png') })));
    const set = await readStimulusSet(files, { name: 'stimuli.csv', bytes: new TextEncoder().encode('file,label\n' + files.map((f, s) => `${f.name},${s}`).join('\n')) });
    const { spec } = modelInputSpec(model);
    const pixels = await preprocessImages(set.images, spec);
    const layers = [PIXELS_LAYER, conv1, middle, output];
    const out = await extractActivations(model, pixels, layers, { batchSize: 4 });
    expect(out.layers.map((l) => l.shape)).toEqual([[224, 224, 3], [32, 112, 112], [64, 14, 14], [1000]]);
    expect(maxAbsDiff(out.layers[0].data, pixels.data)).toBe(0);
    for (const l of out.layers) expect(l.data.length).toBe(4 * l.features);
    const probs = out.layers[3].data;
    const top = [0, 1, 2, 3].map((s) => argmax(probs.subarray(s * 1000, (s + 1) * 1000)));
    expect(probs.every((p) => p >= 0 && p <= 1)).toBe(true);
    // Stable: the same scene at other sizes and crops gets the same class.
    expect(top[1]).toBe(top[0]);
    expect(top[2]).toBe(top[0]);

    // One stimulus per run gives the same activations as four.
    const single = await extractActivations(model, pixels, [middle, output], { batchSize: 1 });
    expect(maxAbsDiff(single.layers[0].data, out.layers[2].data)).toBeLessThan(1e-4);
    expect(maxAbsDiff(single.layers[1].data, out.layers[3].data)).toBeLessThan(1e-4);

    const random = await extractActivations(randomWeightsControl(model, 1), pixels, [conv1, output]);
    for (const [i, l] of random.layers.entries()) {
      expect(l.data.every(Number.isFinite)).toBe(true);
      expect(maxAbsDiff(l.data, out.layers[i === 0 ? 1 : 3].data)).toBeGreaterThan(0.01);
    }
  });
});

const mobilenetV1 = asset('cnn', 'mobilenet_v1_0.5_128_quant.onnx');

describe.skipIf(!existsSync(mobilenetV1))('activations of the bundled MobileNetV1 (uint8 output, batch of 1)', () => {
  it('dequantises the uint8 softmax to within one step of its float value', async () => {
    const model = decodeModel(new Uint8Array(readFileSync(mobilenetV1)));
    const files = await Promise.all([0, 1, 0].map(async (v, s) => ({ file: `s${s}.png`, bytes: await encodeImage(scene(160 + 40 * s, 128, v), 160 + 40 * s, 128, 'png') })));
    const pixels = await preprocessImages(files, modelInputSpec(model).spec);
    const quantized = 'MobilenetV1/Predictions/Reshape_1';
    const out = await extractActivations(model, pixels, [quantized, `${quantized}_prequant`]);
    const [q, f] = out.layers;
    expect(q.shape).toEqual([1001]);
    const step = q.quantization!.scale[0];
    expect(step).toBeGreaterThan(0);
    expect(maxAbsDiff(q.data, f.data)).toBeLessThanOrEqual(step / 2 + 1e-6);
    for (let s = 0; s < 3; s++) expect(argmax(q.data.subarray(s * 1001, (s + 1) * 1001))).toBe(argmax(f.data.subarray(s * 1001, (s + 1) * 1001)));
  });
});
