import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import * as schema from './schema';

export type Schema = typeof schema;
/** The same query API whichever engine is underneath. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export type DatabaseConfig =
  | { mode: 'embedded'; dataDir: string | null } // null: in memory (tests)
  | { mode: 'distributed'; url: string };

export interface Database {
  db: Db;
  config: DatabaseConfig;
  /** Present in embedded mode: pg-boss runs on the same single connection. */
  pglite?: PGlite;
  /** Present in distributed mode. */
  url?: string;
  close(): Promise<void>;
}

const migrationsFolder = path.join(process.cwd(), 'db', 'migrations');

/** Opens the database and brings its schema up to date (drizzle-kit migrations, applied in order, once each). */
export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  if (config.mode === 'embedded') {
    if (config.dataDir) mkdirSync(config.dataDir, { recursive: true });
    const pglite = config.dataDir ? new PGlite(path.join(config.dataDir, 'pg')) : new PGlite();
    const db = drizzlePglite({ client: pglite, schema });
    await migratePglite(db, { migrationsFolder });
    return { db: db as unknown as Db, config, pglite, close: () => pglite.close() };
  }
  const pool = new pg.Pool({ connectionString: config.url, max: 10 });
  const db = drizzlePg({ client: pool, schema });
  await migratePg(db, { migrationsFolder });
  return { db: db as unknown as Db, config, url: config.url, close: () => pool.end() };
}

export function databaseConfigFromEnv(env: Record<string, string | undefined>, dataDir: string): DatabaseConfig {
  const url = env.DATABASE_URL;
  if (url && /^postgres(ql)?:\/\//.test(url)) return { mode: 'distributed', url };
  if (url) throw new Error(`DATABASE_URL must be a postgres:// URL (got "${url.split(':')[0]}:..."); unset it for the embedded database`);
  return { mode: 'embedded', dataDir };
}
