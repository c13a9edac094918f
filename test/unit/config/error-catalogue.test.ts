import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogue, isReplayguardError, reasonOf, ReplayguardError, type ErrorCode } from '../../../src/errors.js';

// The error catalogue (src/errors.ts) has no folder of its own; it is tested next to the configuration
// errors that use it most.
describe('error catalogue', () => {
  const codes = Object.keys(catalogue) as ErrorCode[];

  it.each(codes)('%s has a message, a hint and a CLI exit code', (code) => {
    const entry = catalogue[code];
    expect(code).toMatch(/^RG_ERR_[A-Z_]+$/);
    expect(entry.message.trim().length).toBeGreaterThan(5);
    expect(entry.hint.trim().length).toBeGreaterThan(5);
    expect([1, 2]).toContain(entry.exit);
  });

  it.each(codes)('%s fills every placeholder it uses', (code) => {
    const entry = catalogue[code];
    const names = [...`${entry.message} ${entry.hint}`.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    const params = Object.fromEntries(names.map((n) => [n, `<${n}>`]));
    const err = new ReplayguardError(code, params);
    expect(`${err.message} ${err.hint}`).not.toMatch(/\{\w+\}/);
    for (const n of names) expect(`${err.message} ${err.hint}`).toContain(`<${n}>`);
  });

  it('builds an Error with code, hint, exit code, params and cause', () => {
    const cause = new Error('EACCES: permission denied');
    const err = new ReplayguardError('RG_ERR_DB_OPEN', { file: '/data/rec.db', reason: 'permission denied' }, { cause });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('ReplayguardError');
    expect(err.code).toBe('RG_ERR_DB_OPEN');
    expect(err.message).toBe('cannot open database /data/rec.db: permission denied');
    expect(err.exitCode).toBe(2);
    expect(err.params).toEqual({ file: '/data/rec.db', reason: 'permission denied' });
    expect(err.cause).toBe(cause);
    expect(new ReplayguardError('RG_ERR_USAGE', { details: 'x' })).not.toHaveProperty('cause');
  });

  it('describe() gives the code, the cause and the fix', () => {
    const err = new ReplayguardError('RG_ERR_SESSION_NOT_FOUND', { session: 'nightly', file: 'rec.db' });
    expect(err.describe()).toBe('RG_ERR_SESSION_NOT_FOUND: session "nightly" not found in rec.db\n  fix: run `replayguard ls --db rec.db` to see the recorded sessions');
  });

  it('leaves a placeholder visible when its parameter is missing, rather than print "undefined"', () => {
    expect(new ReplayguardError('RG_ERR_DB_NOT_FOUND').message).toBe('recordings database {file} does not exist');
  });

  it('recognises its own errors only', () => {
    expect(isReplayguardError(new ReplayguardError('RG_ERR_USAGE', { details: 'x' }))).toBe(true);
    expect(isReplayguardError(new Error('x'))).toBe(false);
    expect(isReplayguardError({ code: 'RG_ERR_USAGE' })).toBe(false);
  });

  it('reasonOf names errno codes once, and copes with non-errors', () => {
    const errno = Object.assign(new Error('no such file'), { code: 'ENOENT' });
    expect(reasonOf(errno)).toBe('ENOENT: no such file');
    const already = Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' });
    expect(reasonOf(already)).toBe('ENOENT: no such file');
    expect(reasonOf('plain')).toBe('plain');
    expect(reasonOf(42)).toBe('42');
  });

  // A foreign value wrapped to destroy a stream with is not an error of ours; one thrown or rejected with is.
  it('src raises catalogue errors only: nothing throws or rejects with a plain Error', () => {
    const src = path.resolve(import.meta.dirname, '../../../src');
    const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && f !== 'errors.ts');
    expect(files.length).toBeGreaterThan(20);
    const plain = files.filter((f) => /(\bthrow|\breject\()\s*new (Type|Range)?Error\(/.test(readFileSync(path.join(src, f), 'utf8')));
    expect(plain).toEqual([]);
  });
});
