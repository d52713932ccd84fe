/**
 * The input spec of an ONNX image model (lib/stimuli/spec.ts): what the graph states (input name, element
 * type, layout and size from the shape), what the model's metadata_props state (ONNX's Image.* keys), and
 * defaults for the rest, each overridable by the user. `source` records which of these decided each setting,
 * so the UI can show what was guessed.
 *
 * Defaults: 224 x 224 when the shape leaves the size open, NCHW when the graph doesn't show the layout, RGB,
 * 'crop' resizing; uint8 inputs take raw 0-255 values (the bundled MobileNetV2 normalises inside its graph),
 * float RGB inputs torchvision's ImageNet mean/std, float grey inputs 0..1.
 */
import { IMAGENET_NORMALISATION, channelCount, checkInputSpec, type ChannelOrder, type InputSpec, type Normalisation } from '../stimuli/spec';
import { modelInputInfo, type InputInfo } from './graph';
import { DataType, type ModelProto } from './model';

export type SpecSource = 'model' | 'metadata' | 'default' | 'user';

export interface ModelInputSpec {
  /** The graph input the pixels feed. */
  input: InputInfo;
  spec: InputSpec;
  source: Record<keyof InputSpec, SpecSource>;
  /** The model's fixed batch size (many exports fix it at 1), or null when any number of stimuli fits. */
  fixedBatch: number | null;
}

/** Size used when the model leaves height and width symbolic (ImageNet models' usual size). */
export const DEFAULT_IMAGE_SIZE = 224;

/**
 * ONNX image metadata (onnx/docs/MetadataProps.md); keys and values are case-insensitive. Rgba8/Bgra8 pixel
 * formats are not supported (no four-channel stimuli).
 */
const PIXEL_FORMATS: Record<string, ChannelOrder> = { gray8: 'gray', rgb8: 'RGB', bgr8: 'BGR' };

/** Image.NominalPixelRange as a normalisation of `c` channels. */
function pixelRange(value: string, c: number): Normalisation | undefined {
  const each = (v: number): number[] => new Array<number>(c).fill(v);
  switch (value.toLowerCase()) {
    case 'nominalrange_0_255':
      return { kind: 'raw' };
    case 'normalized_0_1':
      return { kind: 'unit' };
    case 'normalized_1_1':
      return { kind: 'meanStd', mean: each(0.5), std: each(0.5) };
    case 'nominalrange_16_235':
      // 16 + v * 219 / 255, written as (v / 255 - mean) / std.
      return { kind: 'meanStd', mean: each(-16 / 219), std: each(1 / 219) };
    default:
      return undefined;
  }
}

function metadata(model: ModelProto, key: string): string | undefined {
  const entry = model.metadataProps.find((p) => p.key?.toLowerCase() === key.toLowerCase());
  return entry?.value?.trim();
}

/** The spec of the model's first input, with `overrides` applied; throws when they contradict the model. */
export function modelInputSpec(model: ModelProto, overrides: Partial<InputSpec> = {}): ModelInputSpec {
  const input = modelInputInfo(model);
  const where = `model input '${input.name}'`;
  let dtype: InputSpec['dtype'];
  if (input.elemType === DataType.UINT8) dtype = 'uint8';
  else if (input.elemType === DataType.FLOAT) dtype = 'float32';
  else throw new Error(`${where} is ${input.elemTypeName}: image inputs must be float or uint8`);
  if (input.shape && input.shape.length !== 4) throw new Error(`${where} has ${input.shape.length} dimensions: image inputs have 4 (batch, channels, height, width)`);

  const source = {} as ModelInputSpec['source'];
  /** The user's value when given, else what the model (or a default) says. */
  const decide = <K extends keyof InputSpec>(key: K, value: InputSpec[K], from: SpecSource): InputSpec[K] => {
    const user = overrides[key];
    source[key] = user !== undefined ? 'user' : from;
    return user ?? value;
  };

  const formatValue = metadata(model, 'Image.BitmapPixelFormat');
  let channels: ChannelOrder;
  if (formatValue !== undefined) {
    const c = PIXEL_FORMATS[formatValue.toLowerCase()];
    if (!c) throw new Error(`model metadata Image.BitmapPixelFormat is '${formatValue}': supported are Gray8, Rgb8, Bgr8`);
    channels = decide('channels', c, 'metadata');
  } else if (input.channels === 1) channels = decide('channels', 'gray', 'model');
  else channels = decide('channels', 'RGB', 'default');

  const rangeValue = metadata(model, 'Image.NominalPixelRange');
  let normalisation: Normalisation;
  if (dtype === 'uint8') normalisation = decide('normalisation', { kind: 'raw' }, 'model');
  else if (rangeValue !== undefined) {
    const n = pixelRange(rangeValue, channelCount(channels));
    if (!n) throw new Error(`model metadata Image.NominalPixelRange is '${rangeValue}': supported are NominalRange_0_255, Normalized_0_1, Normalized_1_1, NominalRange_16_235`);
    normalisation = decide('normalisation', n, 'metadata');
  } else normalisation = decide('normalisation', channels === 'gray' ? { kind: 'unit' } : IMAGENET_NORMALISATION, 'default');

  const spec: InputSpec = {
    width: input.width !== undefined ? decide('width', input.width, 'model') : decide('width', DEFAULT_IMAGE_SIZE, 'default'),
    height: input.height !== undefined ? decide('height', input.height, 'model') : decide('height', DEFAULT_IMAGE_SIZE, 'default'),
    resize: decide('resize', 'crop', 'default'),
    // Unknown layout: ONNX Conv's own.
    layout: input.layout !== 'unknown' ? decide('layout', input.layout, 'model') : decide('layout', 'NCHW', 'default'),
    dtype: decide('dtype', dtype, 'model'),
    channels,
    normalisation,
  };
  if (spec.dtype !== dtype) throw new RangeError(`input spec: ${where} takes ${dtype}, found dtype ${spec.dtype}`);
  checkInputSpec(spec);
  if (input.shape) {
    const want = spec.layout === 'NCHW' ? [channelCount(spec.channels), spec.height, spec.width] : [spec.height, spec.width, channelCount(spec.channels)];
    const axes = spec.layout === 'NCHW' ? ['channels', 'height', 'width'] : ['height', 'width', 'channels'];
    want.forEach((v, i) => {
      const fixed = input.shape![i + 1];
      if (typeof fixed === 'number' && fixed !== v) {
        throw new RangeError(`input spec: ${where} has shape [${input.shape!.join(', ')}], read as ${spec.layout}, so ${axes[i]} ${fixed}; found ${v}`);
      }
    });
  }
  const b = input.shape?.[0];
  return { input, spec, source, fixedBatch: typeof b === 'number' ? b : null };
}
