import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ReplayguardError, reasonOf } from '../errors.js';
import { corruptionError, isCorruption } from './sqlite-corruption.js';

export type SqliteDatabase = Database.Database;

export interface OpenOptions {
  /** Open read-only; the file must exist and is never modified. */
  readonly?: boolean;
  /** Fail with RG_ERR_DB_NOT_FOUND instead of creating the file. */
  mustExist?: boolean;
  /**
   * Runs on the fresh handle before anything is written (the switch to WAL rewrites the file
   * header): check the file is ours and migrate it here, so a foreign or newer file is refused untouched.
   */
  prepare?: (db: SqliteDatabase) => void;
}

/**
 * Open (or create, with mode 0600) an SQLite file the way every replayguard database wants it:
 * WAL so readers never block the writer, synchronous=NORMAL (durable across process crashes, and
 * at worst loses the last transactions on power loss, which a recorder can afford).
 */
export function openSqlite(file: string, options: OpenOptions = {}): SqliteDatabase {
  const abs = path.resolve(file);
  const exists = existsSync(abs);
  if (!exists && (options.readonly || options.mustExist)) {
    throw new ReplayguardError('RG_ERR_DB_NOT_FOUND', { file: abs });
  }
  if (!exists) {
    try {
      mkdirSync(path.dirname(abs), { recursive: true });
      // Create the file ourselves so its mode is 0600 from the first byte; SQLite gives the -wal and
      // -shm files the same mode as the database.
      closeSync(openSync(abs, 'wx', 0o600));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new ReplayguardError('RG_ERR_DB_OPEN', { file: abs, reason: reasonOf(e) }, { cause: e });
      }
    }
  }
  let db: SqliteDatabase | undefined;
  try {
    db = new Database(abs, { readonly: options.readonly ?? false, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    // Touch the schema so a file that is not SQLite fails here, with our error, not on first use.
    db.pragma('user_version', { simple: true });
    options.prepare?.(db);
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
  } catch (e) {
    db?.close();
    if (e instanceof ReplayguardError) throw e;
    const reason = reasonOf(e);
    if (/not a database|file is encrypted/i.test(reason)) {
      throw new ReplayguardError('RG_ERR_DB_NOT_REPLAYGUARD', { file: abs, reason }, { cause: e });
    }
    if (isCorruption(e)) throw corruptionError(abs, reason, e);
    throw new ReplayguardError('RG_ERR_DB_OPEN', { file: abs, reason }, { cause: e });
  }
  return db;
}
