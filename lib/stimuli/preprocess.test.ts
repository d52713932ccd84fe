import { describe, expect, it } from 'vitest';
import { StimulusSetError } from './mapping';
import { preprocessImages } from './preprocess';
import { IMAGENET_NORMALISATION, checkInputSpec, type InputSpec } from './spec';
import { encodeImage, rgbPixels } from './test-images';

const W = 4;
const H = 2;
/** Every pixel and channel distinct: r = 10 x + 1, g = 50 y + 2, b = 200 - 30 x. */
const colour = (x: number, y: number): [number, number, number] => [10 * x + 1, 50 * y + 2, 200 - 30 * x];
const pixels = rgbPixels(W, H, colour);
const raw: InputSpec = { width: W, height: H, resize: 'stretch', layout: 'NHWC', dtype: 'uint8', channels: 'RGB', normalisation: { kind: 'raw' } };

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('preprocessing stimuli into a model input', () => {
  it('keeps a PNG at its own size exactly, in either layout and with any normalisation', async () => {
    const png = await encodeImage(pixels, W, H, 'png');
    const images = [
      { file: 'a.png', bytes: png },
      { file: 'b.png', bytes: png },
    ];
    const nhwc = await preprocessImages(images, raw);
    expect(nhwc.dims).toEqual([2, H, W, 3]);
    expect(nhwc.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(nhwc.data.subarray(W * H * 3))).toEqual(Array.from(pixels));

    const nchw = await preprocessImages(images, { ...raw, layout: 'NCHW', dtype: 'float32', normalisation: { kind: 'unit' } });
    expect(nchw.dims).toEqual([2, 3, H, W]);
    const want = new Float32Array(3 * H * W);
    for (let c = 0; c < 3; c++) for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) want[(c * H + y) * W + x] = colour(x, y)[c] / 255;
    expect(maxAbsDiff(nchw.data.subarray(0, want.length), want)).toBeLessThan(1e-7);

    // BGR with per-channel statistics given in BGR order: channel 0 is blue.
    const bgr = await preprocessImages(images.slice(0, 1), { ...raw, dtype: 'float32', channels: 'BGR', normalisation: { kind: 'meanStd', mean: [0.1, 0.2, 0.3], std: [0.5, 0.25, 2] } });
    const [r, g, b] = colour(3, 1);
    const at = (1 * W + 3) * 3;
    expect(maxAbsDiff(bgr.data.subarray(at, at + 3), [(b / 255 - 0.1) / 0.5, (g / 255 - 0.2) / 0.25, (r / 255 - 0.3) / 2])).toBeLessThan(1e-6);
  });

  it('crops the centre after fitting the shorter side, or stretches', async () => {
    // 6 x 2 with columns 0, 40, ..., 200 in red: fitting height 2 needs no scaling, so the crop is exact.
    const wide = await encodeImage(
      rgbPixels(6, 2, (x, y) => [40 * x, 100 * y, 7]),
      6,
      2,
      'png',
    );
    const spec = { ...raw, width: 2, height: 2 };
    const crop = await preprocessImages([{ file: 'wide.png', bytes: wide }], { ...spec, resize: 'crop' });
    expect(Array.from(crop.data)).toEqual([80, 0, 7, 120, 0, 7, 80, 100, 7, 120, 100, 7]);
    const stretch = await preprocessImages([{ file: 'wide.png', bytes: wide }], { ...spec, resize: 'stretch' });
    // Squeezed three columns into one: the red of the left output column is near the mean of 0, 40, 80.
    expect(Math.abs(stretch.data[0] - 40)).toBeLessThan(8);
    expect(Math.abs(stretch.data[3] - 160)).toBeLessThan(8);
  });

  it('drops alpha, repeats grey over RGB and takes the luma for grey inputs', async () => {
    const rgba = new Uint8Array(W * H * 4);
    for (let p = 0; p < W * H; p++) rgba.set([...pixels.subarray(3 * p, 3 * p + 3), p * 30], 4 * p);
    const withAlpha = await preprocessImages([{ file: 'a.png', bytes: await encodeImage(rgba, W, H, 'png', 4) }], raw);
    expect(Array.from(withAlpha.data)).toEqual(Array.from(pixels));

    const grey = Uint8Array.from({ length: W * H }, (_, p) => 30 * p);
    const fromGrey = await preprocessImages([{ file: 'g.png', bytes: await encodeImage(grey, W, H, 'png', 1) }], raw);
    expect(Array.from(fromGrey.data)).toEqual(Array.from(grey).flatMap((v) => [v, v, v]));

    const toGrey = await preprocessImages([{ file: 'a.png', bytes: await encodeImage(pixels, W, H, 'png') }], { ...raw, channels: 'gray', layout: 'NCHW' });
    expect(toGrey.dims).toEqual([1, 1, H, W]);
    const [r, g, b] = colour(2, 1);
    expect(toGrey.data[1 * W + 2]).toBe(Math.round(0.299 * r + 0.587 * g + 0.114 * b));
  });

  it('reads JPEGs close to their source pixels', async () => {
    const smooth = rgbPixels(32, 32, (x, y) => [4 * x + 60, 4 * y + 60, 128]);
    const batch = await preprocessImages([{ file: 's.jpg', bytes: await encodeImage(smooth, 32, 32, 'jpeg') }], { ...raw, width: 32, height: 32 });
    expect(maxAbsDiff(batch.data, smooth)).toBeLessThan(6);
  });

  it('names the file that does not decode and checks the spec', async () => {
    const junk = { file: 'junk.png', bytes: new TextEncoder().encode('not an image') };
    const err = await preprocessImages([junk], raw).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StimulusSetError);
    expect((err as Error).message).toBe('junk.png: preprocessing: expected an image that decodes, found an error (Input buffer contains unsupported image format)');
    expect(() => checkInputSpec({ ...raw, normalisation: { kind: 'unit' } })).toThrow("input spec: a uint8 input holds raw 0-255 values, found normalisation 'unit'");
    expect(() => checkInputSpec({ ...raw, dtype: 'float32', channels: 'gray', normalisation: IMAGENET_NORMALISATION })).toThrow(
      'input spec: mean and std need 1 values (channels gray), found 3 and 3',
    );
    expect(() => checkInputSpec({ ...raw, width: 0 })).toThrow('input spec: width must be a positive integer, found 0');
  });
});
