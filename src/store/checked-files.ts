import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Which recordings files already passed `PRAGMA quick_check` unchanged since: a stamp per file (its
 * device, inode, size, and modification and change times to the nanosecond, with those of its WAL)
 * in a private per-user folder under the temp directory. A replay of the same recording again (a
 * developer iterating, several replays in one CI job) then skips a check that reads every page —
 * 0.3 s for a 20 MB file here. Any write to the file or its WAL changes the stamp; the check then
 * runs again. Stamps are a cache: when they cannot be read or written, the check simply runs.
 */
function identity(file: string): string | null {
  try {
    const part = (f: string): string => {
      const s = statSync(f, { bigint: true, throwIfNoEntry: false });
      return s ? `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}` : '-';
    };
    return `${part(file)}|${part(`${file}-wal`)}`;
  } catch {
    return null;
  }
}

function stampDir(): string | null {
  try {
    const uid = process.getuid?.() ?? 0;
    const dir = path.join(os.tmpdir(), `replayguard-checked-${uid}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Somebody else's folder could hold forged stamps: trust only our own, private one.
    const s = statSync(dir);
    return s.uid === uid && (s.mode & 0o077) === 0 ? dir : null;
  } catch {
    return null;
  }
}

const stampFile = (dir: string, file: string): string => path.join(dir, createHash('sha256').update(path.resolve(file)).digest('hex').slice(0, 32));

/** True when `file` is exactly as it was when its last check passed. */
export function checkedUnchanged(file: string): boolean {
  const dir = stampDir();
  const id = identity(file);
  if (!dir || !id) return false;
  try {
    return readFileSync(stampFile(dir, file), 'utf8') === id;
  } catch {
    return false;
  }
}

/** The identity of `file` now, taken before its check runs (see `rememberChecked`). */
export function fileIdentity(file: string): string | null {
  return identity(file);
}

/** Remember that `file`, as identified before the check, passed it. */
export function rememberChecked(file: string, before: string | null): void {
  const dir = stampDir();
  if (!dir || !before || identity(file) !== before) return;
  try {
    writeFileSync(stampFile(dir, file), before, { mode: 0o600 });
  } catch {
    /* a cache: the next replay checks again */
  }
}
