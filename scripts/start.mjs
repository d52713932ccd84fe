// `npm start`: builds the app on first run (or when BRAINGLASS_REBUILD=1), then serves it with the embedded
// database, job workers and demo data in one process.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
process.env.AUTH_TRUST_HOST ??= 'true';

if (!existsSync(path.join(root, '.next', 'BUILD_ID')) || !existsSync(path.join(root, '.build', 'threads.mjs')) || process.env.BRAINGLASS_REBUILD === '1') {
  console.log('[brainglass] building the app (first start only; takes a minute or two)…');
  const build = spawnSync(npm, ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const port = process.env.PORT ?? '3000';
const server = spawn(path.join(root, 'node_modules', '.bin', 'next'), ['start', '-p', port], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code) => process.exit(code ?? 0));
