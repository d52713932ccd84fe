/**
 * Assets CLI: `tsx scripts/assets.ts verify|fetch [--dir DIR] [--only FILE,...] [--force]`.
 *
 * verify: hashes the files SHA256SUMS lists and exits 1 on any missing or mismatched file.
 * fetch:  downloads the files from their public origins into DIR (default .data/assets), checks each against the
 *         checksum below before it takes its final name, and writes SHA256SUMS there so `verify` works on it.
 * See docs/assets.md.
 */
import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rename, rm, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import {
  CHECKSUMS_FILE,
  defaultFetchDir,
  normalizeAssetName,
  resolveAssetsDir,
  sha256File,
  verifyAssets,
  type AssetReport,
} from '@/server/assets';

const execFileAsync = promisify(execFile);

// ---------------------------------------------------------------------------------------------------------------
// Where every asset comes from: the one table to edit. Checksums are those of ../shared/assets/SHA256SUMS (a test
// keeps the two equal); a machine without that folder still knows what to expect.
// ---------------------------------------------------------------------------------------------------------------

/** A Debian binary package: fetched once, checked against the archive's own sha256, unpacked with ar + tar. */
export interface DebPackage {
  name: string;
  sha256: string;
  urls: string[];
}

/** Candidate URLs are tried in order until one yields the expected bytes. */
export type AssetOrigin = { urls: string[] } | { deb: DebPackage; member: string };

export interface AssetSource {
  file: string;
  sha256: string;
  from: AssetOrigin;
}

/**
 * github.com/<repo>/raw/<ref>/<path> redirects to the raw file and also resolves Git LFS pointers. Pinned commits
 * come first (content never moves), a branch last (survives history rewrites but may have moved or changed).
 */
function github(repo: string, places: [ref: string, folder: string][]) {
  return (name: string): string[] => places.map(([ref, folder]) => `https://github.com/${repo}/raw/${ref}/${folder}/${name}`);
}

const urls = (...candidates: string[][]): AssetOrigin => ({ urls: candidates.flat() });

/** deb.debian.org serves packages of supported releases; snapshot.debian.org keeps them after that. */
function debian(poolPath: string, sha256: string): DebPackage {
  return {
    name: path.posix.basename(poolPath),
    sha256,
    urls: [
      `https://deb.debian.org/debian/pool/${poolPath}`,
      `https://snapshot.debian.org/archive/debian/20240101T000000Z/pool/${poolPath}`,
    ],
  };
}

const niivue = github('niivue/niivue', [
  ['e70338da2dd837f6fba2f2f7889e6c1611ef076e', 'packages/niivue/demos/images'],
  ['790b21c6a7ba2375253fce46d2f93b1f8a9fa203', 'demos/images'],
  ['main', 'packages/niivue/demos/images'],
]);
const surfIce = github('neurolabusc/surf-ice', [['master', 'sample']]);
const nilearnFsaverage5 = (name: string, commit: string) =>
  github('nilearn/nilearn', [
    [commit, 'nilearn/datasets/data/fsaverage5'],
    ['main', 'nilearn/datasets/data/fsaverage5'],
  ])(name);
const mneTesting = github('mne-tools/mne-testing-data', [
  ['1831046f88b5c90d6b129199c36812fd360458a7', 'subjects/fsaverage/label'],
  ['master', 'subjects/fsaverage/label'],
]);
const stModels = github('STMicroelectronics/meta-st-x-linux-ai', [
  ['fc27cc2e5ca5b91ee6610a1bd48fd69f62eec098', 'recipes-samples/image-classification/models/files'],
  ['main', 'recipes-samples/image-classification/models/files'],
]);

// Package checksums from Debian 12 (bookworm) Packages indexes (`apt-cache show`).
const MRICRON_DATA = debian(
  'main/m/mricron/mricron-data_1.2.20211006+dfsg-4_all.deb',
  'd40aa0ed66cf89bf6cafa049ad3884703c9d975c2ee2737525b7196528df9d6f',
);
const PYTHON3_MNE = debian(
  'main/p/python-mne/python3-mne_1.3.0+dfsg-1_all.deb',
  '6248ad4e93ebfe8a9dd8ad0b655772892c6671c85b262fe8c012daeddf052977',
);
const mricron = (name: string): AssetOrigin => ({ deb: MRICRON_DATA, member: `usr/share/mricron/templates/${name}` });
const mne = (member: string): AssetOrigin => ({ deb: PYTHON3_MNE, member: `usr/lib/python3/dist-packages/mne/${member}` });

