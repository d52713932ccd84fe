/**
 * `npm run bench:ingest [-- --gb 1]`: ingests a generated EDF of the given size (and the shared sample recordings)
 * with Brainglass's reader and storage, and reads the same files with MNE-Python's read_raw_edf(preload=True) in the
 * same run. Prints throughput (MB/s of file) and peak memory of each. Each side runs in its own process, so its peak
 * resident memory is its own.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeSyntheticEdf } from './edf-writer';
import { ensureReference, mb, runPython } from './reference';

const gbArg = process.argv.indexOf('--gb');
const gb = gbArg > 0 ? Number(process.argv[gbArg + 1]) : 1;
const dir = path.join(os.tmpdir(), 'brainglass-bench');
mkdirSync(dir, { recursive: true });

ensureReference();
const generated = path.join(dir, `synthetic-${gb}gb.edf`);
console.error(`Writing a ${gb} GB EDF (64 channels, 512 Hz, 16-bit) to ${generated}…`);
writeSyntheticEdf(generated, gb * 1024 ** 3);
const files = [generated, ...['S001R01.edf', 'test_bdf_stim_channel.bdf'].map((f) => path.resolve('../shared/data/recordings', f))];

interface Run {
  seconds: number;
  peakMb: number;
  nSamples: number;
}

const mneCode = `
import sys, time, json, resource, mne
t = time.perf_counter()
raw = mne.io.read_raw_edf(sys.argv[1], preload=True, verbose='error') if sys.argv[1].endswith('.edf') else mne.io.read_raw_bdf(sys.argv[1], preload=True, verbose='error')
seconds = time.perf_counter() - t
print(json.dumps({"seconds": seconds, "peakMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "nSamples": int(raw.n_times)}))
`;

console.log('file                          size MB   Brainglass MB/s  peak MB   MNE MB/s  peak MB   throughput ratio');
for (const file of files) {
  const size = statSync(file).size;
  const ours = JSON.parse(
    execFileSync(process.execPath, ['--import', 'tsx', 'scripts/bench/ingest-run.ts', file], { encoding: 'utf8', maxBuffer: 1 << 20 }).trim().split('\n').pop()!,
  ) as Run;
  const theirs = runPython<Run>(mneCode, [file]);
  if (ours.nSamples !== theirs.nSamples) throw new Error(`${file}: ${ours.nSamples} samples here, ${theirs.nSamples} in MNE`);
  const rate = (r: Run) => mb(size) / r.seconds;
  console.log(
    `${path.basename(file).padEnd(30)}${mb(size).toFixed(1).padStart(7)}${rate(ours).toFixed(1).padStart(17)}${ours.peakMb.toFixed(0).padStart(9)}` +
      `${rate(theirs).toFixed(1).padStart(11)}${theirs.peakMb.toFixed(0).padStart(9)}${(rate(ours) / rate(theirs)).toFixed(2).padStart(12)}x`,
  );
}
