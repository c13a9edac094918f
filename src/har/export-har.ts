import { open, type FileHandle } from 'node:fs/promises';
import type { Config } from '../config/schema.js';
import { ReplayguardError, reasonOf } from '../errors.js';
import { displayLocation, openRecordingStore, resolveLocation } from '../store/open-store.js';
import { exchangeToEntry } from './exchange-entry.js';

export interface ExportHarOptions {
  config: Readonly<Config>;
  session: string;
  /** Where the HAR is written. */
  file: string;
  /** `creator.version`. */
  version: string;
}

/**
 * Writes a session as a HAR 1.2 file, entry by entry (memory stays flat whatever the session's
 * size). Values redacted at record time stay redacted: only stored bytes are exported.
 */
export async function exportHar(options: ExportHarOptions): Promise<{ entries: number }> {
  const location = resolveLocation(options.config.db);
  const store = await openRecordingStore(location, { readonly: true });
  try {
    const session = await store.findSession(options.session);
    if (!session) throw new ReplayguardError('RG_ERR_SESSION_NOT_FOUND', { session: options.session, file: displayLocation(location) });
    let out: FileHandle;
    try {
      out = await open(options.file, 'w');
    } catch (e) {
      throw new ReplayguardError('RG_ERR_HAR_WRITE', { file: options.file, reason: reasonOf(e) }, { cause: e });
    }
    const write = async (s: string) => {
      await out.write(s);
    };
    let entries = 0;
    try {
      const log = { version: '1.2', creator: { name: 'replayguard', version: options.version }, pages: [], comment: `session "${session.name}" recorded from ${session.upstream}` };
      const head = JSON.stringify({ log: { ...log, entries: [] } });
      // Stream the entries into the array the head ends with.
      await write(`${head.slice(0, head.length - '[]}}'.length)}[\n`);
      for await (const e of store.iterate(session.id)) {
        await write(`${entries ? ',\n' : ''}${JSON.stringify(exchangeToEntry(e, options.config.compare.maxDecodedBytes))}`);
        entries++;
      }
      await write('\n]}}\n');
    } finally {
      await out.close();
    }
    return { entries };
  } finally {
    await store.close();
  }
}
