/** Byte helpers shared by the mesh readers. */
import { unzipSync } from 'node:zlib';

/** Inflates gzip (1f 8b) or zlib (78 xx) input; anything else is returned unchanged. */
export function inflateIfCompressed(bytes: Uint8Array): Uint8Array {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) return new Uint8Array(unzipSync(bytes));
  if (bytes.length >= 2 && bytes[0] === 0x78 && ((bytes[0] << 8) | bytes[1]) % 31 === 0) return new Uint8Array(unzipSync(bytes));
  return bytes;
}

const B64 = new Int16Array(128).fill(-1);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.split('').forEach((ch, i) => (B64[ch.charCodeAt(0)] = i));

/** Standard base64 to bytes; whitespace (GIfTI wraps lines) is skipped, padding ends the data. */
export function decodeBase64(text: string): Uint8Array {
  const out = new Uint8Array(Math.floor((text.length * 3) / 4) + 3);
  let n = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 61) break; // '='
    const v = code < 128 ? B64[code] : -1;
    if (v < 0) {
      if (code === 32 || code === 10 || code === 13 || code === 9) continue;
      throw new RangeError(`invalid base64 character '${text[i]}' at ${i}`);
    }
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (acc >> bits) & 0xff;
    }
  }
  return out.slice(0, n);
}
