import { appendFile, copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ASSET_SOURCES, checksumsText, fetchAssets, formatReport, type Downloader } from '@/scripts/assets';
import {
  CHECKSUMS_FILE,
  assetPath,
  defaultFetchDir,
  parseChecksums,
  readChecksums,
  resolveAssetsDir,
  verifyAssets,
} from './assets';

const SHARED = fileURLToPath(new URL('../../shared/assets', import.meta.url));
const MAIN = fileURLToPath(new URL('..', import.meta.url));

const temps: string[] = [];
async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `assets-${prefix}-`));
  temps.push(dir);
  return dir;
}
afterAll(() => Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true }))));

/** A copy of SHA256SUMS plus the named files, so tests may damage it. */
async function partialCopy(files: string[]): Promise<string> {
  const dir = await tempDir('copy');
  await copyFile(path.join(SHARED, CHECKSUMS_FILE), path.join(dir, CHECKSUMS_FILE));
  for (const file of files) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await copyFile(path.join(SHARED, file), path.join(dir, file));
  }
  return dir;
}

describe('verifyAssets', () => {
  it('finds every file of ../shared/assets intact', async () => {
    const sums = await readChecksums(SHARED);
    const report = await verifyAssets(SHARED);
    expect(report.missing).toEqual([]);
    expect(report.mismatched).toEqual([]);
    expect(report.ok).toEqual([...sums.keys()]);
    expect(report.ok).toContain('cnn/mobilenet_v2_1.0_224_int8_per_tensor.onnx');
  });

  it('names exactly the corrupted file as mismatched and the deleted one as missing', async () => {
    const intact = 'montage/biosemi64.txt';
    const corrupted = 'mesh/cortex_5124.mz3';
    const deleted = 'atlas/aal.nii.txt';
    const dir = await partialCopy([intact, corrupted, deleted]);
    await appendFile(path.join(dir, corrupted), Buffer.from([0]));
    await rm(path.join(dir, deleted));
    const sums = await readChecksums(dir);

    const only = await verifyAssets(dir, { only: [intact, corrupted, deleted] });
    expect(only.ok).toEqual([intact]);
    expect(only.missing).toEqual([deleted]);
    expect(only.mismatched).toHaveLength(1);
    expect(only.mismatched[0].file).toBe(corrupted);
    expect(only.mismatched[0].expected).toBe(sums.get(corrupted));
    expect(only.mismatched[0].actual).toMatch(/^[0-9a-f]{64}$/);
    expect(only.mismatched[0].actual).not.toBe(sums.get(corrupted));

    // Without `only`, every file not copied is missing too, and still just the one mismatch.
    const all = await verifyAssets(dir);
    expect(all.ok).toEqual([intact]);
    expect(all.mismatched.map((m) => m.file)).toEqual([corrupted]);
    expect(all.missing).toEqual([...sums.keys()].filter((f) => f !== intact && f !== corrupted));

    const table = formatReport(dir, only);
    expect(table).toMatch(/MISMATCH\s+mesh\/cortex_5124\.mz3/);
    expect(table).toMatch(/MISSING\s+atlas\/aal\.nii\.txt/);
    expect(table).toContain('1 ok, 1 missing, 1 mismatched');
  });

  it('refuses `only` names that SHA256SUMS does not list, and folders without SHA256SUMS', async () => {
    await expect(verifyAssets(SHARED, { only: ['mesh/nope.mz3'] })).rejects.toThrow(/Not listed in .*SHA256SUMS: mesh\/nope\.mz3/);
    await expect(verifyAssets(await tempDir('empty'))).rejects.toThrow(/SHA256SUMS not found.*BRAINGLASS_ASSETS.*assets:fetch/);
  });
});

describe('parseChecksums', () => {
  const hex = 'ab'.repeat(32);

  it('reads text and binary (*) lines, skipping blanks', () => {
    const sums = parseChecksums(`${hex}  mesh/a.mz3\r\n\n${hex.toUpperCase()} *cnn/b.onnx\n`);
    expect([...sums]).toEqual([
      ['mesh/a.mz3', hex],
      ['cnn/b.onnx', hex],
    ]);
  });

  it('rejects malformed lines, duplicates and paths leaving the folder', () => {
    expect(() => parseChecksums('abc  mesh/a.mz3')).toThrow(/SHA256SUMS:1: expected/);
    expect(() => parseChecksums(`${hex}  a\n${hex}  a`)).toThrow(/:2: a is listed twice/);
    expect(() => parseChecksums(`${hex}  ../secret`)).toThrow(/Invalid asset path/);
    expect(() => parseChecksums(`${hex}  /etc/passwd`)).toThrow(/Invalid asset path/);
  });
});

