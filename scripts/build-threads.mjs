// Bundles the worker-thread entry into one plain ES module (.build/threads.mjs) so threads start without a
// TypeScript loader, both inside the Next.js server and in `npm run worker`.
import { build } from 'esbuild';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
await build({
  entryPoints: [path.join(root, 'workers/threads/entry.ts')],
  outfile: path.join(root, '.build/threads.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  alias: { '@': root },
  logLevel: 'warning',
});
