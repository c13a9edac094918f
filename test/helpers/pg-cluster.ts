import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll } from 'vitest';
import { deadPort } from './servers.js';

/**
 * A PostgreSQL server of the test's own, for tests that stop and start the database: the machine's
 * shared server (REPLAYGUARD_TEST_PG) is never stopped. initdb + pg_ctl from the installed binaries,
 * run as the `postgres` user when the tests run as root (the server refuses to run as root), into a
 * temporary folder on a free port, trust authentication, removed after the file's tests.
 */

const run = promisify(execFile);

/** Where Debian/Ubuntu put the server binaries; `REPLAYGUARD_PG_BIN` overrides. */
export function pgBinDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.REPLAYGUARD_PG_BIN) return env.REPLAYGUARD_PG_BIN;
  for (const version of ['17', '16', '15', '14']) {
    const dir = `/usr/lib/postgresql/${version}/bin`;
    if (existsSync(path.join(dir, 'pg_ctl'))) return dir;
  }
  return undefined;
}

export interface PgCluster {
  /** `postgres://postgres@127.0.0.1:PORT/postgres` */
  url: string;
  port: number;
  /** Stop the server (fast: sessions are cut, as in a restart or failover) and wait until it is down. */
  stop(): Promise<void>;
  /** Start it again on the same port and wait until it accepts connections. */
  start(): Promise<void>;
}

const clusters: Array<{ dir: string; stop: () => Promise<void> }> = [];

afterAll(async () => {
  for (const c of clusters.splice(0)) {
    await c.stop().catch(() => {});
    rmSync(c.dir, { recursive: true, force: true });
  }
});

/** Create and start a throwaway cluster. Throws when the binaries are missing (callers check {@link pgBinDir}). */
export async function startPgCluster(): Promise<PgCluster> {
  const bin = pgBinDir();
  if (!bin) throw new Error('no PostgreSQL server binaries (set REPLAYGUARD_PG_BIN)');
  const dir = mkdtempSync(path.join(tmpdir(), 'rg-pgcluster-'));
  const data = path.join(dir, 'data');
  const asRoot = userInfo().uid === 0;
  if (asRoot) chownSync(dir, Number((await run('id', ['-u', 'postgres'])).stdout.trim()), Number((await run('id', ['-g', 'postgres'])).stdout.trim()));
  const pg = (tool: string, args: string[]) => (asRoot ? run('runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args]) : run(path.join(bin, tool), args));

  await pg('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
  const port = await deadPort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c shared_buffers=16MB -c max_connections=40`;
  const start = async () => void (await pg('pg_ctl', ['-D', data, '-o', options, '-l', path.join(dir, 'server.log'), '-w', '-t', '60', 'start']));
  const stop = async () => void (await pg('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '60', 'stop']));
  clusters.push({ dir, stop });
  await start();
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, port, stop, start };
}
