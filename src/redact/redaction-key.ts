import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ReplayguardError, reasonOf } from '../errors.js';

/** The environment variable that supplies the redaction key (wins over the key file). */
export const REDACTION_KEY_ENV = 'REPLAYGUARD_REDACTION_KEY';

export interface RedactionKey {
  key: Buffer;
  /** Where it came from: the environment, the key file (its path), or made up for this process. */
  source: 'env' | 'file' | 'ephemeral';
  file?: string;
}

/**
 * The key file lives beside the recordings database, never inside it: a copied database alone does
 * not let anyone test guesses against its placeholders.
 */
export function redactionKeyFile(db: string, cwd = process.cwd()): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(db)) return path.resolve(cwd, 'replayguard.redaction-key');
  return `${path.resolve(cwd, db)}.redaction-key`;
}

function readKeyFile(file: string): Buffer {
  const mode = statSync(file).mode & 0o777;
  // Someone widened it (a checkout, a copy): tighten it again rather than leave it readable.
  if ((mode & 0o077) !== 0) chmodSync(file, 0o600);
  const text = readFileSync(file, 'utf8').trim();
  if (text.length < 16) {
    throw new ReplayguardError('RG_ERR_REDACTION_KEY', { file, reason: `the key file holds ${text.length} characters; it needs at least 16`, env: REDACTION_KEY_ENV });
  }
  return Buffer.from(text, 'utf8');
}

/**
 * The key for placeholders. Recording creates the key file (mode 0600) on first use; replay only reads
 * it, and without one makes up a key for its own run: its placeholders then match each other but not
 * the recording's, which replay never needs (it follows placeholders by position, not by value).
 */
export function loadRedactionKey(options: { env: Record<string, string | undefined>; keyFile: string; create: boolean }): RedactionKey {
  const fromEnv = options.env[REDACTION_KEY_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return { key: Buffer.from(fromEnv, 'utf8'), source: 'env' };
  const file = options.keyFile;
  try {
    return { key: readKeyFile(file), source: 'file', file };
  } catch (e) {
    if (e instanceof ReplayguardError) throw e;
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    if (!missing) throw new ReplayguardError('RG_ERR_REDACTION_KEY', { file, reason: reasonOf(e), env: REDACTION_KEY_ENV }, { cause: e });
  }
  if (!options.create) return { key: randomBytes(32), source: 'ephemeral' };
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    // `wx`: two recorders starting at once must not each write their own key.
    writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new ReplayguardError('RG_ERR_REDACTION_KEY', { file, reason: reasonOf(e), env: REDACTION_KEY_ENV }, { cause: e });
    }
  }
  try {
    return { key: readKeyFile(file), source: 'file', file };
  } catch (e) {
    throw new ReplayguardError('RG_ERR_REDACTION_KEY', { file, reason: reasonOf(e), env: REDACTION_KEY_ENV }, { cause: e });
  }
}
