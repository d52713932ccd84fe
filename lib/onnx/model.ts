/**
 * Typed encode/decode of the part of onnx.proto that Brainglass reads and edits (models, graphs, nodes,
 * attributes, tensors, value infos). Every message keeps the raw bytes of fields it doesn't model in
 * `unknownFields` and writes them back, so decode -> encode of any real model gives a model that runs the same
 * (sub-graphs of If/Loop, sparse initializers, training info, doc strings ... all pass through untouched).
 *
 * Optional scalars are `undefined` when absent (onnx.proto is proto2: presence matters, e.g. an unset
 * dim_value is an unknown dimension, not 0). Repeated fields are always arrays.
 * Field numbers follow onnx/onnx.proto (IR version 10).
 */
import { ProtoReader, ProtoWriter, WIRE_FIXED32, WIRE_LEN, WIRE_VARINT, float32FromBytes, type Int64, type WireType } from './protobuf';

export type { Int64 } from './protobuf';

/** TensorProto.DataType values. */
export const DataType = {
  UNDEFINED: 0,
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
  COMPLEX64: 14,
  COMPLEX128: 15,
  BFLOAT16: 16,
} as const;

/** AttributeProto.AttributeType values. */
export const AttributeType = {
  UNDEFINED: 0,
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
  TENSORS: 9,
  GRAPHS: 10,
} as const;

export function dataTypeName(t: number | undefined): string {
  const e = Object.entries(DataType).find(([, v]) => v === t);
  return e ? e[0].toLowerCase() : `type${t ?? '?'}`;
}

interface HasUnknown {
  /** Complete bytes (tag included) of fields not modelled here, re-emitted on encode. */
  unknownFields?: Uint8Array[];
}

export interface OperatorSetId extends HasUnknown {
  domain?: string;
  version?: number;
}

export interface StringStringEntry extends HasUnknown {
  key?: string;
  value?: string;
}

export interface TensorProto extends HasUnknown {
  dims: number[];
  dataType?: number;
  floatData: Float32Array;
  /** Also holds int8/uint8/int16/uint16/bool/float16 values when raw_data isn't used. */
  int32Data: Int32Array;
  int64Data: BigInt64Array;
  name?: string;
  /** Little-endian packed values. */
  rawData?: Uint8Array;
}

export interface Dimension extends HasUnknown {
  dimValue?: number;
  dimParam?: string;
}

export interface TensorShape extends HasUnknown {
  dim: Dimension[];
}

export interface TensorTypeProto extends HasUnknown {
  elemType?: number;
  /** Absent: rank unknown. */
  shape?: TensorShape;
}

export interface TypeProto extends HasUnknown {
  /** Absent for sequence/map/optional types, which stay in unknownFields. */
  tensorType?: TensorTypeProto;
}

export interface ValueInfoProto extends HasUnknown {
  name?: string;
  type?: TypeProto;
}

export interface AttributeProto extends HasUnknown {
  name?: string;
  type?: number;
  f?: number;
  i?: Int64;
  s?: Uint8Array;
  t?: TensorProto;
  floats: number[];
  ints: Int64[];
  strings: Uint8Array[];
}

export interface NodeProto extends HasUnknown {
  input: string[];
  output: string[];
  name?: string;
  opType?: string;
  domain?: string;
  attribute: AttributeProto[];
}

export interface GraphProto extends HasUnknown {
  node: NodeProto[];
  name?: string;
  initializer: TensorProto[];
  input: ValueInfoProto[];
  output: ValueInfoProto[];
  valueInfo: ValueInfoProto[];
}

export interface ModelProto extends HasUnknown {
  irVersion?: number;
  opsetImport: OperatorSetId[];
  producerName?: string;
  graph?: GraphProto;
  metadataProps: StringStringEntry[];
}

// ---------------------------------------------------------------------------------------------------------------
// Decoding

type FieldHandler = (r: ProtoReader, field: number, wire: WireType) => boolean;

