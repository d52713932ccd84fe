import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { databaseConfigFromEnv, type DatabaseConfig } from '@/db/client';

/** Everything the platform reads from its environment, resolved once. */
export interface ServerConfig {
  dataDir: string;
  database: DatabaseConfig;
  blobDir: string;
  /** Resumable uploads in progress (tus); finished files move into the blob store. */
  uploadDir: string;
  /** Run job workers in this process (embedded mode, or a worker process). */
  runWorkers: boolean;
  authSecret: string;
  seedDemo: boolean;
}

/** The data folder (BRAINGLASS_DATA_DIR, default .data): database, blobs, uploads, caches. */
export function dataDirOf(env: Record<string, string | undefined> = process.env): string {
  return path.resolve(/* turbopackIgnore: true */ env.BRAINGLASS_DATA_DIR ?? '.data');
}

/** Layer RDMs per (model, stimuli, layers, control seed): activations are too big to keep, RDMs are small. */
export function rsaCacheDir(env: Record<string, string | undefined> = process.env): string {
  return path.join(dataDirOf(env), 'rsa-cache');
}

export function loadConfig(env: Record<string, string | undefined> = process.env): ServerConfig {
  const dataDir = dataDirOf(env);
  const database = databaseConfigFromEnv(env, dataDir);
  return {
    dataDir,
    database,
    blobDir: path.resolve(/* turbopackIgnore: true */ env.BRAINGLASS_BLOB_DIR ?? path.join(dataDir, 'blobs')),
    uploadDir: path.join(dataDir, 'uploads'),
    runWorkers: env.BRAINGLASS_WORKERS ? env.BRAINGLASS_WORKERS !== '0' : database.mode === 'embedded',
    authSecret: env.AUTH_SECRET ?? persistentSecret(dataDir),
    seedDemo: env.BRAINGLASS_SEED_DEMO ? env.BRAINGLASS_SEED_DEMO !== '0' : database.mode === 'embedded',
  };
}

/** Without AUTH_SECRET, a secret kept in the data folder lets sessions survive restarts of a local install. */
function persistentSecret(dataDir: string): string {
  const file = path.join(dataDir, 'auth-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
