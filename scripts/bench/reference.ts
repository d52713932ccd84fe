/** The Python reference implementations (MNE-Python, SciPy, scikit-learn) through Debian's /usr/bin/python3. */
import { execFileSync, spawnSync } from 'node:child_process';

export const PYTHON = '/usr/bin/python3';

/** Installs Debian's python3-mne, -sklearn and -scipy when missing (about 550 MB; benchmarks only, never CI). */
export function ensureReference(): void {
  const probe = spawnSync(PYTHON, ['-c', 'import mne, sklearn, scipy'], { stdio: 'ignore' });
  if (probe.status === 0) return;
  console.error('Installing the reference implementations (python3-mne, python3-sklearn, python3-scipy)…');
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'python3-mne', 'python3-sklearn', 'python3-scipy'], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

/** Runs a Python snippet that prints one JSON object on its last line. */
export function runPython<T>(code: string, args: string[] = []): T {
  const out = execFileSync(PYTHON, ['-c', code, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(out.trim().split('\n').pop()!) as T;
}

export const mb = (bytes: number) => bytes / 1024 / 1024;
