import { createHash } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

/**
 * Brain meshes, atlases, montages and the default CNN are data files kept outside the repository. They are read
 * from one folder, found by resolveAssetsDir and checked against the SHA256SUMS it holds (see docs/assets.md).
 */

export const CHECKSUMS_FILE = 'SHA256SUMS';
/** Looser than NodeJS.ProcessEnv (which Next extends with a required NODE_ENV) so tests can pass a plain object. */
export type AssetsEnv = Record<string, string | undefined>;

const FIX_HINT = 'Set BRAINGLASS_ASSETS to a folder holding the assets, or run `npm run assets:fetch`.';

/** Where `npm run assets:fetch` writes by default: the assets folder inside the platform's data folder. */
export function defaultFetchDir(env: AssetsEnv = process.env, cwd: string = process.cwd()): string {
  return path.resolve(/* turbopackIgnore: true */ cwd, env.BRAINGLASS_DATA_DIR || '.data', 'assets');
}

/**
 * The assets folder: BRAINGLASS_ASSETS when set (it must exist: a typo should fail loudly, not fall back),
 * else ../shared/assets next to the checkout, else the folder `assets:fetch` fills; null when there is none.
 */
export function resolveAssetsDir(env: AssetsEnv = process.env, cwd: string = process.cwd()): string | null {
  const configured = env.BRAINGLASS_ASSETS;
  if (configured) {
    const dir = path.resolve(/* turbopackIgnore: true */ cwd, configured);
    if (!isDirectory(dir)) {
      throw new Error(
        `BRAINGLASS_ASSETS points to ${dir}, which does not exist or is not a folder. ` +
          'Fix the path, unset it to use ../shared/assets, or run `npm run assets:fetch -- --dir <folder>`.',
      );
    }
    return dir;
  }
  for (const candidate of [path.resolve(/* turbopackIgnore: true */ cwd, '../shared/assets'), defaultFetchDir(env, cwd)]) {
    if (isDirectory(candidate)) return candidate;
  }
  return null;
}

/** Absolute path of one asset, e.g. assetPath('mesh/aal.mz3'); throws with the fix when it is not there. */
export function assetPath(relative: string, env: AssetsEnv = process.env, cwd: string = process.cwd()): string {
  const file = normalizeAssetName(relative);
  const dir = resolveAssetsDir(env, cwd);
  if (dir === null) {
    throw new Error(
      `Asset ${file} not found: no assets folder (BRAINGLASS_ASSETS is not set, and neither ` +
        `${path.resolve(/* turbopackIgnore: true */ cwd, '../shared/assets')} nor ${defaultFetchDir(env, cwd)} exists). ${FIX_HINT}`,
    );
  }
  const full = path.join(dir, file);
  if (!existsSync(full)) {
    throw new Error(`Asset ${file} is missing from the assets folder ${dir} (looked for ${full}). ${FIX_HINT}`);
  }
  return full;
}

/** SHA256SUMS as written by `sha256sum`: "<hex>  <path>" or "<hex> *<path>" (binary mode) per line. */
export function parseChecksums(text: string, source = CHECKSUMS_FILE): Map<string, string> {
  const sums = new Map<string, string>();
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '' || line.startsWith('#')) return;
    const match = /^([0-9a-fA-F]{64}) [ *](.+)$/.exec(line);
    if (!match) throw new Error(`${source}:${index + 1}: expected "<sha256 hex>  <relative path>", got ${JSON.stringify(line)}`);
    let file: string;
    try {
      file = normalizeAssetName(match[2]);
    } catch (error) {
      throw new Error(`${source}:${index + 1}: ${(error as Error).message}`);
    }
    if (sums.has(file)) throw new Error(`${source}:${index + 1}: ${file} is listed twice`);
    sums.set(file, match[1].toLowerCase());
  });
  return sums;
}

/** The checksums of an assets folder, relative path -> lowercase sha256 hex, in file order. */
export async function readChecksums(dir: string): Promise<Map<string, string>> {
  const file = path.join(dir, CHECKSUMS_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`${file} not found: ${dir} is not an assets folder. ${FIX_HINT}`);
    }
    throw error;
  }
  return parseChecksums(text, file);
}

/** Streams the file through sha256, so 20 MB atlases never sit whole in memory. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

export interface AssetMismatch {
  file: string;
  expected: string;
  actual: string;
}

export interface AssetReport {
  ok: string[];
  missing: string[];
  mismatched: AssetMismatch[];
}

/** Hashes every file SHA256SUMS lists (or only those named) and sorts them into ok / missing / mismatched. */
export async function verifyAssets(dir: string, options: { only?: string[] } = {}): Promise<AssetReport> {
  const sums = await readChecksums(dir);
  let files = [...sums.keys()];
  if (options.only) {
    const wanted = options.only.map(normalizeAssetName);
    const unknown = wanted.filter((file) => !sums.has(file));
    if (unknown.length > 0) throw new Error(`Not listed in ${path.join(dir, CHECKSUMS_FILE)}: ${unknown.join(', ')}`);
    files = files.filter((file) => wanted.includes(file));
  }

  const results = await mapLimit(files, 4, async (file) => {
    try {
      return { file, actual: await sha256File(path.join(dir, file)) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { file, actual: null };
      throw error;
    }
  });

  const report: AssetReport = { ok: [], missing: [], mismatched: [] };
  for (const { file, actual } of results) {
    const expected = sums.get(file)!;
    if (actual === null) report.missing.push(file);
    else if (actual === expected) report.ok.push(file);
    else report.mismatched.push({ file, expected, actual });
  }
  return report;
}

/** Asset names are relative POSIX paths inside the folder; anything escaping it is refused. */
export function normalizeAssetName(relative: string): string {
  const file = path.posix.normalize(relative.trim());
  if (file === '' || file === '.' || path.posix.isAbsolute(file) || file.includes('\\') || file.split('/').includes('..')) {
    throw new Error(`Invalid asset path ${JSON.stringify(relative)}: expected a relative path inside the assets folder`);
  }
  return file;
}

function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/** Like Promise.all(items.map(fn)) with at most `limit` running: a few parallel reads, not 30 open files. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
