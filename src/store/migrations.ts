import { ReplayguardError } from '../errors.js';
import type { SqliteDatabase } from './sqlite-open.js';

/** One step of a schema's history: applied in order, each in its own transaction. */
export interface Migration {
  version: number;
  description: string;
  /** SQL, or a function for steps SQL alone cannot do (e.g. computing route templates). */
  up: string | ((db: SqliteDatabase) => void);
}

/**
 * Bring a database to the newest schema version, recorded in PRAGMA user_version. A file written by a
 * newer replayguard is refused rather than half-understood. `application_id` marks the file as ours,
 * so a foreign SQLite database is not "migrated" into something it never was.
 */
export function migrate(db: SqliteDatabase, migrations: Migration[], meta: { file: string; applicationId: number }): void {
  const latest = migrations[migrations.length - 1]?.version ?? 0;
  const current = db.pragma('user_version', { simple: true }) as number;
  const appId = db.pragma('application_id', { simple: true }) as number;
  if (current > latest) {
    throw new ReplayguardError('RG_ERR_DB_TOO_NEW', { file: meta.file, found: current, supported: latest });
  }
  if (appId !== 0 && appId !== meta.applicationId) {
    throw new ReplayguardError('RG_ERR_DB_NOT_REPLAYGUARD', { file: meta.file, reason: `application_id ${appId}` });
  }
  if (current === 0 && appId === 0) {
    const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number };
    if (tables.n > 0) {
      throw new ReplayguardError('RG_ERR_DB_NOT_REPLAYGUARD', { file: meta.file, reason: 'it already holds tables of another application' });
    }
  }
  if (current === latest) return;
  // A 0-byte file (or an SQLite file with nothing in it) is not an old replayguard database: there is
  // nothing to migrate, and read-only there is nothing to read.
  if (db.readonly && current === 0) throw new ReplayguardError('RG_ERR_DB_EMPTY', { file: meta.file });
  if (db.readonly) {
    throw new ReplayguardError('RG_ERR_DB_OPEN', {
      file: meta.file,
      reason: `schema version ${current} needs migrating to ${latest}, but the file is opened read-only; run \`replayguard migrate --db ${meta.file}\` once`,
    });
  }
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      if (typeof m.up === 'string') db.exec(m.up);
      else m.up(db);
      db.pragma(`user_version = ${m.version}`);
      db.pragma(`application_id = ${meta.applicationId}`);
    })();
  }
}
