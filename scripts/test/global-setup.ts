import { execFileSync } from 'node:child_process';

/** Job handlers run compute in worker threads, which load the bundled thread entry. */
export default function setup() {
  execFileSync(process.execPath, ['scripts/build-threads.mjs'], { stdio: 'inherit' });
}