export const ASSET_SOURCES: AssetSource[] = [
  { file: 'atlas/HarvardOxford-cort-maxprob-thr0-1mm.nii.gz', sha256: '12f6298b07ec9a7cc70b9ad88f944aedef714fb46ca057a4fa4284c8e6d8f179', from: mricron('HarvardOxford-cort-maxprob-thr0-1mm.nii.gz') },
  { file: 'atlas/aal.nii.gz', sha256: 'b512dcd3f36b77f56be7a9a038134096e66314b7e8c31d25875b96bcf6991454', from: mricron('aal.nii.gz') },
  { file: 'atlas/aal.nii.txt', sha256: '1788d6556a9ec056de9867b2382cf1ce1b51b87ae4cfd9cd25de48ae4dde709e', from: mricron('aal.nii.txt') },
  { file: 'atlas/brodmann.nii.gz', sha256: '23ddedf2867c2bb857762a901b4f57f453139e41ffcdfc54a070fcaa3432d1f9', from: mricron('brodmann.nii.gz') },
  { file: 'atlas/ch2bet.nii.gz', sha256: '592a2d20abdf36eefcb540ca8958428040edffc1bc1a18ba1dcfbabac77c5dd1', from: mricron('ch2bet.nii.gz') },
  { file: 'cnn/LICENSE', sha256: '6c1a91440e39d482c18aadb4cd7006023421e77aa3cea26a9af9c3a0d29c189e', from: urls(stModels('LICENSE')) },
  { file: 'cnn/labels_imagenet.txt', sha256: '310bbb36daf4dec629a836332d9a400ae883b435d4b68c3885b35a26f90aa079', from: urls(stModels('labels_imagenet.txt')) },
  { file: 'cnn/labels_imagenet_2012.txt', sha256: '1f386e0d1cb6e28b9c2dac651c3dea6801e98ad1b41a14ce6bb1a093d72069f5', from: urls(stModels('labels_imagenet_2012.txt')) },
  { file: 'cnn/mobilenet_v1_0.5_128_quant.onnx', sha256: '49af8ae154eff00b0675119e126927929cc1c1988c335f2898204a7f8eb6db0d', from: urls(stModels('mobilenet_v1_0.5_128_quant.onnx')) },
  { file: 'cnn/mobilenet_v2_1.0_224_int8_per_tensor.onnx', sha256: '479b0a378ff2503319dfd62913fde9ded309a2db5c9984bb8dfd3950b502c309', from: urls(stModels('mobilenet_v2_1.0_224_int8_per_tensor.onnx')) },
  { file: 'mesh/BrainMesh_ICBM152.lh.mz3', sha256: '982c64955d6a6bd51858bf1356044c14f2168b6866094eeac82e2517a5b5f935', from: urls(niivue('BrainMesh_ICBM152.lh.mz3')) },
  { file: 'mesh/BrainMesh_ICBM152.rh.mz3', sha256: '6e10100ef8129f5ab11e26cb372b78757411b2b135dccce67f8bc84894cc8695', from: urls(niivue('BrainMesh_ICBM152.rh.mz3')) },
  { file: 'mesh/aal.mz3', sha256: 'aa8253e30beff31376ae030727806c0b63a87432e0f8ae393393fc44cdd5512b', from: urls(niivue('aal.mz3')) },
  { file: 'mesh/cortex_5124.mz3', sha256: '8036996468b2ebfeb503bcd16e8969de9b9b9e9f55ef3af6aef3042a171acb41', from: urls(niivue('mz3/cortex_5124.mz3')) },
  { file: 'mesh/infl_left.gii.gz', sha256: '1a571c9d598a476a202c7295c235a709de63360047b92c0e7b75ed18b0f37e74', from: urls(nilearnFsaverage5('infl_left.gii.gz', '3967b3355c2afbbbdb4a35a35b0df6c4aae678c8')) },
  { file: 'mesh/infl_right.gii.gz', sha256: '9f66b009e1da72158d75b4e739c6289aba0c1b08d818b2f0f9f61204aa4ba895', from: urls(nilearnFsaverage5('infl_right.gii.gz', '07d1555a95a297743cadc06d511f49cbeb68ec80')) },
  { file: 'mesh/lh.aparc.annot', sha256: '39b1acde9a32b4227631eb51cbcd8dff84e2138c57bf9f96d74026f2c17f1480', from: urls(mneTesting('lh.aparc.annot')) },
  // Listed under niivue's demos in SOURCES.md; Surf Ice ships a file of this name too, so it is the fallback.
  { file: 'mesh/mni152_2009mini.mz3', sha256: '05f9c228c4608c47f2d11542fa2bb8b8d75d9f8c5bf2d3ed4930d303a72f95a7', from: urls(niivue('mni152_2009mini.mz3'), surfIce('mni152_2009mini.mz3')) },
  { file: 'mesh/pial_left.gii.gz', sha256: '1e76fe43ac194c15fd272643f7ae7995621e2a496b3102b2d6175f0f8e6d7fc8', from: urls(nilearnFsaverage5('pial_left.gii.gz', 'ab31e9d40c6b98612a686bfacd299899ae078374')) },
  { file: 'mesh/pial_right.gii.gz', sha256: 'fdfae008bc10acf7cba82737ea5db9a7298948c41884a2d3330a785783a60a91', from: urls(nilearnFsaverage5('pial_right.gii.gz', '8d7dfec0ce1d18c650ee7beeadddff8b03c0aee0')) },
  { file: 'mesh/rh.aparc.annot', sha256: '6a326aed325d313e6e0d10f67630efcd8d3b8343c50d3e108e005f626614badb', from: urls(mneTesting('rh.aparc.annot')) },
  // Surf Ice spells it with a capital S.
  { file: 'mesh/scalp.mz3', sha256: '66bff1520554d164b1ceb69e53fe3cab147e39a4337b813f653548f1c54820a1', from: urls(surfIce('Scalp.mz3')) },
  { file: 'mesh/sulc_left.gii.gz', sha256: 'bd0f87e0cba153e9d5c5281edc7267f631b1967e5883d4027924766c8430eb62', from: urls(nilearnFsaverage5('sulc_left.gii.gz', '2372e0b72264422ac0ddd5fd815f6821f284d18b')) },
  { file: 'mesh/sulc_right.gii.gz', sha256: '97afe76225903205a16b88f88cd796945f2a27011328e98decaa9128ff063afb', from: urls(nilearnFsaverage5('sulc_right.gii.gz', '3967b3355c2afbbbdb4a35a35b0df6c4aae678c8')) },
  { file: 'montage/FreeSurferColorLUT.txt', sha256: '06eaf85bfe2e1c433d2398b1cbe715e9c68fea03b23679d3c60d134237169ffb', from: mne('data/FreeSurferColorLUT.txt') },
  { file: 'montage/biosemi64.txt', sha256: '8bd39ec923854853c1d6830c46cd4942f700d90ba9112541e21e45ea2a6fd7af', from: mne('channels/data/montages/biosemi64.txt') },
  { file: 'montage/easycap-M1.txt', sha256: '51d0268d5c77f00f6fe185726cc3b712e80c0b3f21a99351c81103379d10c974', from: mne('channels/data/montages/easycap-M1.txt') },
  { file: 'montage/standard_1005.elc', sha256: '1ee59197946d62de872db2ac7f2243a596662c231427366f6dc5d84ed237f853', from: mne('channels/data/montages/standard_1005.elc') },
  { file: 'montage/standard_1020.elc', sha256: '9936aa407862cc85f060e9f0c741f01cfbbd7e9ff5c75541a0622d1cb0b4d97e', from: mne('channels/data/montages/standard_1020.elc') },
];

