/**
 * Minimal protobuf wire-format reader and writer: just what ONNX (onnx.proto) needs, so that models can be read,
 * edited and written without a protobuf dependency. Wire types: 0 varint, 1 fixed64, 2 length-delimited,
 * 5 fixed32 (groups, 3/4, are deprecated and rejected). Packed repeated fields are supported in both directions.
 *
 * 64-bit integers come back as `number` when they fit in a double exactly and as `bigint` otherwise (ONNX has
 * INT64_MAX in e.g. old Slice `ends`), so nothing is lost on a round trip.
 */

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;

export type WireType = 0 | 1 | 2 | 5;

/** A protobuf int64 / uint64: a number when exactly representable, else a bigint. */
export type Int64 = number | bigint;

const TWO32 = 4294967296;

export class ProtoReader {
  readonly buf: Uint8Array;
  pos: number;
  readonly end: number;
  private readonly view: DataView;

  constructor(buf: Uint8Array, start = 0, end = buf.length) {
    this.buf = buf;
    this.pos = start;
    this.end = end;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** Reads a field key; returns field number and wire type. */
  readTag(): { field: number; wire: WireType } {
    const key = this.readUint32();
    const wire = key & 7;
    const field = key >>> 3;
    if (field === 0) throw new Error('protobuf: field number 0');
    if (wire !== 0 && wire !== 1 && wire !== 2 && wire !== 5) throw new Error(`protobuf: unsupported wire type ${wire}`);
    return { field, wire };
  }

  /** Varint as two 32-bit halves (unsigned), the common core of every integer read. */
  private readVarintParts(): { lo: number; hi: number } {
    let lo = 0;
    let hi = 0;
    let shift = 0;
    // Bytes 0-3 fill lo's bits 0-27, byte 4 straddles lo/hi, bytes 5-9 fill hi.
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new Error('protobuf: truncated varint');
      const b = this.buf[this.pos++];
      if (i < 4) lo |= (b & 0x7f) << shift;
      else if (i === 4) {
        lo |= (b & 0x0f) << 28;
        hi |= (b & 0x7f) >>> 4;
      } else hi |= (b & 0x7f) << (3 + 7 * (i - 5));
      shift += 7;
      if ((b & 0x80) === 0) return { lo: lo >>> 0, hi: hi >>> 0 };
    }
    throw new Error('protobuf: varint longer than 10 bytes');
  }

  /** uint32 / enum / bool / length: low 32 bits. */
  readUint32(): number {
    return this.readVarintParts().lo;
  }

  /** int32 (negative values are sign-extended to 10 bytes on the wire; the low 32 bits carry the value). */
  readInt32(): number {
    return this.readVarintParts().lo | 0;
  }

  /** int64 (two's complement). */
  readInt64(): Int64 {
    const { lo, hi } = this.readVarintParts();
    return combine(lo, hi, true);
  }

  /** uint64. */
  readUint64(): Int64 {
    const { lo, hi } = this.readVarintParts();
    return combine(lo, hi, false);
  }

