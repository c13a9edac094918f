import { closeSync, openSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReplayguardError } from '../../../src/errors.js';
import { checkedUnchanged } from '../../../src/store/checked-files.js';
import { SqliteRecordingStore } from '../../../src/store/sqlite-recording-store.js';
import { makeExchange } from '../../helpers/store-contract.js';
import { tempDir } from '../../helpers/temp.js';

const PAGE = 4096;

async function recordings(): Promise<string> {
  const file = path.join(tempDir(), 'rec.db');
  const store = new SqliteRecordingStore(file);
  const s = await store.openSession({ name: 's', upstream: 'http://upstream.test', startedAt: 1 });
  await store.append(s.id, Array.from({ length: 300 }, (_, i) => makeExchange({ url: `/items/${i}?pad=${'p'.repeat(400)}` })));
  await store.close();
  return file;
}

function openVerified(file: string): void {
  new SqliteRecordingStore(file, { readonly: true, verify: true }).close();
}

describe('quick_check once per unchanged recordings file', () => {
  it('a file that passed is not checked again until a byte of it changes; then the damage is found', async () => {
    const file = await recordings();
    expect(checkedUnchanged(file)).toBe(false);
    openVerified(file);
    expect(checkedUnchanged(file)).toBe(true);

    // Same size, one page overwritten in place: the stamp no longer matches and the check runs.
    const pages = statSync(file).size / PAGE;
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(PAGE, 0xa5), 0, PAGE, Math.floor(pages / 2) * PAGE);
    closeSync(fd);
    expect(statSync(file).size).toBe(pages * PAGE);
    expect(checkedUnchanged(file)).toBe(false);
    for (let attempt = 0; attempt < 2; attempt++) {
      let error: unknown = null;
      try {
        openVerified(file);
      } catch (e) {
        error = e;
      }
      // A failed check leaves no stamp: the second open is refused too.
      expect(error).toBeInstanceOf(ReplayguardError);
      expect((error as ReplayguardError).code).toBe('RG_ERR_DB_CORRUPT');
    }
  });
});