describe('resolveAssetsDir', () => {
  it('prefers BRAINGLASS_ASSETS, resolved against the working directory', async () => {
    const dir = await tempDir('env');
    expect(resolveAssetsDir({ BRAINGLASS_ASSETS: dir }, MAIN)).toBe(dir);
    expect(resolveAssetsDir({ BRAINGLASS_ASSETS: path.basename(dir) }, path.dirname(dir))).toBe(dir);
  });

  it('fails loudly when BRAINGLASS_ASSETS does not exist instead of falling back', () => {
    expect(() => resolveAssetsDir({ BRAINGLASS_ASSETS: '/no/such/assets' }, MAIN)).toThrow(
      /BRAINGLASS_ASSETS points to \/no\/such\/assets, which does not exist/,
    );
  });

  it('falls back to ../shared/assets, then the fetch folder, then null', async () => {
    expect(resolveAssetsDir({}, MAIN)).toBe(SHARED);
    expect(resolveAssetsDir({ BRAINGLASS_ASSETS: '' }, MAIN)).toBe(SHARED);

    const bare = await tempDir('bare');
    expect(resolveAssetsDir({}, bare)).toBeNull();
    await mkdir(path.join(bare, '.data', 'assets'), { recursive: true });
    expect(resolveAssetsDir({}, bare)).toBe(defaultFetchDir({}, bare));
    expect(defaultFetchDir({}, bare)).toBe(path.join(bare, '.data', 'assets'));
  });
});

describe('assetPath', () => {
  it('returns the absolute path of a present asset', () => {
    expect(assetPath('mesh/aal.mz3', {}, MAIN)).toBe(path.join(SHARED, 'mesh', 'aal.mz3'));
  });

  it('names the folder, the file and the fix when the asset is missing', () => {
    let message = '';
    try {
      assetPath('mesh/absent.mz3', {}, MAIN);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('mesh/absent.mz3');
    expect(message).toContain(SHARED);
    expect(message).toContain('BRAINGLASS_ASSETS');
    expect(message).toContain('npm run assets:fetch');
  });

  it('explains where it looked when there is no assets folder at all', async () => {
    const bare = await tempDir('none');
    expect(() => assetPath('mesh/aal.mz3', {}, bare)).toThrow(/Asset mesh\/aal\.mz3 not found: no assets folder.*BRAINGLASS_ASSETS.*npm run assets:fetch/s);
    expect(() => assetPath('../escape', {}, MAIN)).toThrow(/Invalid asset path/);
  });
});

describe('scripts/assets.ts', () => {
  it('knows an origin for exactly the files and checksums of SHA256SUMS', async () => {
    const sums = await readChecksums(SHARED);
    expect(new Map(ASSET_SOURCES.map((s) => [s.file, s.sha256]))).toEqual(sums);
    expect(parseChecksums(checksumsText())).toEqual(sums);
    expect(await readFile(path.join(SHARED, CHECKSUMS_FILE), 'utf8')).toBe(checksumsText());
  });

  // The network cannot be reached here: a downloader serving ../shared/assets stands in for the origins.
  it('installs verified files atomically, deletes mismatches and skips files already present', async () => {
    const dir = await tempDir('fetch');
    const served: string[] = [];
    const fromDeb = 'montage/biosemi64.txt';
    const fromShared: Downloader = async (url, dest) => {
      served.push(url);
      const source = ASSET_SOURCES.find((s) => 'urls' in s.from && s.from.urls.includes(url));
      if (!source) throw new Error('HTTP 404 Not Found');
      await writeFile(dest, source.file === 'mesh/scalp.mz3' ? 'not a mesh' : await readFile(path.join(SHARED, source.file)));
    };

    const only = ['mesh/aal.mz3', 'mesh/scalp.mz3', fromDeb];
    const first = await fetchAssets(dir, { only, download: fromShared });
    expect(first.fetched).toEqual(['mesh/aal.mz3']);
    expect(first.failed.map((f) => f.file)).toEqual(['mesh/scalp.mz3', fromDeb]);
    expect(first.failed[0].error).toMatch(/checksum mismatch: expected 66bff152.*download deleted/);
    // The Debian package is not served, so the montage fails at download, before any unpacking.
    expect(first.failed[1].error).toMatch(/could not download python3-mne_1\.3\.0\+dfsg-1_all\.deb.*HTTP 404/s);
    expect(served[0]).toBe((ASSET_SOURCES.find((s) => s.file === 'mesh/aal.mz3')!.from as { urls: string[] }).urls[0]);

    const report = await verifyAssets(dir, { only });
    expect(report).toEqual({ ok: ['mesh/aal.mz3'], missing: ['mesh/scalp.mz3', fromDeb], mismatched: [] });
    expect(await readFile(path.join(dir, CHECKSUMS_FILE), 'utf8')).toBe(checksumsText());
    // No temporary .part files left behind, and nothing under a real name that failed its checksum.
    expect((await readdir(dir)).sort()).toEqual([CHECKSUMS_FILE, 'mesh']);
    expect(await readdir(path.join(dir, 'mesh'))).toEqual(['aal.mz3']);

    const second = await fetchAssets(dir, { only: ['mesh/aal.mz3'], download: fromShared });
    expect(second).toEqual({ fetched: [], kept: ['mesh/aal.mz3'], failed: [] });
  });
});
