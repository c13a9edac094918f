import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { constants, inflateRawSync } from 'node:zlib';
import { expect } from 'vitest';

export interface WrittenFile {
  file: string;
  bytes: Buffer;
}

/**
 * Every file under the given paths (folders recursively; a database file with its -wal and -shm), as
 * bytes: what replayguard left on disk for a case.
 */
export function writtenFiles(...paths: readonly string[]): WrittenFile[] {
  const out: WrittenFile[] = [];
  const visit = (p: string): void => {
    if (!existsSync(p)) return;
    if (statSync(p).isDirectory()) {
      for (const name of readdirSync(p)) visit(path.join(p, name));
      return;
    }
    out.push({ file: p, bytes: readFileSync(p) });
  };
  for (const p of paths) {
    visit(p);
    if (!p.endsWith('-wal') && !p.endsWith('-shm') && existsSync(p) && !statSync(p).isDirectory()) {
      for (const side of [`${p}-wal`, `${p}-shm`]) if (!paths.includes(side)) visit(side);
    }
  }
  return out;
}

/**
 * What a gzip stream hides: every gzip member found in `bytes` (its magic, then deflate), inflated as
 * far as it goes. A body stored compressed would otherwise pass a byte search with its secret inside.
 */
function inflatedMembers(bytes: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let i = bytes.indexOf(GZIP_MAGIC); i >= 0; i = bytes.indexOf(GZIP_MAGIC, i + 1)) {
    try {
      // Sync flush: a member cut short (a page boundary, trailing bytes) still yields what precedes.
      const inflated = inflateRawSync(bytes.subarray(i + 10), { finishFlush: constants.Z_SYNC_FLUSH });
      if (inflated.length) out.push(inflated);
    } catch {
      // Not a real member: the magic bytes occurred by chance.
    }
  }
  return out;
}
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b, 0x08]);

/** The ways a secret can be spelled in a file: as is, URL-encoded, JSON-escaped, base64 and base64url. */
export function spellings(secret: string): string[] {
  const b = Buffer.from(secret);
  return [...new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1), b.toString('base64').replace(/=+$/, ''), b.toString('base64url')])];
}

/** No spelling of any secret in any byte of the files, nor inside any gzip stream they hold. */
export function expectNoSecrets(secrets: readonly string[], files: readonly WrittenFile[]): void {
  expect(files.length, 'no files to search').toBeGreaterThan(0);
  for (const { file, bytes } of files) {
    const views = [bytes, ...inflatedMembers(bytes)];
    for (const secret of secrets) {
      for (const spelling of spellings(secret)) {
        const needle = Buffer.from(spelling);
        views.forEach((v, n) => expect(v.includes(needle), `${spelling} found in ${file}${n ? ' (inside a gzip stream)' : ''}`).toBe(false));
      }
    }
  }
}
