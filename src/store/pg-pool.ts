import pg from 'pg';
import { ReplayguardError, reasonOf } from '../errors.js';
import type { PgLocation } from './pg-location.js';

const INT8_OID = 20;

/** bigint columns come back as numbers: ids, seqs, counts and epoch milliseconds all fit in 2^53. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

export interface PgPoolOptions {
  /** Every transaction read-only (replay, ls): the server refuses any write. */
  readonly?: boolean;
  /** @default 4 */
  max?: number;
  /** @default 5000 */
  connectTimeoutMs?: number;
}

/** SQLSTATE classes and socket errors that mean "the server is not there (now)", worth retrying. */
export function isConnectionError(e: unknown): boolean {
  const err = e as { code?: string; message?: string };
  const code = err?.code ?? '';
  if (/^(08|57P)/.test(code)) return true; // connection exceptions, admin shutdown / cannot connect now
  if (['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN'].includes(code)) return true;
  return /Connection terminated|connection timeout|Client has encountered a connection error|not queryable/i.test(err?.message ?? '');
}

/**
 * A small pool for one store. Idle connections that the server drops (restart, failover) raise an
 * error on the pool, not on a query: it is swallowed here, the pool discards the connection and the
 * next query reconnects.
 */
export function createPgPool(location: PgLocation, options: PgPoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: location.connectionString,
    max: options.max ?? 4,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    idleTimeoutMillis: 10_000,
    application_name: 'replayguard',
    types,
    ...(options.readonly ? { options: '-c default_transaction_read_only=on' } : {}),
  });
  pool.on('error', () => {});
  // Once per connection, not per checkout: a listener added at each use piles up on pooled clients.
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}

/** The first connection, with "server not there" turned into our error naming the URL and the cause. */
export async function connectOrExplain(pool: pg.Pool, location: PgLocation): Promise<pg.PoolClient> {
  try {
    return await pool.connect();
  } catch (e) {
    throw new ReplayguardError('RG_ERR_DB_UNREACHABLE', { url: location.display, reason: reasonOf(e) }, { cause: e });
  }
}
