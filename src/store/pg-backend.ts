import type { StoreBackend } from './open-store.js';
import { openPgRecordingStore } from './pg-recording-store.js';

/**
 * `postgres://` locations: recordings in a PostgreSQL schema, shared by many recorders. Results stay
 * in `<out>/results.db` (a file), so this backend opens recordings only.
 */
export const backend: StoreBackend = {
  openRecordingStore: (location, options) => openPgRecordingStore(location, { readonly: options.readonly }),
};
