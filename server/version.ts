import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The software version recorded with every job, so a result names the code that made it. */
export const softwareVersion: string = (() => {
  const pkg = JSON.parse(readFileSync(path.join(process.cwd(), 'package.json'), 'utf8')) as { version: string };
  const commit = process.env.BRAINGLASS_COMMIT ?? gitHead();
  return commit ? `${pkg.version}+${commit.slice(0, 12)}` : pkg.version;
})();

function gitHead(): string | null {
  try {
    const head = readFileSync(path.join(process.cwd(), '.git', 'HEAD'), 'utf8').trim();
    if (!head.startsWith('ref: ')) return head;
    return readFileSync(path.join(process.cwd(), '.git', head.slice(5)), 'utf8').trim();
  } catch {
    return null;
  }
}