/** Runs `handle` on each field; fields it declines (returns false) are kept raw. */
function readFields(r: ProtoReader, msg: HasUnknown, handle: FieldHandler): void {
  while (!r.done) {
    const start = r.pos;
    const { field, wire } = r.readTag();
    if (!handle(r, field, wire)) {
      (msg.unknownFields ??= []).push(r.skipRaw(start, wire));
    }
  }
}

function safeNumber(v: Int64, what: string): number {
  if (typeof v === 'bigint') throw new Error(`onnx: ${what} ${v} exceeds 2^53`);
  return v;
}

function decodeOperatorSetId(r: ProtoReader): OperatorSetId {
  const m: OperatorSetId = {};
  readFields(r, m, (r, f, w) => {
    if (f === 1 && w === WIRE_LEN) m.domain = r.readString();
    else if (f === 2 && w === WIRE_VARINT) m.version = safeNumber(r.readInt64(), 'opset version');
    else return false;
    return true;
  });
  return m;
}

function decodeStringStringEntry(r: ProtoReader): StringStringEntry {
  const m: StringStringEntry = {};
  readFields(r, m, (r, f, w) => {
    if (f === 1 && w === WIRE_LEN) m.key = r.readString();
    else if (f === 2 && w === WIRE_LEN) m.value = r.readString();
    else return false;
    return true;
  });
  return m;
}

export function decodeTensor(r: ProtoReader): TensorProto {
  const m: TensorProto = { dims: [], floatData: new Float32Array(0), int32Data: new Int32Array(0), int64Data: new BigInt64Array(0) };
  const floatBlocks: Float32Array[] = [];
  const floats: number[] = [];
  const int32s: number[] = [];
  const int64s: Int64[] = [];
  readFields(r, m, (r, f, w) => {
    switch (f) {
      case 1:
        r.readRepeated(w, WIRE_VARINT, (s) => safeNumber(s.readInt64(), 'dim'), m.dims);
        return true;
      case 2:
        if (w !== WIRE_VARINT) return false;
        m.dataType = r.readInt32();
        return true;
      case 4:
        if (w === WIRE_LEN) {
          // Packed floats: decode the block at once (weights can be millions of values).
          if (floats.length) floatBlocks.push(Float32Array.from(floats.splice(0)));
          floatBlocks.push(float32FromBytes(r.readBytesView()));
        } else r.readRepeated(w, WIRE_FIXED32, (s) => s.readFloat(), floats);
        return true;
      case 5:
        r.readRepeated(w, WIRE_VARINT, (s) => s.readInt32(), int32s);
        return true;
      case 7:
        r.readRepeated(w, WIRE_VARINT, (s) => s.readInt64(), int64s);
        return true;
      case 8:
        if (w !== WIRE_LEN) return false;
        m.name = r.readString();
        return true;
      case 9:
        if (w !== WIRE_LEN) return false;
        m.rawData = r.readBytes();
        return true;
      default:
        return false;
    }
  });
  if (floats.length) floatBlocks.push(Float32Array.from(floats));
  if (floatBlocks.length === 1) m.floatData = floatBlocks[0];
  else if (floatBlocks.length > 1) {
    const total = floatBlocks.reduce((a, b) => a + b.length, 0);
    m.floatData = new Float32Array(total);
    let o = 0;
    for (const b of floatBlocks) {
      m.floatData.set(b, o);
      o += b.length;
    }
  }
  if (int32s.length) m.int32Data = Int32Array.from(int32s);
  if (int64s.length) m.int64Data = BigInt64Array.from(int64s, (v) => BigInt(v));
  return m;
}

function decodeDimension(r: ProtoReader): Dimension {
  const m: Dimension = {};
  readFields(r, m, (r, f, w) => {
    if (f === 1 && w === WIRE_VARINT) m.dimValue = safeNumber(r.readInt64(), 'dim_value');
    else if (f === 2 && w === WIRE_LEN) m.dimParam = r.readString();
    else return false;
    return true;
  });
  return m;
}

function decodeShape(r: ProtoReader): TensorShape {
  const m: TensorShape = { dim: [] };
  readFields(r, m, (r, f, w) => {
    if (f === 1 && w === WIRE_LEN) m.dim.push(decodeDimension(r.readMessage()));
    else return false;
    return true;
  });
  return m;
}