/** The SHA256SUMS that `fetch` writes beside the files, in `sha256sum` format. */
export function checksumsText(sources: AssetSource[] = ASSET_SOURCES): string {
  return sources.map((s) => `${s.sha256}  ${s.file}\n`).join('');
}

// ---------------------------------------------------------------------------------------------------------------
// fetch
// ---------------------------------------------------------------------------------------------------------------

/** Writes the body of `url` to `dest`; throws on any HTTP error. Replaceable for tests. */
export type Downloader = (url: string, dest: string) => Promise<void>;

export const httpDownload: Downloader = async (url, dest) => {
  const response = await fetch(url, {
    redirect: 'follow',
    headers: { 'user-agent': 'brainglass-assets' },
    signal: AbortSignal.timeout(10 * 60_000),
  }).catch((error: Error & { cause?: { code?: string; message?: string } }) => {
    // undici says only "fetch failed"; the cause (DNS, refused, TLS) is what a user can act on.
    const cause = error.cause?.code ?? error.cause?.message;
    throw new Error(cause ? `${error.message} (${cause})` : error.message);
  });
  if (!response.ok || !response.body) throw new Error(`HTTP ${response.status} ${response.statusText}`.trim());
  await pipeline(Readable.fromWeb(response.body as WebReadableStream), createWriteStream(dest));
};

