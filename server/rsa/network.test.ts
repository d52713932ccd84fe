import { describe, expect, it } from 'vitest';
import { DataType, encodeModel, makeGraph, makeModel, makeNode, makeTensor, makeValueInfo } from '@/lib/onnx';
import { SMALL_CNN_INPUT, SMALL_CNN_LAYERS, smallImageCnnBytes } from '@/lib/onnx/test-models';
import { encodeImage, scene } from '@/lib/stimuli/test-images';
import { checkNetworkChoice, describeNetwork, networkFromBytes } from './network';

describe('an uploaded ONNX image model', () => {
  const network = networkFromBytes(smallImageCnnBytes(), 'small-cnn.onnx');

  it('lists pixels and its comparable layers in graph order, with op types and per-stimulus shapes', async () => {
    const d = await describeNetwork(network);
    const { size, channels } = SMALL_CNN_INPUT;
    // Flatten is no layer to compare (lib/onnx listLayers: kind 'other').
    const expected = [{ name: 'pixels', opType: 'input', shape: [channels, size, size] }, ...SMALL_CNN_LAYERS.filter((l) => l.opType !== 'Flatten')];
    expect(d.layers.map(({ name, opType, shape }) => ({ name, opType, shape }))).toEqual(expected.map((l) => ({ ...l, shape: [...l.shape] })));
    expect(d.input).toMatchObject({ name: SMALL_CNN_INPUT.name, elemTypeName: 'float', layout: 'NCHW', layoutFrom: 'graph' });
    expect(d.spec).toMatchObject({ width: size, height: size, layout: 'NCHW', dtype: 'float32', channels: 'RGB', normalisation: { kind: 'meanStd' } });
    expect(d.source).toMatchObject({ width: 'model', layout: 'model', normalisation: 'default' });
    // pixels, then layers spread over conv, pool and dense: all five of this small network's.
    expect(d.defaultLayers).toEqual(['pixels', 'conv1', 'conv2', 'conv3', 'pool', 'logits']);
  });

  it('refuses a file that is not ONNX, saying so', async () => {
    const png = await encodeImage(scene(16, 16), 16, 16, 'png');
    expect(() => networkFromBytes(png, 'photo.onnx')).toThrow(/^The network photo\.onnx is not a readable ONNX model: protobuf/);
    // Some other files read as protobuf without error, yet hold no graph.
    expect(() => networkFromBytes(new Uint8Array([0x08, 0x07]), 'version.onnx')).toThrow('The network version.onnx is not an ONNX model: it holds no graph of nodes');
  });

  it('refuses a model without an image input, saying so', async () => {
    const graph = makeGraph(
      'dense',
      [makeNode('Gemm', ['x', 'w'], ['y'], { transB: { int: 1 } })],
      [makeValueInfo('x', DataType.FLOAT, [1, 16])],
      [makeValueInfo('y', DataType.FLOAT, [1, 2])],
      [makeTensor('w', DataType.FLOAT, [2, 16], new Float32Array(32))],
    );
    const dense = networkFromBytes(encodeModel(makeModel(graph, { '': 13 })), 'dense.onnx');
    await expect(describeNetwork(dense)).rejects.toThrow(/dense\.onnx has no image input .*2 dimensions/);
  });

  it('names a chosen layer that is not in the graph, and input settings the model contradicts', () => {
    expect(() => checkNetworkChoice(network, ['pixels', 'relu2', 'logits'], { resize: 'stretch' })).not.toThrow();
    expect(() => checkNetworkChoice(network, ['relu2', 'block_7_add'], {})).toThrow("Not in the graph of small-cnn.onnx: 'block_7_add'; choose among its listed layers");
    expect(() => checkNetworkChoice(network, [], { width: 224 })).toThrow(/small-cnn\.onnx has no image input .*width 32; found 224/);
  });
});