function decodeTensorType(r: ProtoReader): TensorTypeProto {
  const m: TensorTypeProto = {};
  readFields(r, m, (r, f, w) => {
    if (f === 1 && w === WIRE_VARINT) m.elemType = r.readInt32();
    else if (f === 2 && w === WIRE_LEN) m.shape = decodeShape(r.readMessage());
    else return false;
    return true;
  });
  return m;
}

function decodeType(r: ProtoReader): TypeProto {
  const m: TypeProto = {};
  readFields(r, m, (r, f, w) => {
    if (f === 1 && w === WIRE_LEN) m.tensorType = decodeTensorType(r.readMessage());
    else return false;
    return true;
  });
  return m;
}

function decodeValueInfo(r: ProtoReader): ValueInfoProto {
  const m: ValueInfoProto = {};
  readFields(r, m, (r, f, w) => {
    if (f === 1 && w === WIRE_LEN) m.name = r.readString();
    else if (f === 2 && w === WIRE_LEN) m.type = decodeType(r.readMessage());
    else return false;
    return true;
  });
  return m;
}

function decodeAttribute(r: ProtoReader): AttributeProto {
  const m: AttributeProto = { floats: [], ints: [], strings: [] };
  readFields(r, m, (r, f, w) => {
    switch (f) {
      case 1:
        if (w !== WIRE_LEN) return false;
        m.name = r.readString();
        return true;
      case 20:
        if (w !== WIRE_VARINT) return false;
        m.type = r.readInt32();
        return true;
      case 2:
        if (w !== WIRE_FIXED32) return false;
        m.f = r.readFloat();
        return true;
      case 3:
        if (w !== WIRE_VARINT) return false;
        m.i = r.readInt64();
        return true;
      case 4:
        if (w !== WIRE_LEN) return false;
        m.s = r.readBytes();
        return true;
      case 5:
        if (w !== WIRE_LEN) return false;
        m.t = decodeTensor(r.readMessage());
        return true;
      case 7:
        r.readRepeated(w, WIRE_FIXED32, (s) => s.readFloat(), m.floats);
        return true;
      case 8:
        r.readRepeated(w, WIRE_VARINT, (s) => s.readInt64(), m.ints);
        return true;
      case 9:
        if (w !== WIRE_LEN) return false;
        m.strings.push(r.readBytes());
        return true;
      default:
        return false;
    }
  });
  return m;
}

function decodeNode(r: ProtoReader): NodeProto {
  const m: NodeProto = { input: [], output: [], attribute: [] };
  readFields(r, m, (r, f, w) => {
    if (w !== WIRE_LEN) return false;
    if (f === 1) m.input.push(r.readString());
    else if (f === 2) m.output.push(r.readString());
    else if (f === 3) m.name = r.readString();
    else if (f === 4) m.opType = r.readString();
    else if (f === 7) m.domain = r.readString();
    else if (f === 5) m.attribute.push(decodeAttribute(r.readMessage()));
    else return false;
    return true;
  });
  return m;
}

export function decodeGraph(r: ProtoReader): GraphProto {
  const m: GraphProto = { node: [], initializer: [], input: [], output: [], valueInfo: [] };
  readFields(r, m, (r, f, w) => {
    if (w !== WIRE_LEN) return false;
    if (f === 1) m.node.push(decodeNode(r.readMessage()));
    else if (f === 2) m.name = r.readString();
    else if (f === 5) m.initializer.push(decodeTensor(r.readMessage()));
    else if (f === 11) m.input.push(decodeValueInfo(r.readMessage()));
    else if (f === 12) m.output.push(decodeValueInfo(r.readMessage()));
    else if (f === 13) m.valueInfo.push(decodeValueInfo(r.readMessage()));
    else return false;
    return true;
  });
  return m;
}

