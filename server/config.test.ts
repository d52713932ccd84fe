import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config';

describe('loadConfig', () => {
  it('embedded by default: PGlite in the data folder, workers and demo on', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cfg-'));
    const config = loadConfig({ BRAINGLASS_DATA_DIR: dir });
    expect(config.database).toEqual({ mode: 'embedded', dataDir: dir });
    expect(config).toMatchObject({ runWorkers: true, seedDemo: true, blobDir: path.join(dir, 'blobs') });
  });

  it('keeps one generated session secret per data folder, so sessions survive a restart', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cfg-'));
    const first = loadConfig({ BRAINGLASS_DATA_DIR: dir }).authSecret;
    expect(first.length).toBeGreaterThanOrEqual(40);
    expect(loadConfig({ BRAINGLASS_DATA_DIR: dir }).authSecret).toBe(first);
    expect(loadConfig({ BRAINGLASS_DATA_DIR: dir, AUTH_SECRET: 'from-env' }).authSecret).toBe('from-env');
  });

  it('a postgres DATABASE_URL means distributed mode: the web process only enqueues', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cfg-'));
    const config = loadConfig({ BRAINGLASS_DATA_DIR: dir, DATABASE_URL: 'postgres://u@db.example/brainglass' });
    expect(config.database).toEqual({ mode: 'distributed', url: 'postgres://u@db.example/brainglass' });
    expect(config).toMatchObject({ runWorkers: false, seedDemo: false });
    expect(loadConfig({ BRAINGLASS_DATA_DIR: dir, DATABASE_URL: 'postgres://x/y', BRAINGLASS_WORKERS: '1' }).runWorkers).toBe(true);
  });

  it('rejects a DATABASE_URL that is not PostgreSQL, without echoing credentials', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://root:secret@host/db' })).toThrow(
      'DATABASE_URL must be a postgres:// URL (got "mysql:..."); unset it for the embedded database',
    );
  });
});