export interface FetchOptions {
  only?: string[];
  /** Download again even when a file already has the right checksum. */
  force?: boolean;
  download?: Downloader;
  log?: (line: string) => void;
}

export interface FetchResult {
  fetched: string[];
  kept: string[];
  failed: { file: string; error: string }[];
}

export async function fetchAssets(dir: string, options: FetchOptions = {}): Promise<FetchResult> {
  const { download = httpDownload, log = () => {} } = options;
  const wanted = selectSources(options.only);
  await mkdir(dir, { recursive: true });
  // Written first, so a partial fetch still verifies as "missing" files rather than "not an assets folder".
  await writeAtomically(path.join(dir, CHECKSUMS_FILE), checksumsText());

  const result: FetchResult = { fetched: [], kept: [], failed: [] };
  if (!options.force) result.kept = (await verifyAssets(dir, { only: wanted.map((s) => s.file) })).ok;
  for (const file of result.kept) log(`kept     ${file} (already verified)`);

  const attempt = async (file: string, work: () => Promise<string>) => {
    try {
      const origin = await work();
      result.fetched.push(file);
      log(`fetched  ${file} <- ${origin}`);
    } catch (error) {
      result.failed.push({ file, error: (error as Error).message });
      log(`FAILED   ${file}: ${(error as Error).message}`);
    }
  };

  const fromDebs = new Map<DebPackage, { source: AssetSource; member: string }[]>();
  for (const source of wanted.filter((s) => !result.kept.includes(s.file))) {
    const from = source.from;
    if ('deb' in from) {
      fromDebs.set(from.deb, [...(fromDebs.get(from.deb) ?? []), { source, member: from.member }]);
      continue;
    }
    await attempt(source.file, () =>
      installAtomically(path.join(dir, source.file), (temp) => downloadVerified(from.urls, temp, source.sha256, download)),
    );
  }

  // Each package is downloaded and unpacked once, however many files come out of it.
  const work = await mkdtemp(path.join(os.tmpdir(), 'brainglass-assets-'));
  try {
    for (const [deb, members] of fromDebs) {
      const root = await unpackDeb(deb, work, download).catch((error: Error) => error);
      for (const { source, member } of members) {
        await attempt(source.file, async () => {
          if (root instanceof Error) throw root;
          await installAtomically(path.join(dir, source.file), async (temp) => {
            await copyFile(path.join(root, member), temp);
            await checkSha256(temp, source.sha256);
          });
          return `${deb.name}:/${member}`;
        });
      }
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return result;
}

function selectSources(only?: string[]): AssetSource[] {
  if (!only) return ASSET_SOURCES;
  const names = only.map(normalizeAssetName);
  const unknown = names.filter((name) => !ASSET_SOURCES.some((s) => s.file === name));
  if (unknown.length > 0) throw new Error(`Unknown asset(s): ${unknown.join(', ')}`);
  return ASSET_SOURCES.filter((s) => names.includes(s.file));
}

async function checkSha256(file: string, expected: string): Promise<void> {
  const actual = await sha256File(file);
  if (actual !== expected) throw new Error(`checksum mismatch: expected ${expected}, got ${actual}; download deleted`);
}

/** Tries each URL in turn until one yields the expected sha256; a wrong or partial download is deleted. */
async function downloadVerified(urls: string[], dest: string, expected: string, download: Downloader): Promise<string> {
  const attempts: string[] = [];
  for (const url of urls) {
    try {
      await download(url, dest);
      await checkSha256(dest, expected);
      return url;
    } catch (error) {
      await unlink(dest).catch(() => {});
      attempts.push(`${url}: ${(error as Error).message}`);
    }
  }
  throw new Error(`no origin gave the expected file:\n    ${attempts.join('\n    ')}`);
}

/**
 * Fills a temporary file beside the target and renames it into place only if `fill` succeeds (it checks the
 * checksum), so the folder never holds a half-written or wrong file under a real name.
 */
async function installAtomically<T>(target: string, fill: (temp: string) => Promise<T>): Promise<T> {
  await mkdir(path.dirname(target), { recursive: true });
  const temp = `${target}.${process.pid}.part`;
  try {
    const value = await fill(temp);
    await rename(temp, target);
    return value;
  } finally {
    await unlink(temp).catch(() => {});
  }
}

/** Downloads a .deb (checked against Debian's sha256) and unpacks its data archive; returns the unpacked root. */
async function unpackDeb(deb: DebPackage, work: string, download: Downloader): Promise<string> {
  const base = await mkdtemp(path.join(work, 'deb-'));
  const file = path.join(base, deb.name);
  try {
    await downloadVerified(deb.urls, file, deb.sha256, download);
  } catch (error) {
    throw new Error(`could not download ${deb.name}: ${(error as Error).message}`);
  }
  // A .deb is an ar archive holding data.tar.{xz,zst,gz}; tar detects the compression itself.
  const root = path.join(base, 'root');
  await mkdir(root);
  try {
    const { stdout } = await execFileAsync('ar', ['t', file]);
    const data = stdout.split('\n').find((name) => name.startsWith('data.tar'));
    if (!data) throw new Error('no data.tar member');
    await execFileAsync('ar', ['x', file, data], { cwd: base });
    await execFileAsync('tar', ['-xf', path.join(base, data), '-C', root]);
  } catch (error) {
    const missingTool = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new Error(`could not unpack ${deb.name}: ${missingTool ? 'needs `ar` (binutils) and `tar` on PATH' : (error as Error).message}`);
  }
  return root;
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const temp = `${file}.${process.pid}.part`;
  await writeFile(temp, text);
  await rename(temp, file);
}

// ---------------------------------------------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------------------------------------------

export function formatReport(dir: string, report: AssetReport): string {
  const rows: [string, string, string][] = [
    ...report.ok.map((file): [string, string, string] => ['ok', file, '']),
    ...report.missing.map((file): [string, string, string] => ['MISSING', file, '']),
    ...report.mismatched.map((m): [string, string, string] => ['MISMATCH', m.file, `expected ${m.expected.slice(0, 12)}… got ${m.actual.slice(0, 12)}…`]),
  ].sort((a, b) => a[1].localeCompare(b[1]));
  const width = Math.max(4, ...rows.map((row) => row[1].length));
  const lines = [`${'status'.padEnd(9)} ${'file'.padEnd(width)}  detail`, ...rows.map(([s, f, d]) => `${s.padEnd(9)} ${f.padEnd(width)}  ${d}`.trimEnd())];
  lines.push(`${report.ok.length} ok, ${report.missing.length} missing, ${report.mismatched.length} mismatched in ${dir}`);
  return lines.join('\n');
}

const USAGE = `usage: tsx scripts/assets.ts verify|fetch [--dir DIR] [--only FILE[,FILE...]] [--force]
  verify  check the assets folder (default: BRAINGLASS_ASSETS, ../shared/assets or .data/assets) against SHA256SUMS
  fetch   download the assets from their public origins into DIR (default .data/assets); needs internet`;

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        dir: { type: 'string' },
        only: { type: 'string', multiple: true },
        force: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const command = positionals[0];
  if (values.help || positionals.length !== 1 || (command !== 'verify' && command !== 'fetch')) {
    (values.help ? console.log : console.error)(USAGE);
    return values.help ? 0 : 2;
  }
  const only = values.only?.flatMap((item) => item.split(',')).filter(Boolean);

  try {
    if (command === 'verify') {
      const dir = values.dir ? path.resolve(values.dir) : resolveAssetsDir();
      if (dir === null) {
        console.error('No assets folder: set BRAINGLASS_ASSETS, pass --dir, or run `npm run assets:fetch`.');
        return 1;
      }
      const report = await verifyAssets(dir, { only });
      console.log(formatReport(dir, report));
      return report.missing.length + report.mismatched.length > 0 ? 1 : 0;
    }

    const dir = values.dir ? path.resolve(values.dir) : defaultFetchDir();
    console.log(`Fetching assets into ${dir}`);
    const result = await fetchAssets(dir, { only, force: values.force, log: (line) => console.log(line) });
    console.log(`${result.fetched.length} fetched, ${result.kept.length} already present, ${result.failed.length} failed`);
    if (result.failed.length > 0) {
      console.error(`Failed: ${result.failed.map((f) => f.file).join(', ')}`);
      return 1;
    }
    return 0;
  } catch (error) {
    console.error((error as Error).message);
    return 1;
  }
}

// Run only as a program, so tests can import the table without side effects.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
