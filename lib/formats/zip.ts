/**
 * Minimal zip reader for .npz (stored and deflate members, zip64 as numpy writes it): reads the central
 * directory from the end of the file, then only the members asked for.
 */
import { inflateRawSync } from 'node:zlib';
import { readRange } from './bytes';
import { FormatError, type ByteSource } from './types';

export interface ZipEntry {
  name: string;
  /** 0 = stored, 8 = deflate. */
  method: number;
  compressedSize: number;
  size: number;
  crc32: number;
  localHeaderOffset: number;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
const u64 = (v: DataView, o: number) => Number(v.getBigUint64(o, true));

/** Lists the members of a zip archive. */
export async function listZip(source: ByteSource): Promise<ZipEntry[]> {
  const file = source.name;
  // End of central directory: 22 bytes plus a comment of up to 64 KiB, at the very end.
  const tailLen = Math.min(source.size, 22 + 0xffff);
  if (source.size < 22) throw new FormatError(file, 'end of central directory', `expected a zip archive of at least 22 bytes, found ${source.size} bytes`);
  const tail = await source.read(source.size - tailLen, tailLen);
  const tv = view(tail);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tv.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new FormatError(file, 'end of central directory', 'expected the zip signature PK\\x05\\x06 near the end, found none (not a zip or truncated)');
  let count = tv.getUint16(eocd + 10, true);
  let cdSize = tv.getUint32(eocd + 12, true);
  let cdOffset = tv.getUint32(eocd + 16, true);
  const eocdAt = source.size - tailLen + eocd;
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    // zip64: a locator just before the EOCD points at the zip64 EOCD record.
    const loc = view(await readRange(source, eocdAt - 20, 20, 'zip64 end of central directory locator'));
    if (loc.getUint32(0, true) !== 0x07064b50) throw new FormatError(file, `byte ${eocdAt - 20}`, 'expected the zip64 locator signature PK\\x06\\x07, found other bytes');
    const at = u64(loc, 8);
    const rec = view(await readRange(source, at, 56, 'zip64 end of central directory'));
    if (rec.getUint32(0, true) !== 0x06064b50) throw new FormatError(file, `byte ${at}`, 'expected the zip64 end of central directory signature PK\\x06\\x06, found other bytes');
    count = u64(rec, 32);
    cdSize = u64(rec, 40);
    cdOffset = u64(rec, 48);
  }
  if (cdOffset + cdSize > source.size) {
    throw new FormatError(file, `central directory (byte ${cdOffset})`, `expected ${cdSize} bytes there, found a file of ${source.size} bytes (truncated)`);
  }
  const cd = await source.read(cdOffset, cdSize);
  const cv = view(cd);
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let k = 0; k < count; k++) {
    if (p + 46 > cd.length || cv.getUint32(p, true) !== 0x02014b50) {
      throw new FormatError(file, `central directory entry ${k} (byte ${cdOffset + p})`, 'expected the signature PK\\x01\\x02, found other bytes');
    }
    const nameLen = cv.getUint16(p + 28, true);
    const extraLen = cv.getUint16(p + 30, true);
    const commentLen = cv.getUint16(p + 32, true);
    const name = new TextDecoder().decode(cd.subarray(p + 46, p + 46 + nameLen));
    let size = cv.getUint32(p + 24, true);
    let compressedSize = cv.getUint32(p + 20, true);
    let localHeaderOffset = cv.getUint32(p + 42, true);
    // zip64 extra field: the 64-bit values of whichever fields are saturated, in this order.
    let e = p + 46 + nameLen;
    const extraEnd = e + extraLen;
    while (e + 4 <= extraEnd) {
      const id = cv.getUint16(e, true);
      const len = cv.getUint16(e + 2, true);
      if (id === 0x0001) {
        let q = e + 4;
        if (size === 0xffffffff) {
          size = u64(cv, q);
          q += 8;
        }
        if (compressedSize === 0xffffffff) {
          compressedSize = u64(cv, q);
          q += 8;
        }
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = u64(cv, q);
      }
      e += 4 + len;
    }
    entries.push({ name, method: cv.getUint16(p + 10, true), compressedSize, size, crc32: cv.getUint32(p + 16, true), localHeaderOffset });
    p = extraEnd + commentLen;
  }
  return entries;
}

/** Reads and decompresses one member, checking its size and CRC. */
export async function readZipEntry(source: ByteSource, entry: ZipEntry): Promise<Uint8Array> {
  const file = source.name;
  const where = `zip member '${entry.name}' (byte ${entry.localHeaderOffset})`;
  const local = view(await readRange(source, entry.localHeaderOffset, 30, where));
  if (local.getUint32(0, true) !== 0x04034b50) throw new FormatError(file, where, 'expected the local header signature PK\\x03\\x04, found other bytes');
  const start = entry.localHeaderOffset + 30 + local.getUint16(26, true) + local.getUint16(28, true);
  const raw = await readRange(source, start, entry.compressedSize, where);
  let bytes: Uint8Array;
  if (entry.method === 0) bytes = raw;
  else if (entry.method === 8) {
    try {
      bytes = new Uint8Array(inflateRawSync(raw));
    } catch (err) {
      throw new FormatError(file, where, `expected valid deflate data, found corrupt data (${(err as Error).message})`);
    }
  } else throw new FormatError(file, where, `expected compression method 0 (stored) or 8 (deflate), found ${entry.method}`);
  if (bytes.length !== entry.size) throw new FormatError(file, where, `expected ${entry.size} bytes after decompression, found ${bytes.length}`);
  const crc = crc32(bytes);
  if (crc !== entry.crc32) {
    throw new FormatError(file, where, `expected CRC-32 ${entry.crc32.toString(16).padStart(8, '0')}, found ${crc.toString(16).padStart(8, '0')} (corrupt)`);
  }
  return bytes;
}
