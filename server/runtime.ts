import type { PgBoss } from 'pg-boss';
import { openDatabase, type Database, type Db } from '@/db/client';
import { loadConfig, type ServerConfig } from './config';
import { startQueue } from './jobs/queue';
import { LocalBlobStore, type BlobStore } from './storage/blobs';

/** What every request handler and job needs: one database, one blob store, one queue per process. */
export interface Runtime {
  config: ServerConfig;
  database: Database;
  db: Db;
  blobs: BlobStore;
  boss: PgBoss;
  close(): Promise<void>;
}

export async function createRuntime(config: ServerConfig, queue?: Parameters<typeof startQueue>[1]): Promise<Runtime> {
  const database = await openDatabase(config.database);
  const boss = await startQueue(database, queue);
  return {
    config,
    database,
    db: database.db,
    blobs: new LocalBlobStore(config.blobDir),
    boss,
    async close() {
      await boss.stop({ graceful: true, timeout: 10_000 });
      await database.close();
    },
  };
}

// Next.js may evaluate this module in more than one bundle; PGlite must be opened once per process.
const globalRuntime = globalThis as unknown as { __brainglassRuntime?: Promise<Runtime> };

export function getRuntime(): Promise<Runtime> {
  globalRuntime.__brainglassRuntime ??= createRuntime(loadConfig());
  return globalRuntime.__brainglassRuntime;
}
