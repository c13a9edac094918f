import path from 'node:path';
import { ReplayguardError } from '../errors.js';
import { SqliteRecordingStore } from './sqlite-recording-store.js';
import { SqliteResultsStore } from './sqlite-results-store.js';
import type { RecordingStore, ResultsStore, StoreOpenOptions } from './store.js';

/**
 * What a backend other than SQLite exports (as `backend`, from `src/store/<name>-backend.ts`): it is
 * loaded only when a location names its scheme, so its driver costs nothing to those who never use it.
 */
export interface StoreBackend {
  openRecordingStore(location: string, options: StoreOpenOptions): Promise<RecordingStore>;
  /** Absent when the backend keeps recordings only. */
  openResultsStore?(location: string, options: StoreOpenOptions): Promise<ResultsStore>;
}

/** URL schemes and the backend each one loads. */
const BACKENDS: Record<string, () => Promise<{ backend: StoreBackend }>> = {
  postgres: () => import('./pg-backend.js'),
  postgresql: () => import('./pg-backend.js'),
};

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

/** The scheme of a location that is a URL, or null for a file path (SQLite). */
export function schemeOf(location: string): string | null {
  const m = SCHEME.exec(location);
  return m ? m[1]!.toLowerCase() : null;
}

/** The results store of a replay's `--out` folder. */
export function resultsLocation(outDir: string): string {
  return path.join(outDir, 'results.db');
}

/** A `--db` value made absolute: file paths against `cwd`, URLs as they are. */
export function resolveLocation(location: string, cwd: string = process.cwd()): string {
  return schemeOf(location) ? location : path.resolve(cwd, location);
}

/** A location safe to print: the password of a URL is never shown. */
export function displayLocation(location: string): string {
  if (!schemeOf(location)) return location;
  try {
    const u = new URL(location);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return location.replace(/\/\/[^@/]*@/, '//***@');
  }
}

function unsupported(location: string, scheme: string): ReplayguardError {
  return new ReplayguardError('RG_ERR_STORE_UNSUPPORTED', { location: displayLocation(location), scheme });
}

async function loadBackend(location: string, scheme: string): Promise<StoreBackend> {
  const load = BACKENDS[scheme];
  if (!load) throw unsupported(location, scheme);
  return (await load()).backend;
}

/**
 * Open the recordings store a `--db` value names: a file path means SQLite (the default), a
 * `postgres://` URL the PostgreSQL backend. Every consumer (recorder, replay, ls, migrate) opens its
 * store here and uses it through the `RecordingStore` interface only.
 */
export async function openRecordingStore(location: string, options: StoreOpenOptions = {}): Promise<RecordingStore> {
  const scheme = schemeOf(location);
  if (scheme) return (await loadBackend(location, scheme)).openRecordingStore(location, options);
  return new SqliteRecordingStore(location, options);
}

/** Open the results store at `location` (`<out>/results.db`, or a backend URL); see `openRecordingStore`. */
export async function openResultsStore(location: string, options: StoreOpenOptions = {}): Promise<ResultsStore> {
  const scheme = schemeOf(location);
  if (scheme) {
    const backend = await loadBackend(location, scheme);
    if (!backend.openResultsStore) throw unsupported(location, scheme);
    return backend.openResultsStore(location, options);
  }
  return new SqliteResultsStore(location, options);
}
