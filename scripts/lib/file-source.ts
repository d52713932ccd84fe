/** File-backed ByteSources for scripts: readers ask for byte ranges and only those are read from disk. */
import { open, readdir, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { ByteSource, SiblingResolver } from '../../lib/formats/types';

export interface FileSource extends ByteSource {
  close(): Promise<void>;
}

export async function openFileSource(file: string, name = path.basename(file)): Promise<FileSource> {
  const handle: FileHandle = await open(file, 'r');
  const { size } = await handle.stat();
  return {
    name,
    size,
    async read(offset: number, length: number): Promise<Uint8Array> {
      if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || offset + length > size) {
        throw new RangeError(`${file}: read(${offset}, ${length}) is outside the file (size ${size})`);
      }
      const buffer = new Uint8Array(length);
      let done = 0;
      // A read may return fewer bytes than asked; loop until the range is filled.
      while (done < length) {
        const { bytesRead } = await handle.read(buffer, done, length - done, offset + done);
        if (bytesRead === 0) throw new RangeError(`${file}: unexpected end of file at byte ${offset + done}`);
        done += bytesRead;
      }
      return buffer;
    },
    close: () => handle.close(),
  };
}

/** Opens files relative to `dir` (named by that relative path); every source opened is kept in `opened` to close later. */
export function dirResolver(dir: string, opened: FileSource[]): SiblingResolver {
  return async (name: string) => {
    const file = path.resolve(dir, name);
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) return null;
    const src = await openFileSource(file, name);
    opened.push(src);
    return src;
  };
}

/** Every file under `dir`, as '/'-separated paths relative to it. */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}
