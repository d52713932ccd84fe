import { describe, expect, it } from 'vitest';
import { FRAME_HEADER_BYTES, decodeFrames, encodeFrame } from './frames';

const frame = (sequence: number, nChannels = 3, nSamples = 4) => ({
  sequence,
  nChannels,
  sfreq: 160,
  timestamp: 1_700_000_000_000.5,
  samples: Float32Array.from({ length: nChannels * nSamples }, (_, i) => (i - 5) * 1.5e-6),
});

describe('EEG frames', () => {
  it('round-trip header and interleaved float32 samples, several frames to a body', () => {
    const a = encodeFrame(frame(7));
    const b = encodeFrame(frame(8, 2, 1));
    expect(a.length).toBe(FRAME_HEADER_BYTES + 4 * 12);
    expect(String.fromCharCode(...a.subarray(0, 4))).toBe('BGEF');
    const body = new Uint8Array(a.length + b.length);
    body.set(a);
    body.set(b, a.length);
    const [x, y] = decodeFrames(body);
    expect(x).toMatchObject({ sequence: 7, nChannels: 3, nSamples: 4, sfreq: 160, timestamp: 1_700_000_000_000.5 });
    expect(Array.from(x!.samples)).toEqual(Array.from(frame(7).samples));
    expect(y).toMatchObject({ sequence: 8, nChannels: 2, nSamples: 1 });
    // Sequence numbers are uint32 and wrap.
    expect(decodeFrames(encodeFrame(frame(2 ** 32 + 3)))[0]!.sequence).toBe(3);
  });

  it('say what is wrong and where', () => {
    const good = encodeFrame(frame(1));
    expect(() => decodeFrames(new Uint8Array(0))).toThrow(/body is empty/);
    expect(() => decodeFrames(good.subarray(0, 20))).toThrow('frame 0 at byte 0: 20 bytes left, a frame header needs 32');
    const magic = good.slice();
    magic[0] = 0x78;
    expect(() => decodeFrames(magic)).toThrow('frame 0 at byte 0: the magic bytes are 78 47 45 46, expected "BGEF" (42 47 45 46)');
    const version = good.slice();
    version[4] = 9;
    expect(() => decodeFrames(version)).toThrow(/version 9 is not supported/);
    const twice = new Uint8Array(2 * good.length - 8);
    twice.set(good);
    twice.set(good.subarray(0, good.length - 8), good.length);
    expect(() => decodeFrames(twice)).toThrow(`frame 1 at byte ${good.length}: the header announces 3 channels x 4 samples (48 bytes of float32), but 40 bytes follow`);
    const nan = good.slice();
    new DataView(nan.buffer).setFloat32(FRAME_HEADER_BYTES + 4 * 5, NaN, true);
    expect(() => decodeFrames(nan)).toThrow('frame 0 at byte 0: sample 1 of channel 2 is NaN; send finite volts');
    const rate = good.slice();
    new DataView(rate.buffer).setFloat64(16, 0, true);
    expect(() => decodeFrames(rate)).toThrow(/sfreq must be a positive number of Hz, got 0/);
  });
});
