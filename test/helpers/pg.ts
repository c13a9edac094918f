import path from 'node:path';
import pg from 'pg';
import { afterAll } from 'vitest';
import { testPgUrl } from './requirements.js';

/**
 * PostgreSQL for tests, on top of requirements.ts (which decides whether the suites run): each test
 * file works in schemas of its own, dropped after its tests.
 */

/** Run SQL on the test server with a one-off connection. */
export async function pgQuery<T extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params: unknown[] = [], url = testPgUrl()): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** `url` with `?schema=` set. */
export function withSchema(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('schema', schema);
  return u.toString();
}

/**
 * Schemas owned by one test file: `next()` names a fresh one (lower-case, unique per process) and
 * every schema named is dropped (CASCADE) after the file's tests.
 */
export function pgSchemas(testFile: string): { next(): string; url(schema: string): string } {
  const base = `rgt_${path.basename(testFile).replace(/\.test\.ts$/, '').replace(/[^a-z0-9]+/gi, '_').toLowerCase().slice(0, 30)}_${process.pid}`;
  const made: string[] = [];
  afterAll(async () => {
    if (made.length === 0) return;
    await pgQuery(made.map((s) => `DROP SCHEMA IF EXISTS "${s}" CASCADE;`).join('\n')).catch(() => {});
  });
  return {
    next() {
      const name = `${base}_${made.length + 1}`;
      made.push(name);
      return name;
    },
    url: (schema) => withSchema(testPgUrl(), schema),
  };
}
