/** Test-only: small synthetic stimulus images encoded with sharp. */
import sharp from 'sharp';

/** RGB pixels (row-major, 3 bytes each) from a function of (x, y). */
export function rgbPixels(width: number, height: number, colour: (x: number, y: number) => [number, number, number]): Uint8Array {
  const px = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) px.set(colour(x, y), (y * width + x) * 3);
  return px;
}

export async function encodeImage(pixels: Uint8Array, width: number, height: number, format: 'png' | 'jpeg', channels: 1 | 3 | 4 = 3): Promise<Uint8Array> {
  const img = sharp(pixels, { raw: { width, height, channels } });
  return new Uint8Array(await (format === 'png' ? img.png() : img.jpeg({ quality: 95 })).toBuffer());
}

/**
 * A drawing of a scene at any size (same picture, scaled): a sky gradient, a green field, a red disc and grey
 * stripes, so a network sees edges, colours and a blob.
 */
export function scene(width: number, height: number, variant = 0): Uint8Array {
  return rgbPixels(width, height, (x, y) => {
    const u = x / width;
    const v = y / height;
    const disc = (u - 0.35 - 0.3 * variant) ** 2 + (v - 0.45) ** 2 < 0.04;
    if (disc) return [220, 40 + 60 * variant, 30];
    if (v > 0.7) return [40, 150 - 20 * variant, 50];
    if (Math.floor(u * 12) % 3 === 0 && v > 0.3) return [120, 120, 120];
    return [90 + 100 * v, 140 + 80 * v, 240];
  });
}
