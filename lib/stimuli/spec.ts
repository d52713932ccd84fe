/**
 * How stimulus images become an image model's input tensor: size, resize rule, tensor layout, element type,
 * channel order and pixel normalisation. `lib/onnx/inputs.ts` reads a spec from a model; users override parts.
 */

/** NCHW: ONNX Conv's own layout (PyTorch exports). NHWC: TensorFlow / TFLite exports. */
export type PixelLayout = 'NCHW' | 'NHWC';

export type PixelDtype = 'float32' | 'uint8';

/** 'BGR' for Caffe-trained models (the paper's AlexNet); 'gray' gives one channel. */
export type ChannelOrder = 'RGB' | 'BGR' | 'gray';

/**
 * 'crop': scale so the shorter side fits the target, then cut the centre (keeps the aspect ratio; the usual
 * ImageNet evaluation transform without its 256 -> 224 margin). 'stretch': scale both sides to the target.
 */
export type ResizeMode = 'crop' | 'stretch';

/**
 * Pixel values v in 0..255 become:
 * - 'raw': v unchanged (what uint8 models take; they normalise inside the graph),
 * - 'unit': v / 255,
 * - 'meanStd': (v / 255 - mean[c]) / std[c], per channel in the spec's channel order (torchvision's convention;
 *   Caffe's mean-pixel subtraction is mean = [104, 117, 123] / 255, std = 1 / 255 with channels 'BGR').
 */
export type Normalisation = { kind: 'raw' } | { kind: 'unit' } | { kind: 'meanStd'; mean: number[]; std: number[] };

export interface InputSpec {
  width: number;
  height: number;
  resize: ResizeMode;
  layout: PixelLayout;
  dtype: PixelDtype;
  channels: ChannelOrder;
  normalisation: Normalisation;
}

/** torchvision's ImageNet statistics (RGB, on the 0..1 scale): the usual normalisation of float image models. */
export const IMAGENET_NORMALISATION: Normalisation = { kind: 'meanStd', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };

export function channelCount(order: ChannelOrder): number {
  return order === 'gray' ? 1 : 3;
}

/** Throws a RangeError naming the first inconsistent setting. */
export function checkInputSpec(spec: InputSpec): void {
  for (const side of ['width', 'height'] as const) {
    const v = spec[side];
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`input spec: ${side} must be a positive integer, found ${v}`);
  }
  const n = spec.normalisation;
  if (spec.dtype === 'uint8' && n.kind !== 'raw') {
    throw new RangeError(`input spec: a uint8 input holds raw 0-255 values, found normalisation '${n.kind}'`);
  }
  if (n.kind === 'meanStd') {
    const c = channelCount(spec.channels);
    if (n.mean.length !== c || n.std.length !== c) {
      throw new RangeError(`input spec: mean and std need ${c} values (channels ${spec.channels}), found ${n.mean.length} and ${n.std.length}`);
    }
    if (n.std.some((s) => !(s > 0))) throw new RangeError(`input spec: std values must be positive, found [${n.std.join(', ')}]`);
  }
}
