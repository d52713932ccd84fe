/**
 * Integration-test harness: a real database (in-memory PGlite, or a fresh database on the PostgreSQL server named
 * by TEST_DATABASE_URL), a real queue and blob store, and tRPC callers acting as real users.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { Upload } from '@tus/utils';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import pg from 'pg';
import type { DatabaseConfig } from '@/db/client';
import type { ServerConfig } from '@/server/config';
import { appRouter } from '@/server/routers/_app';
import { createRuntime, type Runtime } from '@/server/runtime';
import { signUp } from '@/server/services/accounts';
import { reviewGrantOfCookie } from '@/server/services/sharing';
import { createCallerFactory, type SessionUser } from '@/server/trpc/init';
import { uploadStore } from '@/server/uploads/store';

export const databaseKind = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';

async function freshDatabase(): Promise<{ config: DatabaseConfig; drop: () => Promise<void> }> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) return { config: { mode: 'embedded', dataDir: null }, drop: async () => undefined };
  const name = `bg_test_${Date.now()}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    config: { mode: 'distributed', url: url.toString() },
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export interface TestPlatform {
  runtime: Runtime;
  /** A mutation through the real HTTP handler, as a browser sends it: returns status and the error shape. */
  http(procedure: string, input: unknown, user: SessionUser | null): Promise<{ status: number; body: HttpBody }>;
  as(user: SessionUser | null): ReturnType<typeof createCaller>;
  /** A caller without an account whose request carries a review-link cookie, as a reviewer's browser does. */
  asReviewer(cookie: string): Promise<ReturnType<typeof createCaller>>;
  user(name: string): Promise<SessionUser>;
  /** Puts bytes through the tus store the upload route writes to, as a finished upload of this user for the lab. */
  upload(user: SessionUser, labId: string, name: string, bytes: Uint8Array): Promise<string>;
  close(): Promise<void>;
}

const createCaller = createCallerFactory(appRouter);

interface HttpBody {
  error?: { json: { message: string; code: number; data: { code: string; zodError: { fieldErrors: Record<string, string[]> } | null } } };
}

export async function startTestPlatform(queue: { heartbeatSeconds?: number; superviseIntervalSeconds?: number } = {}): Promise<TestPlatform> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'brainglass-test-'));
  const database = await freshDatabase();
  const config: ServerConfig = {
    dataDir: dir,
    database: database.config,
    blobDir: path.join(dir, 'blobs'),
    uploadDir: path.join(dir, 'uploads'),
    runWorkers: false,
    authSecret: 'test-secret',
    seedDemo: false,
  };
  const runtime = await createRuntime(config, queue);
  let n = 0;
  return {
    runtime,
    as: (user) => createCaller({ runtime, user, review: null }),
    asReviewer: async (cookie) => createCaller({ runtime, user: null, review: await reviewGrantOfCookie(runtime.db, config.authSecret, cookie) }),
    async http(procedure, input, user) {
      const res = await fetchRequestHandler({
        endpoint: '/api/trpc',
        req: new Request(`http://test/api/trpc/${procedure}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ json: input }),
        }),
        router: appRouter,
        createContext: async () => ({ runtime, user, review: null }),
      });
      return { status: res.status, body: (await res.json()) as HttpBody };
    },
    async user(name) {
      const u = await signUp(runtime.db, { name, email: `${name.toLowerCase()}-${++n}@example.org`, password: 'a long enough password' });
      return { id: u.id, name: u.name, email: u.email };
    },
    async upload(user, labId, name, bytes) {
      const store = uploadStore(config.uploadDir);
      const id = `test-${++n}-${Date.now()}`;
      await store.create(new Upload({ id, size: bytes.length, offset: 0, metadata: { filename: name, labId, userId: user.id } }));
      await store.write(Readable.from([Buffer.from(bytes)]), id, 0);
      return id;
    },
    async close() {
      await runtime.close();
      await database.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `read` until `done` holds (jobs and analyses finish in the background), failing after `timeoutMs`. */
export async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 300_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
