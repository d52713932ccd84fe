import { describe, expect, it } from 'vitest';
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
  tensorWithNumbers,
  valueInfoShape,
} from './model';
import { ProtoWriter } from './protobuf';

describe('ONNX model encode/decode', () => {
  it('round-trips the modelled fields', () => {
    const w = makeTensor('w', DataType.FLOAT, [2, 3], new Float32Array([1, 2, 3, 4, 5, 6]));
    const node = makeNode(
      'Gemm',
      ['x', 'w'],
      ['y'],
      { alpha: { float: 0.5 }, transB: { int: 1 }, ends: { ints: [9223372036854775807n, -1] }, tag: { string: 'ok' } },
      { name: 'fc' },
    );
    const graph = makeGraph('g', [node], [makeValueInfo('x', DataType.FLOAT, ['N', 3])], [makeValueInfo('y', DataType.FLOAT, ['N', null])], [w]);
    const model = makeModel(graph, { '': 17 });
    model.metadataProps.push({ key: 'k', value: 'v' });
    const bytes = encodeModel(model);
    const back = decodeModel(bytes);
    expect(back.irVersion).toBe(8);
    expect(back.opsetImport).toEqual([{ domain: '', version: 17 }]);
    expect(back.metadataProps).toEqual([{ key: 'k', value: 'v' }]);
    const g = back.graph;
    expect(g?.name).toBe('g');
    expect(valueInfoShape(g?.input[0] ?? {})).toEqual(['N', 3]);
    // An unknown dimension stays unknown (no dim_value), not 0.
    expect(valueInfoShape(g?.output[0] ?? {})).toEqual(['N', null]);
    const n = g?.node[0];
    expect(n?.opType).toBe('Gemm');
    expect(n?.name).toBe('fc');
    expect(n?.attribute.map((a) => a.name)).toEqual(['alpha', 'transB', 'ends', 'tag']);
    expect(n?.attribute[0].f).toBe(0.5);
    expect(n?.attribute[1].i).toBe(1);
    expect(n?.attribute[2].ints).toEqual([9223372036854775807n, -1]);
    expect(new TextDecoder().decode(n?.attribute[3].s)).toBe('ok');
    const t = g?.initializer[0];
    expect(t?.dims).toEqual([2, 3]);
    expect(Array.from(tensorToNumbers(t ?? w))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(encodeModel(back)).toEqual(bytes);
  });

  it('keeps unknown fields at every level and writes them back', () => {
    // A model with fields this decoder doesn't model: doc_string (6), model_version (5), a graph doc_string (10),
    // a sparse initializer-like message (15), a tensor's data_location (14) and a node doc_string (6).
    const tensor = new ProtoWriter();
    tensor.repeatedVarints(1, [2]);
    tensor.int32Field(2, DataType.FLOAT);
    tensor.packedFloats(4, [1, 2]);
    tensor.stringField(8, 't');
    tensor.int32Field(14, 0);
    const node = new ProtoWriter();
    node.stringField(1, 'x');
    node.stringField(2, 'y');
    node.stringField(4, 'Relu');
    node.stringField(6, 'node doc');
    const graph = new ProtoWriter();
    graph.messageField(1, node);
    graph.stringField(2, 'g');
    graph.messageField(5, tensor);
    graph.stringField(10, 'graph doc');
    const sparse = new ProtoWriter();
    sparse.int64Field(3, 12);
    graph.messageField(15, sparse);
    const model = new ProtoWriter();
    model.int64Field(1, 9);
    model.int64Field(5, 3);
    model.stringField(6, 'model doc');
    model.messageField(7, graph);
    const bytes = model.finish();

    const m = decodeModel(bytes);
    expect(m.unknownFields?.length).toBe(2);
    expect(m.graph?.unknownFields?.length).toBe(2);
    expect(m.graph?.node[0].unknownFields?.length).toBe(1);
    expect(m.graph?.initializer[0].unknownFields?.length).toBe(1);
    expect(Array.from(m.graph?.initializer[0].floatData ?? [])).toEqual([1, 2]);
    const again = decodeModel(encodeModel(m));
    expect(again).toEqual(m);
    // The unknown bytes themselves survive.
    expect(new TextDecoder().decode(again.unknownFields?.[1])).toContain('model doc');
  });

  it('reads and rewrites integer tensors stored in int32_data or raw_data', () => {
    const t = makeTensor('q', DataType.INT8, [4], new Int8Array([-128, -1, 0, 127]));
    expect(Array.from(tensorToNumbers(t))).toEqual([-128, -1, 0, 127]);
    const u = tensorWithNumbers(t, [1, 2, 3, -4]);
    expect(Array.from(tensorToNumbers(u))).toEqual([1, 2, 3, -4]);
    expect(u.rawData?.length).toBe(4);
    const viaInt32 = { ...t, rawData: undefined, int32Data: new Int32Array([5, -6, 7, 8]) };
    expect(Array.from(tensorToNumbers(viaInt32))).toEqual([5, -6, 7, 8]);
  });
});

describe('tensor values', () => {
  it('writes and reads float16 and bfloat16 with round-to-nearest', () => {
    const t = makeTensor('h', DataType.FLOAT16, [1], new Uint16Array(1));
    const vals = [0, 1, -2.5, 65504, 1e-7, 6.1e-5, 0.1, 70000, 1 + 2 ** -11, 1 + 3 * 2 ** -11];
    const want = [0, 1, -2.5, 65504, 1.1920928955078125e-7, 6.097555160522461e-5, 0.0999755859375, Infinity, 1, 1 + 2 ** -9];
    vals.forEach((v, i) => {
      const h = tensorWithNumbers(t, [v]);
      expect(tensorToNumbers(h)[0]).toBe(want[i]);
    });
    const b = tensorWithNumbers({ ...t, dims: [3], dataType: DataType.BFLOAT16 }, [1 + 2 ** -8, 3.140625, -0.5]);
    expect(Array.from(tensorToNumbers(b))).toEqual([1, 3.140625, -0.5]);
  });

  it('refuses tensors whose data is not in the message (external data)', () => {
    const t = { ...makeTensor('e', DataType.FLOAT, [3], new Float32Array(3)), rawData: undefined };
    expect(() => tensorToNumbers(t)).toThrow(/0 values for 3/);
  });
});
