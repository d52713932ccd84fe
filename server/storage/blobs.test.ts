import { createHash } from 'node:crypto';
import { mkdtemp, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LocalBlobStore } from './blobs';

describe('LocalBlobStore', () => {
  it('stores by sha256, dedupes equal content and reads it back', async () => {
    const store = new LocalBlobStore(await mkdtemp(path.join(os.tmpdir(), 'blobs-')));
    const bytes = new TextEncoder().encode('brain signal');
    const a = await store.put(bytes);
    const b = await store.put(bytes);
    expect(a.key).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(b).toEqual(a);
    expect((await store.get(a.key)).toString()).toBe('brain signal');
    expect(await store.size(a.key)).toBe(bytes.length);
  });

  it('leaves no temporary file behind when the source fails mid-stream', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'blobs-'));
    const store = new LocalBlobStore(root);
    async function* broken() {
      yield new Uint8Array(10);
      throw new Error('network dropped');
    }
    await expect(store.putStream(Readable.from(broken()))).rejects.toThrow('network dropped');
    expect(await readdir(path.join(root, 'tmp'))).toEqual([]);
  });

  it('rejects keys that are not sha256 digests (no path traversal)', async () => {
    const store = new LocalBlobStore(os.tmpdir());
    await expect(store.get('../etc/passwd')).rejects.toThrow(/not a blob key/);
  });
});
