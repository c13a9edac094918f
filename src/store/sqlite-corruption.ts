import { ReplayguardError, reasonOf } from '../errors.js';
import { checkedUnchanged, fileIdentity, rememberChecked } from './checked-files.js';
import type { SqliteDatabase } from './sqlite-open.js';

/** SQLite's codes for a damaged file (SQLITE_CORRUPT and its extended codes, SQLITE_NOTADB). */
export function isCorruption(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB');
}

export function corruptionError(file: string, reason: string, cause?: unknown): ReplayguardError {
  return new ReplayguardError('RG_ERR_DB_CORRUPT', { file, reason }, { cause });
}

/**
 * `PRAGMA quick_check` (every page and b-tree, without the index cross-checks of integrity_check):
 * a damaged file is refused before anything is replayed from it, instead of failing part-way or,
 * worse, completing on whatever rows still read. About a third of the cost of reading every row once.
 */
export function quickCheck(db: SqliteDatabase, file: string): void {
  let problems: string[];
  try {
    problems = (db.pragma('quick_check(5)') as Array<{ quick_check: string }>).map((r) => r.quick_check);
  } catch (e) {
    if (isCorruption(e)) throw corruptionError(file, `PRAGMA quick_check failed: ${reasonOf(e)}`, e);
    throw e;
  }
  if (problems.length !== 1 || problems[0] !== 'ok') throw corruptionError(file, `PRAGMA quick_check: ${problems.join('; ').replace(/\s+/g, ' ').trim()}`);
}

/** quickCheck, skipped when the file is unchanged since it last passed (see checked-files.ts). */
export function quickCheckOnce(db: SqliteDatabase, file: string): void {
  if (checkedUnchanged(file)) return;
  const before = fileIdentity(file);
  quickCheck(db, file);
  rememberChecked(file, before);
}
