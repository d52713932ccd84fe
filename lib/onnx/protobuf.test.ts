import { describe, expect, it } from 'vitest';
import { ProtoReader, ProtoWriter, WIRE_FIXED32, WIRE_FIXED64, WIRE_LEN, WIRE_VARINT, type Int64 } from './protobuf';

function varintBytes(v: Int64): number[] {
  const w = new ProtoWriter();
  w.varint(v);
  return Array.from(w.finish());
}

describe('protobuf wire format', () => {
  it('encodes varints as the protobuf spec examples', () => {
    expect(varintBytes(0)).toEqual([0]);
    expect(varintBytes(1)).toEqual([1]);
    expect(varintBytes(127)).toEqual([127]);
    expect(varintBytes(150)).toEqual([0x96, 0x01]);
    expect(varintBytes(300)).toEqual([0xac, 0x02]);
    // Negative int64: 10 bytes of two's complement.
    expect(varintBytes(-1)).toEqual([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
  });

  it('round-trips int64 values, as numbers when safe and bigints otherwise', () => {
    const values: Int64[] = [0, 1, 300, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1, -1, -2, -(2 ** 31), -(2 ** 53 - 1)];
    const big: Int64[] = [9223372036854775807n, -9223372036854775808n, 2n ** 53n];
    for (const v of [...values, ...big]) {
      const w = new ProtoWriter();
      w.varint(v);
      const got = new ProtoReader(w.finish()).readInt64();
      expect(got).toBe(v);
    }
    // int32 fields carry negatives sign-extended: the low 32 bits are the value.
    const w = new ProtoWriter();
    w.int32Field(1, -5);
    const r = new ProtoReader(w.finish());
    expect(r.readTag()).toEqual({ field: 1, wire: WIRE_VARINT });
    expect(r.readInt32()).toBe(-5);
  });

  it('reads repeated fields packed and unpacked, and fixed32/64', () => {
    const w = new ProtoWriter();
    w.packedVarints(1, [3, 270, 86942, -1]);
    w.repeatedVarints(1, [7, 8]);
    w.packedFloats(2, [1.5, -2.25]);
    w.floatField(2, 3.5);
    w.tag(3, WIRE_FIXED64);
    w.double(Math.PI);
    w.tag(4, WIRE_FIXED32);
    w.fixed32(0xdeadbeef);
    w.stringField(5, 'héllo');
    const r = new ProtoReader(w.finish());
    const ints: Int64[] = [];
    const floats: number[] = [];
    const seen: number[] = [];
    while (!r.done) {
      const { field, wire } = r.readTag();
      seen.push(field);
      if (field === 1) r.readRepeated(wire, WIRE_VARINT, (s) => s.readInt64(), ints);
      else if (field === 2) r.readRepeated(wire, WIRE_FIXED32, (s) => s.readFloat(), floats);
      else if (field === 3) expect(r.readDouble()).toBe(Math.PI);
      else if (field === 4) expect(r.readFixed32()).toBe(0xdeadbeef);
      else if (field === 5) {
        expect(wire).toBe(WIRE_LEN);
        expect(r.readString()).toBe('héllo');
      }
    }
    expect(ints).toEqual([3, 270, 86942, -1, 7, 8]);
    expect(floats).toEqual([1.5, -2.25, 3.5]);
    expect(seen).toEqual([1, 1, 1, 2, 2, 3, 4, 5]);
  });

  it('keeps skipped fields byte for byte and nests messages with length prefixes', () => {
    const inner = new ProtoWriter();
    inner.uint32Field(1, 42);
    inner.bytesField(2, new Uint8Array(100).fill(7)); // > 64 bytes: appended by reference
    const outer = new ProtoWriter();
    outer.messageField(9, inner);
    outer.int64Field(10, 5);
    const bytes = outer.finish();
    const r = new ProtoReader(bytes);
    const start = r.pos;
    const { field, wire } = r.readTag();
    expect(field).toBe(9);
    const raw = r.skipRaw(start, wire);
    expect(raw.length).toBe(bytes.length - 2);
    const again = new ProtoWriter();
    again.raw(raw);
    again.int64Field(10, 5);
    expect(again.finish()).toEqual(bytes);
    expect(() => new ProtoReader(bytes.subarray(0, 10)).readMessage()).toThrow(/truncated/);
  });
});