/** Parses a serialized ModelProto (an .onnx file's bytes). */
export function decodeModel(bytes: Uint8Array): ModelProto {
  const r = new ProtoReader(bytes);
  const m: ModelProto = { opsetImport: [], metadataProps: [] };
  readFields(r, m, (r, f, w) => {
    if (f === 1 && w === WIRE_VARINT) m.irVersion = safeNumber(r.readInt64(), 'ir_version');
    else if (f === 8 && w === WIRE_LEN) m.opsetImport.push(decodeOperatorSetId(r.readMessage()));
    else if (f === 2 && w === WIRE_LEN) m.producerName = r.readString();
    else if (f === 7 && w === WIRE_LEN) m.graph = decodeGraph(r.readMessage());
    else if (f === 14 && w === WIRE_LEN) m.metadataProps.push(decodeStringStringEntry(r.readMessage()));
    else return false;
    return true;
  });
  return m;
}

// ---------------------------------------------------------------------------------------------------------------
// Encoding. Fields go out in field-number order, as protobuf's own serializers write them, with each kept
// unknown field slotted back in by its number: a model written by a standard serializer comes back
// byte-identical.

/** Emits a message's unknown fields in field-number order, interleaved with the known ones. */
class Unknowns {
  private readonly items: { field: number; bytes: Uint8Array }[];
  private next = 0;

  constructor(
    private readonly w: ProtoWriter,
    m: HasUnknown,
  ) {
    this.items = (m.unknownFields ?? []).map((bytes) => ({ field: new ProtoReader(bytes).readTag().field, bytes }));
    // Stable: unknown fields sharing a number keep their order.
    this.items.sort((x, y) => x.field - y.field);
  }

  /** Writes the unknown fields numbered below `field`; call before writing known field `field`. */
  before(field: number): void {
    while (this.next < this.items.length && this.items[this.next].field < field) this.w.raw(this.items[this.next++].bytes);
  }

  rest(): void {
    this.before(Infinity);
  }
}

function encodeOperatorSetId(m: OperatorSetId): ProtoWriter {
  const w = new ProtoWriter();
  const u = new Unknowns(w, m);
  u.before(1);
  if (m.domain !== undefined) w.stringField(1, m.domain);
  u.before(2);
  if (m.version !== undefined) w.int64Field(2, m.version);
  u.rest();
  return w;
}

function encodeStringStringEntry(m: StringStringEntry): ProtoWriter {
  const w = new ProtoWriter();
  const u = new Unknowns(w, m);
  u.before(1);
  if (m.key !== undefined) w.stringField(1, m.key);
  u.before(2);
  if (m.value !== undefined) w.stringField(2, m.value);
  u.rest();
  return w;
}

export function encodeTensor(m: TensorProto): ProtoWriter {
  const w = new ProtoWriter();
  const u = new Unknowns(w, m);
  // dims is a plain proto2 `repeated int64`: unpacked, like the reference serializer; the data fields are
  // declared [packed = true].
  u.before(1);
  w.repeatedVarints(1, m.dims);
  u.before(2);
  if (m.dataType !== undefined) w.int32Field(2, m.dataType);
  u.before(4);
  w.packedFloats(4, m.floatData);
  u.before(5);
  w.packedVarints(5, m.int32Data);
  u.before(7);
  w.packedVarints(7, Array.from(m.int64Data));
  u.before(8);
  if (m.name !== undefined) w.stringField(8, m.name);
  u.before(9);
  if (m.rawData !== undefined) w.bytesField(9, m.rawData);
  u.rest();
  return w;
}

function encodeDimension(m: Dimension): ProtoWriter {
  const w = new ProtoWriter();
  const u = new Unknowns(w, m);
  u.before(1);
  if (m.dimValue !== undefined) w.int64Field(1, m.dimValue);
  u.before(2);
  if (m.dimParam !== undefined) w.stringField(2, m.dimParam);
  u.rest();
  return w;
}

function encodeShape(m: TensorShape): ProtoWriter {
  const w = new ProtoWriter();
  const u = new Unknowns(w, m);
  u.before(1);
  for (const d of m.dim) w.messageField(1, encodeDimension(d));
  u.rest();
  return w;
}

function encodeTensorType(m: TensorTypeProto): ProtoWriter {
  const w = new ProtoWriter();
  const u = new Unknowns(w, m);
  u.before(1);
  if (m.elemType !== undefined) w.int32Field(1, m.elemType);
  u.before(2);
  if (m.shape !== undefined) w.messageField(2, encodeShape(m.shape));
  u.rest();
  return w;
}

