import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig, mergeConfig, resolveConfig } from '../../../src/config/resolve-config.js';
import { parseDuration } from '../../../src/config/schema.js';
import { ReplayguardError } from '../../../src/errors.js';
import { tempDir } from '../../helpers/temp.js';

function writeJson(dir: string, name: string, value: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}

/** Resolve in an empty folder with no environment, so nothing outside the test leaks in. */
function resolveIn(dir: string, options: Parameters<typeof resolveConfig>[0] = {}) {
  return resolveConfig({ env: {}, cwd: dir, ...options });
}

function configError(fn: () => unknown): ReplayguardError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ReplayguardError);
    return e as ReplayguardError;
  }
  throw new Error('expected a configuration error');
}

describe('resolveConfig', () => {
  it('gives the documented defaults when nothing is configured', () => {
    const { config, file } = resolveIn(tempDir());
    expect(file).toBeNull();
    expect(config.db).toBe('recordings/replayguard.db');
    expect(config.record).toMatchObject({
      host: '127.0.0.1',
      port: 8080,
      sample: 1,
      include: [],
      exclude: [],
      maxBodyBytes: 1024 * 1024,
      upstreamTimeout: 30_000,
      adminPrefix: '/__replayguard',
      queue: { maxBytes: 16 * 1024 * 1024, flushMs: 20, batchSize: 256 },
    });
    expect(config.record.upstream).toBeUndefined();
    expect(config.record.session).toBeUndefined();
    expect(config.redact).toEqual({ headers: [], keys: [], query: [], json: [], defaults: true });
    expect(config.routes.templates).toEqual([]);
    expect(config.replay).toMatchObject({ session: 'latest', concurrency: 8, timeout: 10_000, failOn: ['regression', 'error', 'unreproduced>5%'] });
    expect(config.compare.headers).toEqual(['content-type', 'location']);
  });

  it('layers file < REPLAYGUARD_DB < flags, keeping what a later layer does not set', () => {
    const dir = tempDir();
    const file = writeJson(dir, 'rg.json', { db: 'from-file.db', record: { port: 9000, sample: 0.5, include: ['GET /a/**'] }, redact: { headers: ['x-file'] } });
    const fileOnly = resolveIn(dir, { configFile: 'rg.json' });
    expect(fileOnly.file).toBe(file);
    expect(fileOnly.config.db).toBe('from-file.db');
    expect(fileOnly.config.record).toMatchObject({ port: 9000, sample: 0.5, include: ['GET /a/**'], host: '127.0.0.1' });

    const withEnv = resolveIn(dir, { configFile: 'rg.json', env: { REPLAYGUARD_DB: 'from-env.db' } });
    expect(withEnv.config.db).toBe('from-env.db');
    expect(withEnv.config.record.port).toBe(9000);

    const withFlags = resolveIn(dir, {
      configFile: 'rg.json',
      env: { REPLAYGUARD_DB: 'from-env.db' },
      overrides: { db: 'from-flag.db', record: { port: 0, sample: undefined, include: ['POST /b'] } },
    });
    expect(withFlags.config.db).toBe('from-flag.db');
    // An undefined flag does not erase the file's value; an array from a flag replaces the file's.
    expect(withFlags.config.record).toMatchObject({ port: 0, sample: 0.5, include: ['POST /b'] });
    expect(withFlags.config.redact.headers).toEqual(['x-file']);
  });

  it('finds replayguard.config.json in cwd, or the file named by REPLAYGUARD_CONFIG', () => {
    const dir = tempDir();
    writeJson(dir, 'replayguard.config.json', { record: { port: 1111 } });
    writeJson(dir, 'other.json', { record: { port: 2222 } });
    expect(resolveIn(dir).config.record.port).toBe(1111);
    expect(resolveIn(dir).file).toBe(path.join(dir, 'replayguard.config.json'));
    expect(resolveIn(dir, { env: { REPLAYGUARD_CONFIG: 'other.json' } }).config.record.port).toBe(2222);
    expect(resolveIn(dir, { env: { REPLAYGUARD_CONFIG: 'other.json' }, configFile: 'replayguard.config.json' }).config.record.port).toBe(1111);
  });

  it('returns a deeply frozen configuration', () => {
    const { config } = resolveIn(tempDir(), { overrides: { record: { include: ['/x'] } } });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.record)).toBe(true);
    expect(Object.isFrozen(config.record.queue)).toBe(true);
    expect(Object.isFrozen(config.record.include)).toBe(true);
    expect(() => {
      (config.record as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(() => (config.record.include as string[]).push('/y')).toThrow(TypeError);
    expect(config.record.include).toEqual(['/x']);
  });

  it('has a fingerprint that is stable for the same settings and changes with any of them', () => {
    const dir = tempDir();
    const a = resolveIn(dir, { overrides: { record: { sample: 0.5 } } }).fingerprint;
    const b = resolveIn(dir, { overrides: { record: { sample: 0.5 } } }).fingerprint;
    const c = resolveIn(dir, { overrides: { record: { sample: 0.25 } } }).fingerprint;
    const d = resolveIn(dir, { overrides: { compare: { ignore: ['/id'] } } }).fingerprint;
    expect(a).toMatch(/^[0-9a-f]{12}$/);
    expect(a).toBe(b);
    expect(c).not.toBe(a);
    expect(d).not.toBe(a);
    // Equivalent spellings resolve to the same settings, hence the same fingerprint.
    expect(resolveIn(dir, { overrides: { record: { upstreamTimeout: '2s' } } }).fingerprint).toBe(resolveIn(dir, { overrides: { record: { upstreamTimeout: 2000 } } }).fingerprint);
  });

  it.each([
    ['10s', 10_000],
    ['500ms', 500],
    ['2m', 120_000],
    ['1.5s', 1500],
    ['250', 250],
    [750, 750],
    [0, 0],
  ] as const)('reads the duration %j as %d ms', (input, ms) => {
    expect(resolveIn(tempDir(), { overrides: { record: { upstreamTimeout: input } } }).config.record.upstreamTimeout).toBe(ms);
    expect(parseDuration(input)).toBe(ms);
  });

  it('parseDuration rejects a malformed duration with a catalogue error', () => {
    expect(() => parseDuration('soon')).toThrow(expect.objectContaining({ code: 'RG_ERR_CONFIG_INVALID', message: expect.stringContaining('"soon" is not a duration') }));
  });

  it.each(['10 parsecs', '-5s', 'soon', '1h'])('rejects the duration %j naming the key', (input) => {
    const err = configError(() => resolveIn(tempDir(), { overrides: { record: { upstreamTimeout: input } } }));
    expect(err.code).toBe('RG_ERR_CONFIG_INVALID');
    expect(err.message).toContain('record.upstreamTimeout');
    expect(err.message).toMatch(/duration such as 500ms/);
  });

  it('names the key and the file for a bad value in the file', () => {
    const dir = tempDir();
    const file = writeJson(dir, 'bad.json', { record: { sample: 2 } });
    const err = configError(() => resolveIn(dir, { configFile: 'bad.json' }));
    expect(err.code).toBe('RG_ERR_CONFIG_INVALID');
    expect(err.exitCode).toBe(2);
    expect(err.message).toContain('record.sample');
    expect(err.hint).toContain(file);
    expect(err.describe()).toContain(file);
  });

  it('blames the file for a bad file even when flags would fix the key', () => {
    const dir = tempDir();
    const file = writeJson(dir, 'bad.json', { record: { sample: 2 } });
    const err = configError(() => resolveIn(dir, { configFile: 'bad.json', overrides: { record: { sample: 0.5 } } }));
    expect(err.message).toContain('record.sample');
    expect(err.hint).toContain(file);
    expect(err.hint).not.toContain('flags');
  });

  it('names unknown keys', () => {
    const dir = tempDir();
    writeJson(dir, 'bad.json', { record: { smaple: 0.5 } });
    const err = configError(() => resolveIn(dir, { configFile: 'bad.json' }));
    expect(err.message).toMatch(/record: .*"smaple"/);
    writeJson(dir, 'top.json', { recrod: {} });
    expect(configError(() => resolveIn(dir, { configFile: 'top.json' })).message).toMatch(/\(top level\): .*"recrod"/);
  });

  it('reports malformed JSON, a non-object file and a missing file with the file named', () => {
    const dir = tempDir();
    const broken = writeJson(dir, 'broken.json', '{"record": {"sample": 0.5,}');
    let err = configError(() => resolveIn(dir, { configFile: 'broken.json' }));
    expect(err.code).toBe('RG_ERR_CONFIG_INVALID');
    expect(err.message).toMatch(/not valid JSON/);
    expect(err.hint).toContain(broken);

    writeJson(dir, 'array.json', '[1, 2]');
    err = configError(() => resolveIn(dir, { configFile: 'array.json' }));
    expect(err.message).toMatch(/must hold a JSON object/);

    err = configError(() => resolveIn(dir, { configFile: 'nope.json' }));
    expect(err.code).toBe('RG_ERR_CONFIG_UNREADABLE');
    expect(err.message).toContain(path.join(dir, 'nope.json'));
    expect(err.message).toMatch(/ENOENT/);
  });

  it('blames the flags for a bad flag value', () => {
    const err = configError(() => resolveIn(tempDir(), { overrides: { record: { upstream: 'ftp://staging' } } }));
    expect(err.message).toMatch(/record\.upstream: expected an http\(s\) URL/);
    expect(err.hint).toContain('the command-line flags');
  });

  it.each([
    [{ record: { port: 70000 } }, 'record.port'],
    [{ record: { port: 1.5 } }, 'record.port'],
    [{ record: { sample: -0.1 } }, 'record.sample'],
    [{ record: { maxBodyBytes: -1 } }, 'record.maxBodyBytes'],
    [{ record: { adminPrefix: '/health' } }, 'record.adminPrefix'],
    [{ record: { queue: { maxBytes: 0 } } }, 'record.queue.maxBytes'],
    [{ redact: { json: ['password'] } }, 'redact.json.0'],
    [{ routes: { templates: ['users/:id'] } }, 'routes.templates.0'],
    [{ replay: { failOn: ['regressions'] } }, 'replay.failOn.0'],
    [{ compare: { routes: { '/users/:id': {} } } }, 'compare.routes./users/:id'],
  ])('rejects %j naming %s', (overrides, key) => {
    const err = configError(() => resolveIn(tempDir(), { overrides: overrides as never }));
    expect(err.message).toContain(`${key}:`);
  });

  it('explains a malformed route key rather than only calling it invalid', () => {
    const err = configError(() => resolveIn(tempDir(), { overrides: { compare: { routes: { '/users/:id': {} } } } as never }));
    expect(err.message).toMatch(/compare\.routes\.\/users\/:id: invalid key: route keys look like "GET \/users\/:id"/);
  });

  describe('noise rules', () => {
    const rule = (r: unknown) => configError(() => resolveIn(tempDir(), { overrides: { compare: { rules: [r] } } as never })).message;

    it('accepts each kind of rule alone', () => {
      const rules = [
        { path: '/id', match: 'uuid' },
        { path: '**/at', match: 'regex', pattern: '^\\d+$' },
        { path: '/n', tolerance: 0.5 },
        { path: '/n', relative: 0.1 },
        { path: '/list', unordered: true },
        { path: '/list', unorderedBy: 'id' },
        { path: '/items/*/price', match: 'type' },
      ];
      expect(resolveIn(tempDir(), { overrides: { compare: { rules } as never } }).config.compare.rules).toHaveLength(rules.length);
    });

    it.each([
      [{ path: '/id' }, /compare\.rules\.0: a rule needs exactly one of .* \(got none\)/],
      [{ path: '/id', tolerance: 1, unordered: true }, /compare\.rules\.0: .*\(got tolerance, unordered\)/],
      [{ path: '/id', match: 'regex' }, /compare\.rules\.0\.pattern: match "regex" needs a "pattern"/],
      [{ path: '/id', match: 'regex', pattern: '(' }, /compare\.rules\.0\.pattern: invalid regular expression/],
      [{ path: '/id', match: 'type', pattern: 'x' }, /compare\.rules\.0\.pattern: "pattern" is only used with match "regex"/],
      [{ path: 'id', match: 'type' }, /compare\.rules\.0\.path: a path must be a JSON pointer/],
      [{ path: '/id', match: 'colour' }, /compare\.rules\.0\.match/],
      [{ path: '/id', tolerance: -1 }, /compare\.rules\.0\.tolerance/],
      [{ path: '/id', match: 'type', extra: 1 }, /compare\.rules\.0: .*"extra"/],
    ])('explains %j', (r, message) => {
      expect(rule(r)).toMatch(message);
    });

    it('names per-route rule keys too', () => {
      const err = configError(() => resolveIn(tempDir(), { overrides: { compare: { routes: { 'GET /users/:id': { rules: [{ path: '/a' }] } } } } as never }));
      expect(err.message).toContain('compare.routes.GET /users/:id.rules.0');
    });
  });

  it('defaultConfig applies overrides without reading any file or environment', () => {
    const c = defaultConfig({ record: { port: 0 } });
    expect(c.record.port).toBe(0);
    expect(c.db).toBe('recordings/replayguard.db');
  });

  it('mergeConfig merges objects deeply, replaces arrays and skips undefined', () => {
    expect(mergeConfig({ a: { b: 1, c: [1, 2] }, d: 1 }, { a: { c: [3], e: undefined }, d: undefined, f: 2 })).toEqual({ a: { b: 1, c: [3] }, d: 1, f: 2 });
  });
});
