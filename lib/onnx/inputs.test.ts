import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { asset } from '../atlas/test-assets';
import { IMAGENET_NORMALISATION } from '../stimuli/spec';
import { modelInputSpec } from './inputs';
import { DataType, decodeModel, makeGraph, makeModel, makeNode, makeTensor, makeValueInfo, type ModelProto, type ShapeDim } from './model';

/** One 1x1 Conv on the image, reached directly (NCHW) or through an NHWC -> NCHW Transpose. */
function imageModel(elemType: number, shape: ShapeDim[], layout: 'NCHW' | 'NHWC', metadata: Record<string, string> = {}): ModelProto {
  const c = (layout === 'NCHW' ? shape[1] : shape[3]) as number;
  const nodes = [];
  let x = 'image';
  if (layout === 'NHWC') {
    nodes.push(makeNode('Transpose', [x], ['nchw'], { perm: { ints: [0, 3, 1, 2] } }));
    x = 'nchw';
  }
  if (elemType !== DataType.FLOAT) {
    nodes.push(makeNode('Cast', [x], ['float_image'], { to: { int: DataType.FLOAT } }));
    x = 'float_image';
  }
  nodes.push(makeNode('Conv', [x, 'w'], ['features'], { kernel_shape: { ints: [1, 1] } }));
  const graph = makeGraph(
    'image_model',
    nodes,
    [makeValueInfo('image', elemType, shape)],
    [makeValueInfo('features', DataType.FLOAT)],
    [makeTensor('w', DataType.FLOAT, [1, c, 1, 1], new Float32Array(c).fill(1))],
  );
  const model = makeModel(graph, { '': 13 });
  model.metadataProps = Object.entries(metadata).map(([key, value]) => ({ key, value }));
  return model;
}

describe('input spec of a model', () => {
  it('reads size, layout and type from a float NCHW model and defaults the rest', () => {
    const m = modelInputSpec(imageModel(DataType.FLOAT, ['N', 3, 32, 48], 'NCHW'));
    expect(m.input.name).toBe('image');
    expect(m.spec).toEqual({ width: 48, height: 32, resize: 'crop', layout: 'NCHW', dtype: 'float32', channels: 'RGB', normalisation: IMAGENET_NORMALISATION });
    expect(m.source).toEqual({ width: 'model', height: 'model', resize: 'default', layout: 'model', dtype: 'model', channels: 'default', normalisation: 'default' });
    expect(m.fixedBatch).toBeNull();
  });

  it('reads an NHWC uint8 model with a fixed batch of 1 as raw pixels', () => {
    const m = modelInputSpec(imageModel(DataType.UINT8, [1, 64, 64, 3], 'NHWC'));
    expect(m.spec).toMatchObject({ width: 64, height: 64, layout: 'NHWC', dtype: 'uint8', normalisation: { kind: 'raw' } });
    expect(m.source.normalisation).toBe('model');
    expect(m.fixedBatch).toBe(1);
  });

  it("follows ONNX's Image.* metadata, and grey inputs", () => {
    const bgr = modelInputSpec(imageModel(DataType.FLOAT, ['N', 3, 'h', 'w'], 'NCHW', { 'image.bitmappixelformat': 'Bgr8', 'Image.NominalPixelRange': 'Normalized_1_1' }));
    expect(bgr.spec).toMatchObject({ width: 224, height: 224, channels: 'BGR', normalisation: { kind: 'meanStd', mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] } });
    expect(bgr.source).toMatchObject({ width: 'default', height: 'default', channels: 'metadata', normalisation: 'metadata' });
    const grey = modelInputSpec(imageModel(DataType.FLOAT, [1, 1, 28, 28], 'NCHW'));
    expect(grey.spec).toMatchObject({ channels: 'gray', normalisation: { kind: 'unit' } });
    expect(grey.source.channels).toBe('model');
    const video = modelInputSpec(imageModel(DataType.FLOAT, [1, 3, 8, 8], 'NCHW', { 'Image.NominalPixelRange': 'NominalRange_16_235' }));
    const n = video.spec.normalisation;
    // 0 -> 16, 255 -> 235.
    if (n.kind !== 'meanStd') throw new Error('expected meanStd');
    expect((0 - n.mean[0]) / n.std[0]).toBeCloseTo(16, 10);
    expect((1 - n.mean[0]) / n.std[0]).toBeCloseTo(235, 10);
  });

  it('applies overrides and refuses those that contradict the model', () => {
    const model = imageModel(DataType.FLOAT, ['N', 3, 32, 48], 'NCHW');
    const m = modelInputSpec(model, { resize: 'stretch', channels: 'BGR', normalisation: { kind: 'unit' } });
    expect(m.spec).toMatchObject({ resize: 'stretch', channels: 'BGR', normalisation: { kind: 'unit' } });
    expect(m.source).toMatchObject({ resize: 'user', channels: 'user', normalisation: 'user', width: 'model' });
    expect(() => modelInputSpec(model, { width: 64 })).toThrow("input spec: model input 'image' has shape [N, 3, 32, 48], read as NCHW, so width 48; found 64");
    expect(() => modelInputSpec(model, { layout: 'NHWC' })).toThrow("input spec: model input 'image' has shape [N, 3, 32, 48], read as NHWC, so height 3; found 32");
    expect(() => modelInputSpec(model, { dtype: 'uint8' })).toThrow("input spec: model input 'image' takes float32, found dtype uint8");
    expect(() => modelInputSpec(model, { channels: 'gray' })).toThrow("input spec: model input 'image' has shape [N, 3, 32, 48], read as NCHW, so channels 3; found 1");
    expect(() => modelInputSpec(imageModel(DataType.INT64, [1, 3, 8, 8], 'NCHW'))).toThrow("model input 'image' is int64: image inputs must be float or uint8");
    expect(() => modelInputSpec(imageModel(DataType.FLOAT, [1, 3, 8, 8], 'NCHW', { 'Image.BitmapPixelFormat': 'Rgba8' }))).toThrow(
      "model metadata Image.BitmapPixelFormat is 'Rgba8': supported are Gray8, Rgb8, Bgr8",
    );
  });
});

describe.skipIf(!existsSync(asset('cnn')))('input specs of the bundled models', () => {
  it('MobileNetV2 int8: uint8 NHWC 224 x 224 raw 0-255 RGB, as SOURCES.md states', () => {
    const m = modelInputSpec(decodeModel(new Uint8Array(readFileSync(asset('cnn', 'mobilenet_v2_1.0_224_int8_per_tensor.onnx')))));
    expect(m.input.name).toBe('serving_default_input_1:0');
    expect(m.spec).toEqual({ width: 224, height: 224, resize: 'crop', layout: 'NHWC', dtype: 'uint8', channels: 'RGB', normalisation: { kind: 'raw' } });
    expect(m.fixedBatch).toBeNull();
  });

  it('MobileNetV1 quant: 128 x 128 with a fixed batch of 1', () => {
    const m = modelInputSpec(decodeModel(new Uint8Array(readFileSync(asset('cnn', 'mobilenet_v1_0.5_128_quant.onnx')))));
    expect(m.spec).toMatchObject({ width: 128, height: 128, layout: 'NHWC', dtype: 'uint8' });
    expect(m.fixedBatch).toBe(1);
  });
});