function encodeType(m: TypeProto): ProtoWriter {
  const w = new ProtoWriter();
  const u = new Unknowns(w, m);
  u.before(1);
  if (m.tensorType !== undefined) w.messageField(1, encodeTensorType(m.tensorType));
  u.rest();
  return w;
}

function encodeValueInfo(m: ValueInfoProto): ProtoWriter {
  const w = new ProtoWriter();
  const u = new Unknowns(w, m);
  u.before(1);
  if (m.name !== undefined) w.stringField(1, m.name);
  u.before(2);
  if (m.type !== undefined) w.messageField(2, encodeType(m.type));
  u.rest();
  return w;
}

function encodeAttribute(m: AttributeProto): ProtoWriter {
  const w = new ProtoWriter();
  const u = new Unknowns(w, m);
  u.before(1);
  if (m.name !== undefined) w.stringField(1, m.name);
  u.before(2);
  if (m.f !== undefined) w.floatField(2, m.f);
  u.before(3);
  if (m.i !== undefined) w.int64Field(3, m.i);
  u.before(4);
  if (m.s !== undefined) w.bytesField(4, m.s);
  u.before(5);
  if (m.t !== undefined) w.messageField(5, encodeTensor(m.t));
  // floats / ints are plain proto2 `repeated`: unpacked, like the reference serializer.
  u.before(7);
  for (const f of m.floats) w.floatField(7, f);
  u.before(8);
  w.repeatedVarints(8, m.ints);
  u.before(9);
  for (const s of m.strings) w.bytesField(9, s);
  u.before(20);
  if (m.type !== undefined) w.int32Field(20, m.type);
  u.rest();
  return w;
}

function encodeNode(m: NodeProto): ProtoWriter {
  const w = new ProtoWriter();
  const u = new Unknowns(w, m);
  u.before(1);
  for (const s of m.input) w.stringField(1, s);
  u.before(2);
  for (const s of m.output) w.stringField(2, s);
  u.before(3);
  if (m.name !== undefined) w.stringField(3, m.name);
  u.before(4);
  if (m.opType !== undefined) w.stringField(4, m.opType);
  u.before(5);
  for (const a of m.attribute) w.messageField(5, encodeAttribute(a));
  u.before(7);
  if (m.domain !== undefined) w.stringField(7, m.domain);
  u.rest();
  return w;
}

export function encodeGraph(m: GraphProto): ProtoWriter {
  const w = new ProtoWriter();
  const u = new Unknowns(w, m);
  u.before(1);
  for (const n of m.node) w.messageField(1, encodeNode(n));
  u.before(2);
  if (m.name !== undefined) w.stringField(2, m.name);
  u.before(5);
  for (const t of m.initializer) w.messageField(5, encodeTensor(t));
  u.before(11);
  for (const v of m.input) w.messageField(11, encodeValueInfo(v));
  u.before(12);
  for (const v of m.output) w.messageField(12, encodeValueInfo(v));
  u.before(13);
  for (const v of m.valueInfo) w.messageField(13, encodeValueInfo(v));
  u.rest();
  return w;
}

/** Serializes a ModelProto to .onnx bytes. */
export function encodeModel(m: ModelProto): Uint8Array {
  const w = new ProtoWriter();
  const u = new Unknowns(w, m);
  u.before(1);
  if (m.irVersion !== undefined) w.int64Field(1, m.irVersion);
  u.before(2);
  if (m.producerName !== undefined) w.stringField(2, m.producerName);
  u.before(7);
  if (m.graph !== undefined) w.messageField(7, encodeGraph(m.graph));
  u.before(8);
  for (const o of m.opsetImport) w.messageField(8, encodeOperatorSetId(o));
  u.before(14);
  for (const p of m.metadataProps) w.messageField(14, encodeStringStringEntry(p));
  u.rest();
  return w.finish();
}

// ---------------------------------------------------------------------------------------------------------------
// Builders (for models written from scratch: the forest export, tests)

/** Uint16Array holds float16 / bfloat16 bit patterns. */
export type TensorValues = Float32Array | Int32Array | BigInt64Array | Uint8Array | Int8Array | Uint16Array;

