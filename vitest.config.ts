import path from 'node:path';
import { defineConfig } from 'vitest/config';

const root = path.dirname(new URL(import.meta.url).pathname);

export default defineConfig({
  resolve: { alias: { '@': root } },
  test: {
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['lib/**/*.test.ts', 'scripts/**/*.test.ts'], testTimeout: 60_000 },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['server/**/*.test.ts', 'workers/**/*.test.ts', 'db/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // One embedded database per file; files run one at a time to stay within 2 cores.
          fileParallelism: false,
          globalSetup: ['scripts/test/global-setup.ts'],
        },
      },
    ],
  },
});
