import { PGlite } from '@electric-sql/pglite';
import { readdirSync } from 'node:fs';
const dir = process.argv[2];
const sub = readdirSync(dir).find((d) => d.includes('pg') || d.includes('db')) ?? '';
const db = new PGlite(`${dir}/${sub}`);
const r = await db.query(`select kind, state, step, progress, error, created_at, updated_at from jobs order by created_at`);
console.log(sub, r.rows);