/** A tensor with data in raw_data (the compact form exporters use). */
export function makeTensor(name: string, dataType: number, dims: readonly number[], values: TensorValues): TensorProto {
  const n = dims.reduce((a, b) => a * b, 1);
  if (values.length !== n) throw new Error(`makeTensor ${name}: ${values.length} values for dims [${dims.join(', ')}]`);
  const raw = new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice();
  return { name, dataType, dims: [...dims], rawData: raw, floatData: new Float32Array(0), int32Data: new Int32Array(0), int64Data: new BigInt64Array(0) };
}

/** Shape entries: a number (fixed), a string (symbolic), or null (unknown dimension). */
export type ShapeDim = number | string | null;

/** ValueInfo of a tensor; `shape` undefined means unknown rank. */
export function makeValueInfo(name: string, elemType: number, shape?: readonly ShapeDim[]): ValueInfoProto {
  const tensorType: TensorTypeProto = { elemType };
  if (shape) {
    tensorType.shape = {
      dim: shape.map((d): Dimension => (typeof d === 'number' ? { dimValue: d } : typeof d === 'string' ? { dimParam: d } : {})),
    };
  }
  return { name, type: { tensorType } };
}

export type AttributeValue =
  | { float: number }
  | { int: Int64 }
  | { string: string }
  | { tensor: TensorProto }
  | { floats: ArrayLike<number> }
  | { ints: ArrayLike<Int64> }
  | { strings: readonly string[] };

export function makeAttribute(name: string, v: AttributeValue): AttributeProto {
  const a: AttributeProto = { name, floats: [], ints: [], strings: [] };
  if ('float' in v) Object.assign(a, { type: AttributeType.FLOAT, f: v.float });
  else if ('int' in v) Object.assign(a, { type: AttributeType.INT, i: v.int });
  else if ('string' in v) Object.assign(a, { type: AttributeType.STRING, s: new TextEncoder().encode(v.string) });
  else if ('tensor' in v) Object.assign(a, { type: AttributeType.TENSOR, t: v.tensor });
  else if ('floats' in v) Object.assign(a, { type: AttributeType.FLOATS, floats: Array.from(v.floats) });
  else if ('ints' in v) Object.assign(a, { type: AttributeType.INTS, ints: Array.from(v.ints) });
  else Object.assign(a, { type: AttributeType.STRINGS, strings: v.strings.map((s) => new TextEncoder().encode(s)) });
  return a;
}

export function makeNode(
  opType: string,
  input: readonly string[],
  output: readonly string[],
  attributes: Record<string, AttributeValue> = {},
  opts: { name?: string; domain?: string } = {},
): NodeProto {
  const node: NodeProto = {
    input: [...input],
    output: [...output],
    opType,
    attribute: Object.entries(attributes).map(([k, v]) => makeAttribute(k, v)),
  };
  if (opts.name !== undefined) node.name = opts.name;
  if (opts.domain !== undefined) node.domain = opts.domain;
  return node;
}

export function makeGraph(
  name: string,
  node: NodeProto[],
  input: ValueInfoProto[],
  output: ValueInfoProto[],
  initializer: TensorProto[] = [],
): GraphProto {
  return { name, node, input, output, initializer, valueInfo: [] };
}

