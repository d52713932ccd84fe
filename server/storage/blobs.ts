import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ByteSource } from '@/lib/formats/types';

/** Content-addressed storage: the key of an object is the sha256 of its bytes, so equal files are stored once. */
export interface BlobStore {
  put(data: Uint8Array): Promise<BlobRef>;
  putStream(data: Readable | AsyncIterable<Uint8Array>): Promise<BlobRef>;
  get(key: string): Promise<Buffer>;
  /** `length` bytes from `offset`; fewer only at the end of the object. */
  readRange(key: string, offset: number, length: number): Promise<Uint8Array>;
  stream(key: string, range?: { start: number; end: number }): Readable;
  has(key: string): Promise<boolean>;
  size(key: string): Promise<number>;
}

export interface BlobRef {
  key: string;
  size: number;
}

const KEY = /^[0-9a-f]{64}$/;

export class LocalBlobStore implements BlobStore {
  constructor(readonly root: string) {}

  private pathOf(key: string): string {
    if (!KEY.test(key)) throw new Error(`not a blob key: "${key}" (expected 64 hex digits)`);
    return path.join(this.root, key.slice(0, 2), key.slice(2, 4), key);
  }

  async put(data: Uint8Array): Promise<BlobRef> {
    return this.putStream(Readable.from([data]));
  }

  /** Streams to a temporary file while hashing, then renames: a crash never leaves a half-written object. */
  async putStream(data: Readable | AsyncIterable<Uint8Array>): Promise<BlobRef> {
    const tmpDir = path.join(this.root, 'tmp');
    await mkdir(tmpDir, { recursive: true });
    const tmp = path.join(tmpDir, randomUUID());
    const hash = createHash('sha256');
    let size = 0;
    try {
      await pipeline(
        data,
        async function* (source: AsyncIterable<Uint8Array>) {
          for await (const chunk of source) {
            hash.update(chunk);
            size += chunk.length;
            yield chunk;
          }
        },
        createWriteStream(tmp),
      );
      const key = hash.digest('hex');
      const final = this.pathOf(key);
      await mkdir(path.dirname(final), { recursive: true });
      await rename(tmp, final);
      return { key, size };
    } finally {
      await rm(tmp, { force: true });
    }
  }

  async get(key: string): Promise<Buffer> {
    return readFile(this.pathOf(key));
  }

  async readRange(key: string, offset: number, length: number): Promise<Uint8Array> {
    const file = await open(this.pathOf(key), 'r');
    try {
      const out = new Uint8Array(length);
      const { bytesRead } = await file.read(out, 0, length, offset);
      return bytesRead === length ? out : out.subarray(0, bytesRead);
    } finally {
      await file.close();
    }
  }

  stream(key: string, range?: { start: number; end: number }): Readable {
    return createReadStream(this.pathOf(key), range);
  }

  async has(key: string): Promise<boolean> {
    return stat(this.pathOf(key)).then(
      () => true,
      () => false,
    );
  }

  async size(key: string): Promise<number> {
    return (await stat(this.pathOf(key))).size;
  }
}

/** A stored file as a reader's byte source (lib/formats), read in ranges, never whole. */
export function blobSource(store: BlobStore, file: { name: string; key: string; size: number }): ByteSource {
  return {
    name: file.name,
    size: file.size,
    async read(offset, length) {
      if (offset < 0 || offset + length > file.size) {
        throw new Error(`${file.name}: read of ${length} bytes at offset ${offset} is past the end (${file.size} bytes)`);
      }
      return store.readRange(file.key, offset, length);
    },
  };
}
