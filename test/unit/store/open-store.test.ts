import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReplayguardError } from '../../../src/errors.js';
import { displayLocation, openRecordingStore, openResultsStore, resolveLocation, schemeOf } from '../../../src/store/open-store.js';
import { runCliCaptured } from '../../helpers/replay.js';
import { tempDir } from '../../helpers/temp.js';

async function codeOf(p: Promise<unknown>): Promise<ReplayguardError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ReplayguardError);
  return e as ReplayguardError;
}

describe('openRecordingStore / openResultsStore', () => {
  it('open a file path as SQLite, recordings and results alike', async () => {
    const dir = tempDir();
    const rec = await openRecordingStore(path.join(dir, 'rec.db'));
    const s = await rec.openSession({ name: 'x', upstream: 'http://u', startedAt: 1 });
    expect(s.name).toBe('x');
    expect(rec.location).toBe(path.join(dir, 'rec.db'));
    await rec.close();
    const res = await openResultsStore(path.join(dir, 'results.db'));
    expect((await res.createRun({ startedAt: 1, target: 't', baseline: null, recordingsDb: rec.location, session: 'x', configFingerprint: '', config: {} })).id).toBe(1);
    await res.close();
  });

  it('refuse a URL scheme no backend handles with RG_ERR_STORE_UNSUPPORTED, never showing the password', async () => {
    const url = 'mysql://rg:s3cret@127.0.0.1:3306/recordings';
    for (const open of [openRecordingStore(url), openResultsStore(url, { readonly: true })]) {
      const err = await codeOf(open);
      expect(err.code).toBe('RG_ERR_STORE_UNSUPPORTED');
      expect(err.exitCode).toBe(2);
      expect(err.message).toContain('mysql://');
      expect(`${err.message} ${err.hint}`).not.toContain('s3cret');
      expect(err.hint).toMatch(/file path/);
    }
  });

  it('tell URLs from file paths, resolve only paths, and mask passwords for display', () => {
    expect(schemeOf('postgres://rg@db:5432/rg')).toBe('postgres');
    expect(schemeOf('POSTGRESQL://db/rg')).toBe('postgresql');
    expect(schemeOf('recordings/rec.db')).toBeNull();
    expect(schemeOf('/abs/c:/rec.db')).toBeNull();
    expect(schemeOf('C:\\data\\rec.db')).toBeNull();
    expect(resolveLocation('rec.db', '/work')).toBe('/work/rec.db');
    expect(resolveLocation('postgres://db/rg', '/work')).toBe('postgres://db/rg');
    expect(displayLocation('postgres://rg:hunter2@db:5432/rg')).toBe('postgres://rg:***@db:5432/rg');
    expect(displayLocation('postgres://db/rg')).toBe('postgres://db/rg');
    expect(displayLocation('/data/rec.db')).toBe('/data/rec.db');
  });

  it('the CLI exits 2 with the catalogue error for an unsupported --db', async () => {
    const { code, err } = await runCliCaptured(['ls', '--db', 'mysql://rg:s3cret@127.0.0.1/x'], { cwd: tempDir() });
    expect(code).toBe(2);
    expect(err).toContain('RG_ERR_STORE_UNSUPPORTED');
    expect(err).not.toContain('s3cret');
  });
});
