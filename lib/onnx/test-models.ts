/** Test-only: a small float image CNN written from scratch, for tests that need an uploadable ONNX image model. */
import { Rng } from '../synthetic/random';
import { DataType, encodeModel, makeGraph, makeModel, makeNode, makeTensor, makeValueInfo, type ModelProto } from './model';

/** Its input: RGB, NCHW, any batch size. */
export const SMALL_CNN_INPUT = { name: 'image', channels: 3, size: 32 } as const;

/**
 * Layers in graph order with each output's shape for one stimulus: three 3x3 stride-2 convs (each followed by a
 * ReLU), a global average pool, a flatten and a dense layer over 5 classes.
 */
export const SMALL_CNN_LAYERS = [
  { name: 'conv1', opType: 'Conv', shape: [8, 16, 16] },
  { name: 'relu1', opType: 'Relu', shape: [8, 16, 16] },
  { name: 'conv2', opType: 'Conv', shape: [16, 8, 8] },
  { name: 'relu2', opType: 'Relu', shape: [16, 8, 8] },
  { name: 'conv3', opType: 'Conv', shape: [16, 4, 4] },
  { name: 'relu3', opType: 'Relu', shape: [16, 4, 4] },
  { name: 'pool', opType: 'GlobalAveragePool', shape: [16, 1, 1] },
  { name: 'flat', opType: 'Flatten', shape: [16] },
  { name: 'logits', opType: 'Gemm', shape: [5] },
] as const;

/** The small CNN with He-scaled Gaussian weights drawn from `seed`; node and output names as in SMALL_CNN_LAYERS. */
export function smallImageCnn(seed = 1): ModelProto {
  const rng = new Rng(seed);
  const weights = (name: string, dims: number[], fanIn: number) => {
    const v = new Float32Array(dims.reduce((a, b) => a * b, 1));
    for (let i = 0; i < v.length; i++) v[i] = rng.gaussian(0, Math.sqrt(2 / fanIn));
    return makeTensor(name, DataType.FLOAT, dims, v);
  };
  const bias = (name: string, n: number) => makeTensor(name, DataType.FLOAT, [n], new Float32Array(n).fill(0.01));
  const conv = (name: string, input: string, cin: number, cout: number) => ({
    node: makeNode('Conv', [input, `${name}_w`, `${name}_b`], [name], { kernel_shape: { ints: [3, 3] }, strides: { ints: [2, 2] }, pads: { ints: [1, 1, 1, 1] } }, { name }),
    init: [weights(`${name}_w`, [cout, cin, 3, 3], cin * 9), bias(`${name}_b`, cout)],
  });
  const convs = [conv('conv1', SMALL_CNN_INPUT.name, 3, 8), conv('conv2', 'relu1', 8, 16), conv('conv3', 'relu2', 16, 16)];
  const graph = makeGraph(
    'small_cnn',
    [
      ...convs.flatMap((c, k) => [c.node, makeNode('Relu', [c.node.output[0]!], [`relu${k + 1}`], {}, { name: `relu${k + 1}` })]),
      makeNode('GlobalAveragePool', ['relu3'], ['pool'], {}, { name: 'pool' }),
      makeNode('Flatten', ['pool'], ['flat'], {}, { name: 'flat' }),
      makeNode('Gemm', ['flat', 'fc_w', 'fc_b'], ['logits'], { transB: { int: 1 } }, { name: 'logits' }),
    ],
    [makeValueInfo(SMALL_CNN_INPUT.name, DataType.FLOAT, ['batch', SMALL_CNN_INPUT.channels, SMALL_CNN_INPUT.size, SMALL_CNN_INPUT.size])],
    [makeValueInfo('logits', DataType.FLOAT, ['batch', 5])],
    [...convs.flatMap((c) => c.init), weights('fc_w', [5, 16], 16), bias('fc_b', 5)],
  );
  return makeModel(graph, { '': 13 });
}

/** smallImageCnn serialized, as a user would upload it. */
export function smallImageCnnBytes(seed = 1): Uint8Array {
  return encodeModel(smallImageCnn(seed));
}
