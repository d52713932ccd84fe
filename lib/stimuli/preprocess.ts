/**
 * Stimulus images -> one batch tensor as a model's input spec asks (spec.ts). Decoding and resizing use sharp
 * (libvips, Lanczos-3 kernel): results match PIL/torchvision transforms closely but not bit for bit.
 */
import sharp from 'sharp';
import { FormatError } from '../formats/types';
import { StimulusSetError } from './mapping';
import { channelCount, checkInputSpec, type InputSpec } from './spec';

export interface PixelBatch {
  spec: InputSpec;
  /** [stimuli, channels, height, width] for NCHW, [stimuli, height, width, channels] for NHWC. */
  dims: [number, number, number, number];
  data: Float32Array | Uint8Array;
}

/** Per channel, value = v * gain + offset for a 0..255 pixel value v. */
function affine(spec: InputSpec): { gain: Float64Array; offset: Float64Array } {
  const c = channelCount(spec.channels);
  const gain = new Float64Array(c).fill(1);
  const offset = new Float64Array(c);
  const n = spec.normalisation;
  for (let k = 0; k < c; k++) {
    if (n.kind === 'unit') gain[k] = 1 / 255;
    else if (n.kind === 'meanStd') {
      gain[k] = 1 / (255 * n.std[k]);
      offset[k] = -n.mean[k] / n.std[k];
    }
  }
  return { gain, offset };
}

/** ITU-R 601 luma, rounded as PIL's convert('L') does (torchvision's Grayscale), so grey inputs match theirs. */
function luma(r: number, g: number, b: number): number {
  return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
}

/**
 * Decodes, resizes and normalises the images into one batch, in the order given. An alpha channel is dropped
 * (as PIL's convert('RGB') does), greyscale images are repeated over RGB, other colour spaces become sRGB;
 * a 'gray' spec takes the luma of the RGB.
 */
export async function preprocessImages(images: readonly { file: string; bytes: Uint8Array }[], spec: InputSpec): Promise<PixelBatch> {
  checkInputSpec(spec);
  const { width: W, height: H } = spec;
  const C = channelCount(spec.channels);
  const n = images.length;
  const size = C * H * W;
  const data = spec.dtype === 'uint8' ? new Uint8Array(n * size) : new Float32Array(n * size);
  const { gain, offset } = affine(spec);
  // Channel c of the output reads source channel order[c] of sharp's RGB.
  const order = spec.channels === 'BGR' ? [2, 1, 0] : [0, 1, 2];
  const nchw = spec.layout === 'NCHW';

  const problems: (FormatError | undefined)[] = new Array(n);
  await Promise.all(
    images.map(async (img, s) => {
      let pixels: Buffer;
      try {
        pixels = await sharp(img.bytes)
          .removeAlpha()
          .toColourspace('srgb')
          .resize(W, H, { fit: spec.resize === 'crop' ? 'cover' : 'fill', position: 'centre' })
          .raw({ depth: 'uchar' })
          .toBuffer();
      } catch (err) {
        problems[s] = new FormatError(img.file, 'preprocessing', `expected an image that decodes, found an error (${(err as Error).message})`);
        return;
      }
      const base = s * size;
      for (let p = 0; p < H * W; p++) {
        if (C === 1) {
          data[base + p] = luma(pixels[3 * p], pixels[3 * p + 1], pixels[3 * p + 2]) * gain[0] + offset[0];
          continue;
        }
        for (let c = 0; c < 3; c++) data[base + (nchw ? c * H * W + p : p * 3 + c)] = pixels[3 * p + order[c]] * gain[c] + offset[c];
      }
    }),
  );
  const failed = problems.filter((p) => p !== undefined);
  if (failed.length > 0) throw new StimulusSetError(failed);
  const dims: PixelBatch['dims'] = nchw ? [n, C, H, W] : [n, H, W, C];
  return { spec, dims, data };
}