  readFixed32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  readFloat(): number {
    this.need(4);
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  readDouble(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  readFixed64(): Int64 {
    this.need(8);
    const lo = this.view.getUint32(this.pos, true);
    const hi = this.view.getUint32(this.pos + 4, true);
    this.pos += 8;
    return combine(lo, hi, false);
  }

  /** Length-delimited payload as a view into the buffer (no copy). */
  readBytesView(): Uint8Array {
    const n = this.readUint32();
    this.need(n);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** Length-delimited payload, copied (so the result outlives and is independent of the input). */
  readBytes(): Uint8Array {
    return this.readBytesView().slice();
  }

  readString(): string {
    return new TextDecoder().decode(this.readBytesView());
  }

  /** Sub-reader over a length-delimited payload. */
  readMessage(): ProtoReader {
    const n = this.readUint32();
    this.need(n);
    const r = new ProtoReader(this.buf, this.pos, this.pos + n);
    this.pos += n;
    return r;
  }

  /** Skips a field's payload after its tag. */
  skip(wire: WireType): void {
    switch (wire) {
      case WIRE_VARINT:
        this.readVarintParts();
        break;
      case WIRE_FIXED64:
        this.need(8);
        this.pos += 8;
        break;
      case WIRE_LEN:
        this.readBytesView();
        break;
      case WIRE_FIXED32:
        this.need(4);
        this.pos += 4;
        break;
    }
  }

  /**
   * Skips a field whose tag started at `tagStart` and returns its complete bytes (tag included), for keeping
   * fields a decoder doesn't model so they can be written back unchanged.
   */
  skipRaw(tagStart: number, wire: WireType): Uint8Array {
    this.skip(wire);
    return this.buf.slice(tagStart, this.pos);
  }

  /**
   * Repeated scalar field, accepting both encodings (parsers must: proto2 `repeated` is unpacked by default,
   * `[packed = true]` and proto3 are packed). `one` reads a single element.
   */
  readRepeated<T>(wire: WireType, elementWire: WireType, one: (r: ProtoReader) => T, into: T[]): void {
    if (wire === WIRE_LEN && elementWire !== WIRE_LEN) {
      const sub = this.readMessage();
      while (!sub.done) into.push(one(sub));
    } else if (wire === elementWire) into.push(one(this));
    else throw new Error(`protobuf: wire type ${wire} for a repeated field of wire type ${elementWire}`);
  }

  private need(n: number): void {
    if (this.pos + n > this.end) throw new Error('protobuf: truncated message');
  }
}

function combine(lo: number, hi: number, signed: boolean): Int64 {
  if (signed && hi & 0x80000000) {
    // Negative: value = -(2^64 - (hi:lo)).
    const nlo = (~lo + 1) >>> 0;
    const nhi = (~hi + (nlo === 0 ? 1 : 0)) >>> 0;
    if (nhi < 0x200000) return -(nhi * TWO32 + nlo);
    return -((BigInt(nhi) << 32n) | BigInt(nlo));
  }
  if (hi < 0x200000) return hi * TWO32 + lo;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/**
 * Writer that collects chunks and concatenates once at the end; nested messages are written into a child
 * writer whose length is then known, and large byte payloads (raw tensor data) are appended without copying.
 */
export class ProtoWriter {
  private chunks: Uint8Array[] = [];
  private scratch = new Uint8Array(256);
  private scratchLen = 0;
  private total = 0;

  get length(): number {
    return this.total + this.scratchLen;
  }

  private flushScratch(): void {
    if (this.scratchLen > 0) {
      this.chunks.push(this.scratch.slice(0, this.scratchLen));
      this.total += this.scratchLen;
      this.scratchLen = 0;
    }
  }

  private reserve(n: number): void {
    if (this.scratchLen + n > this.scratch.length) {
      this.flushScratch();
      if (n > this.scratch.length) this.scratch = new Uint8Array(Math.max(n, 2 * this.scratch.length));
    }
  }

  private byte(b: number): void {
    this.scratch[this.scratchLen++] = b;
  }

  /** Appends bytes as they are (large ones by reference). */
  raw(bytes: Uint8Array): void {
    if (bytes.length > 64) {
      this.flushScratch();
      this.chunks.push(bytes);
      this.total += bytes.length;
    } else {
      this.reserve(bytes.length);
      this.scratch.set(bytes, this.scratchLen);
      this.scratchLen += bytes.length;
    }
  }

  /** Unsigned varint of a non-negative integer up to 2^53 or a bigint (two's complement for negatives). */
  varint(v: Int64): void {
    this.reserve(10);
    if (typeof v === 'number' && v >= 0 && v < TWO32) {
      let x = v >>> 0;
      while (x > 0x7f) {
        this.byte((x & 0x7f) | 0x80);
        x >>>= 7;
      }
      this.byte(x);
      return;
    }
    // General path through BigInt.asUintN: negative int64 becomes its 10-byte two's complement form.
    if (typeof v === 'number' && !Number.isInteger(v)) throw new Error(`protobuf: varint of non-integer ${v}`);
    let x = BigInt.asUintN(64, BigInt(v));
    while (x > 0x7fn) {
      this.byte(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    this.byte(Number(x));
  }

  tag(field: number, wire: WireType): void {
    this.varint(field * 8 + wire);
  }

  fixed32(v: number): void {
    this.reserve(4);
    new DataView(this.scratch.buffer).setUint32(this.scratchLen, v >>> 0, true);
    this.scratchLen += 4;
  }

  float(v: number): void {
    this.reserve(4);
    new DataView(this.scratch.buffer).setFloat32(this.scratchLen, v, true);
    this.scratchLen += 4;
  }

  double(v: number): void {
    this.reserve(8);
    new DataView(this.scratch.buffer).setFloat64(this.scratchLen, v, true);
    this.scratchLen += 8;
  }

  bytes(b: Uint8Array): void {
    this.varint(b.length);
    this.raw(b);
  }

  /** Appends another writer's content (a finished nested message) with its length prefix. */
  message(sub: ProtoWriter): void {
    sub.flushScratch();
    this.varint(sub.total);
    this.flushScratch();
    for (const c of sub.chunks) this.chunks.push(c);
    this.total += sub.total;
  }

  // Field helpers: tag + value.

  uint32Field(field: number, v: number): void {
    this.tag(field, WIRE_VARINT);
    this.varint(v >>> 0);
  }

  /** int32 / enum: negative values take 10 bytes (sign-extended), as protobuf specifies. */
  int32Field(field: number, v: number): void {
    this.tag(field, WIRE_VARINT);
    this.varint(v < 0 ? BigInt(v) : v);
  }

  int64Field(field: number, v: Int64): void {
    this.tag(field, WIRE_VARINT);
    this.varint(v);
  }

  floatField(field: number, v: number): void {
    this.tag(field, WIRE_FIXED32);
    this.float(v);
  }

  bytesField(field: number, b: Uint8Array): void {
    this.tag(field, WIRE_LEN);
    this.bytes(b);
  }

  stringField(field: number, s: string): void {
    this.bytesField(field, new TextEncoder().encode(s));
  }

  messageField(field: number, sub: ProtoWriter): void {
    this.tag(field, WIRE_LEN);
    this.message(sub);
  }

  /** Packed repeated varints (int64 / int32 values; negatives sign-extended). Nothing written when empty. */
  packedVarints(field: number, values: ArrayLike<Int64>): void {
    if (values.length === 0) return;
    const sub = new ProtoWriter();
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      sub.varint(typeof v === 'number' && v < 0 ? BigInt(v) : v);
    }
    this.messageField(field, sub);
  }

  /** Unpacked repeated varints (proto2 default for onnx.proto's plain `repeated int64`). */
  repeatedVarints(field: number, values: ArrayLike<Int64>): void {
    for (let i = 0; i < values.length; i++) this.int64Field(field, values[i]);
  }

  /** Packed repeated floats (float32 on the wire), copied in one block. */
  packedFloats(field: number, values: ArrayLike<number>): void {
    if (values.length === 0) return;
    const f = values instanceof Float32Array ? values : Float32Array.from(values);
    this.tag(field, WIRE_LEN);
    this.bytes(littleEndianBytes(f));
  }

  /** Packed repeated doubles. */
  packedDoubles(field: number, values: ArrayLike<number>): void {
    if (values.length === 0) return;
    const f = values instanceof Float64Array ? values : Float64Array.from(values);
    this.tag(field, WIRE_LEN);
    this.bytes(littleEndianBytes(f));
  }

  finish(): Uint8Array {
    this.flushScratch();
    if (this.chunks.length === 1) return this.chunks[0];
    const out = new Uint8Array(this.total);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Little-endian bytes of a typed float array (a view when the host is little-endian, as all JS hosts are). */
export function littleEndianBytes(a: Float32Array | Float64Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const out = new Uint8Array(a.byteLength);
  const dv = new DataView(out.buffer);
  const step = a.BYTES_PER_ELEMENT;
  for (let i = 0; i < a.length; i++) {
    if (step === 4) dv.setFloat32(i * 4, a[i], true);
    else dv.setFloat64(i * 8, a[i], true);
  }
  return out;
}

/** Float32 values from little-endian bytes (copied, so the result is aligned). */
export function float32FromBytes(b: Uint8Array): Float32Array {
  const n = b.length >>> 2;
  if (LITTLE_ENDIAN) return new Float32Array(b.slice(0, n * 4).buffer);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = dv.getFloat32(i * 4, true);
  return out;
}

export function int64ToNumber(v: Int64): number {
  return typeof v === 'number' ? v : Number(v);
}
