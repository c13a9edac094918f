import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isReplayguardError } from '../../../src/errors.js';
import { loadRedactionKey, redactionKeyFile } from '../../../src/redact/redaction-key.js';
import { tempDir } from '../../helpers/temp.js';

describe('redaction key', () => {
  it('lives beside the database (or in the working folder for a server URL), never inside it', () => {
    expect(redactionKeyFile('recordings/x.db', '/w')).toBe('/w/recordings/x.db.redaction-key');
    expect(redactionKeyFile('postgres://h/db', '/w')).toBe('/w/replayguard.redaction-key');
  });

  it('is created once, mode 0600, in a folder that may not exist yet, and read back the same', () => {
    const file = path.join(tempDir(), 'deeper', 'rec.db.redaction-key');
    const first = loadRedactionKey({ env: {}, keyFile: file, create: true });
    expect(first.source).toBe('file');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toMatch(/^[0-9a-f]{64}$/);
    expect(loadRedactionKey({ env: {}, keyFile: file, create: true }).key).toEqual(first.key);
    expect(loadRedactionKey({ env: {}, keyFile: file, create: false }).key).toEqual(first.key);
  });

  it('tightens a key file someone made readable to others', () => {
    const file = path.join(tempDir(), 'k');
    writeFileSync(file, 'a-key-of-sixteen-or-more\n');
    chmodSync(file, 0o644);
    expect(loadRedactionKey({ env: {}, keyFile: file, create: false }).key.toString()).toBe('a-key-of-sixteen-or-more');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('takes REPLAYGUARD_REDACTION_KEY first; replay without any key makes up its own, never writing', () => {
    const file = path.join(tempDir(), 'none.redaction-key');
    expect(loadRedactionKey({ env: { REPLAYGUARD_REDACTION_KEY: 'from-the-env' }, keyFile: file, create: true })).toEqual({ key: Buffer.from('from-the-env'), source: 'env' });
    const a = loadRedactionKey({ env: {}, keyFile: file, create: false });
    const b = loadRedactionKey({ env: {}, keyFile: file, create: false });
    expect(a.source).toBe('ephemeral');
    expect(a.key).not.toEqual(b.key);
    expect(() => statSync(file)).toThrow();
  });

  it('a key file too short to be a key is a catalogue error naming the file and the fix', () => {
    const file = path.join(tempDir(), 'short');
    writeFileSync(file, 'abc', { mode: 0o600 });
    try {
      loadRedactionKey({ env: {}, keyFile: file, create: true });
      expect.unreachable();
    } catch (e) {
      expect(isReplayguardError(e) && e.code).toBe('RG_ERR_REDACTION_KEY');
      expect((e as Error).message).toContain(file);
    }
  });
});