export function makeModel(
  graph: GraphProto,
  opsets: Record<string, number>,
  opts: { irVersion?: number; producerName?: string } = {},
): ModelProto {
  return {
    irVersion: opts.irVersion ?? 8,
    producerName: opts.producerName ?? 'brainglass',
    graph,
    opsetImport: Object.entries(opsets).map(([domain, version]) => ({ domain, version })),
    metadataProps: [],
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Tensor data access

function elementCount(t: TensorProto): number {
  return t.dims.reduce((a, b) => a * b, 1);
}

/** Values of a numeric tensor as doubles, whichever field holds them (float, integer and bool types). */
export function tensorToNumbers(t: TensorProto): Float64Array {
  const n = elementCount(t);
  const out = new Float64Array(n);
  const dt = t.dataType ?? DataType.UNDEFINED;
  if (t.rawData !== undefined) {
    const b = t.rawData;
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const size = bytesPerElement(dt);
    if (b.length !== n * size) throw new Error(`tensor ${t.name ?? ''}: raw_data has ${b.length} bytes for ${n} x ${size}`);
    for (let i = 0; i < n; i++) out[i] = readElement(dv, i * size, dt);
    return out;
  }
  // Typed fields (double_data, uint64_data and external data are not read: they fail the length check).
  const src: ArrayLike<number | bigint> =
    dt === DataType.FLOAT ? t.floatData : dt === DataType.INT64 ? t.int64Data : isInt32Stored(dt) || isHalf(dt) ? t.int32Data : [];
  if (src.length !== n) {
    throw new Error(`tensor ${t.name ?? ''}: ${dataTypeName(dt)} data has ${src.length} values for ${n} (external or unsupported data?)`);
  }
  for (let i = 0; i < n; i++) {
    const v = src[i];
    // float16 / bfloat16 values sit in int32_data as their 16 bits.
    out[i] = dt === DataType.FLOAT16 ? halfToFloat(Number(v)) : dt === DataType.BFLOAT16 ? bfloat16ToFloat(Number(v)) : Number(v);
  }
  return out;
}

/** Same tensor with new values (rounded/clipped to the type by the caller), written as raw_data. */
export function tensorWithNumbers(t: TensorProto, values: ArrayLike<number>): TensorProto {
  const dt = t.dataType ?? DataType.UNDEFINED;
  const n = elementCount(t);
  if (values.length !== n) throw new Error(`tensorWithNumbers: ${values.length} values for ${n}`);
  const size = bytesPerElement(dt);
  const raw = new Uint8Array(n * size);
  const dv = new DataView(raw.buffer);
  for (let i = 0; i < n; i++) writeElement(dv, i * size, dt, values[i]);
  return { ...t, rawData: raw, floatData: new Float32Array(0), int32Data: new Int32Array(0), int64Data: new BigInt64Array(0) };
}

function isHalf(dt: number): boolean {
  return dt === DataType.FLOAT16 || dt === DataType.BFLOAT16;
}

function isInt32Stored(dt: number): boolean {
  return dt === DataType.INT32 || dt === DataType.INT8 || dt === DataType.UINT8 || dt === DataType.INT16 || dt === DataType.UINT16 || dt === DataType.BOOL;
}

export function bytesPerElement(dt: number): number {
  switch (dt) {
    case DataType.UINT8:
    case DataType.INT8:
    case DataType.BOOL:
      return 1;
    case DataType.UINT16:
    case DataType.INT16:
    case DataType.FLOAT16:
    case DataType.BFLOAT16:
      return 2;
    case DataType.FLOAT:
    case DataType.INT32:
    case DataType.UINT32:
      return 4;
    case DataType.DOUBLE:
    case DataType.INT64:
    case DataType.UINT64:
      return 8;
    default:
      throw new Error(`unsupported tensor data type ${dataTypeName(dt)}`);
  }
}

/** Representable range of an integer type (for clipping re-drawn quantized values). */
export function integerRange(dt: number): [number, number] | null {
  switch (dt) {
    case DataType.UINT8:
      return [0, 255];
    case DataType.INT8:
      return [-128, 127];
    case DataType.UINT16:
      return [0, 65535];
    case DataType.INT16:
      return [-32768, 32767];
    case DataType.INT32:
      return [-2147483648, 2147483647];
    case DataType.UINT32:
      return [0, 4294967295];
    case DataType.INT64:
    case DataType.UINT64:
      return [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
    default:
      return null;
  }
}

function readElement(dv: DataView, o: number, dt: number): number {
  switch (dt) {
    case DataType.FLOAT:
      return dv.getFloat32(o, true);
    case DataType.DOUBLE:
      return dv.getFloat64(o, true);
    case DataType.UINT8:
    case DataType.BOOL:
      return dv.getUint8(o);
    case DataType.INT8:
      return dv.getInt8(o);
    case DataType.UINT16:
      return dv.getUint16(o, true);
    case DataType.INT16:
      return dv.getInt16(o, true);
    case DataType.FLOAT16:
      return halfToFloat(dv.getUint16(o, true));
    case DataType.BFLOAT16:
      return bfloat16ToFloat(dv.getUint16(o, true));
    case DataType.INT32:
      return dv.getInt32(o, true);
    case DataType.UINT32:
      return dv.getUint32(o, true);
    case DataType.INT64:
      return Number(dv.getBigInt64(o, true));
    case DataType.UINT64:
      return Number(dv.getBigUint64(o, true));
    default:
      throw new Error(`unsupported tensor data type ${dataTypeName(dt)}`);
  }
}

function writeElement(dv: DataView, o: number, dt: number, v: number): void {
  switch (dt) {
    case DataType.FLOAT:
      return dv.setFloat32(o, v, true);
    case DataType.DOUBLE:
      return dv.setFloat64(o, v, true);
    case DataType.UINT8:
    case DataType.BOOL:
      return dv.setUint8(o, v);
    case DataType.INT8:
      return dv.setInt8(o, v);
    case DataType.UINT16:
      return dv.setUint16(o, v, true);
    case DataType.INT16:
      return dv.setInt16(o, v, true);
    case DataType.FLOAT16:
      return dv.setUint16(o, floatToHalf(v), true);
    case DataType.BFLOAT16:
      return dv.setUint16(o, floatToBfloat16(v), true);
    case DataType.INT32:
      return dv.setInt32(o, v, true);
    case DataType.UINT32:
      return dv.setUint32(o, v, true);
    case DataType.INT64:
      return dv.setBigInt64(o, BigInt(Math.round(v)), true);
    case DataType.UINT64:
      return dv.setBigUint64(o, BigInt(Math.round(v)), true);
    default:
      throw new Error(`cannot write tensor data type ${dataTypeName(dt)}`);
  }
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

function bfloat16ToFloat(b: number): number {
  const f = new Float32Array(new Uint32Array([(b & 0xffff) << 16]).buffer);
  return f[0];
}

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

/** float32 -> bfloat16 bits, round to nearest even (NaN kept as a quiet NaN). */
function floatToBfloat16(v: number): number {
  F32[0] = v;
  const u = U32[0];
  if (Number.isNaN(v)) return 0x7fc0;
  return ((u + 0x7fff + ((u >>> 16) & 1)) >>> 16) & 0xffff;
}

/** float -> IEEE half bits, round to nearest even, with subnormals, overflow to infinity. */
function floatToHalf(v: number): number {
  if (Number.isNaN(v)) return 0x7e00;
  const sign = v < 0 || Object.is(v, -0) ? 0x8000 : 0;
  const a = Math.abs(v);
  if (a >= 65520) return sign | 0x7c00; // rounds past the largest half (65504)
  if (a < 2 ** -24 / 2) return sign;
  if (a < 2 ** -14) return sign | roundEven(a / 2 ** -24); // subnormal: units of 2^-24
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--; // log2 rounding near powers of two
  if (2 ** (e + 1) <= a) e++;
  let m = roundEven((a / 2 ** e - 1) * 1024);
  if (m === 1024) {
    m = 0;
    e++;
  }
  if (e > 15) return sign | 0x7c00;
  return sign | ((e + 15) << 10) | m;
}

function roundEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Attribute lookup helpers. */
export function getAttribute(node: NodeProto, name: string): AttributeProto | undefined {
  return node.attribute.find((a) => a.name === name);
}

export function attributeInt(node: NodeProto, name: string): number | undefined {
  const a = getAttribute(node, name);
  return a?.i === undefined ? undefined : Number(a.i);
}

export function attributeString(node: NodeProto, name: string): string | undefined {
  const a = getAttribute(node, name);
  return a?.s === undefined ? undefined : new TextDecoder().decode(a.s);
}

/** Dims of a value info as ShapeDim (undefined: unknown rank). */
export function valueInfoShape(v: ValueInfoProto): ShapeDim[] | undefined {
  const shape = v.type?.tensorType?.shape;
  if (!shape) return undefined;
  return shape.dim.map((d) => d.dimValue ?? d.dimParam ?? null);
}
