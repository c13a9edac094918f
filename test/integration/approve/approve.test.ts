import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { approve } from '../../../src/approve/approve.js';
import { defaultConfig, resolveConfig } from '../../../src/config/resolve-config.js';
import { gets, recordSession, replayRecorded, runCliCaptured, type ScriptedRequest } from '../../helpers/replay.js';
import { startServer } from '../../helpers/servers.js';

/**
 * Staging (v1) and a candidate (v2) with intended changes: ids become strings on two routes, two
 * headers change together on a third, a field's value changes on a fourth; `/health` is unchanged.
 */
function api(version: 1 | 2) {
  return startServer((req, res) => {
    answer(req.url ?? '/', res);
  });
  function answer(url: string, res: ServerResponse): unknown {
    res.setHeader('content-type', 'application/json');
    if (version === 2 && url.startsWith('/config')) {
      res.setHeader('x-powered-by', 'next');
      res.setHeader('cache-control', 'no-cache');
    } else if (url.startsWith('/config')) res.setHeader('cache-control', 'no-store');
    const id = (n: number) => (version === 2 ? String(n) : n);
    if (url.startsWith('/users/')) return res.end(JSON.stringify({ id: id(Number(url.split('/')[2])), name: 'Ada' }));
    if (url.startsWith('/users')) return res.end(JSON.stringify([{ id: id(1) }, { id: id(2) }]));
    if (url.startsWith('/config')) return res.end(JSON.stringify({ theme: 'dark' }));
    if (url.startsWith('/greeting')) return res.end(JSON.stringify({ text: version === 2 ? 'hello' : 'hi' }));
    return res.end(JSON.stringify({ ok: true }));
  }
}

const SCRIPT: ScriptedRequest[] = gets('/users/1', '/users/2', '/users?page=1', '/users?page=2', '/config?a=1', '/config?a=2', '/greeting?x=1', '/health');
const HEADERS = { compare: { headers: ['content-type', 'location', 'x-powered-by', 'cache-control'] } };

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

async function setUp() {
  const staging = await api(1);
  const candidate = await api(2);
  const { dbFile, dir } = await recordSession(staging.url, SCRIPT);
  const outDir = path.join(dir, 'out');
  const configFile = path.join(dir, 'replayguard.config.json');
  writeFileSync(configFile, `{\n    "compare": {\n        "headers": ["content-type", "location", "x-powered-by", "cache-control"]\n    }\n}\n`);
  const replayOnce = (session = 'test', overrides: { record?: { maxBodyBytes: number }; replay?: { maxBodyBytes: number } } = {}) =>
    replayRecorded(dbFile, candidate.url, { outDir, overrides: { ...HEADERS, ...overrides, replay: { ...overrides.replay, session } } });
  return { staging, candidate, dbFile, dir, outDir, configFile, replayOnce };
}

describe('replayguard approve', () => {
  it('--as behaviour writes a revision: the approved change passes, the rest still fails, the old revision still fails', async () => {
    const t = await setUp();
    const first = await t.replayOnce();
    const changes = first.outcome.summary.changes;
    expect(changes.map((c) => c.title)).toEqual(['/id number → string', '/text value changed', '2 header differences, always together: cache-control value changed, x-powered-by added']);
    const ids = changes[0]!;
    const config = defaultConfig({ db: t.dbFile });

    // --dry-run changes nothing: same bytes in the recordings and the config file.
    const before = [sha(t.dbFile), sha(t.configFile)];
    const dry = await approve({ outDir: t.outDir, selection: { changes: [ids.id], routes: [], all: false }, dryRun: true, config, cwd: t.dir, env: {} });
    expect(dry).toMatchObject({ exchanges: 4, revision: null, approval: null });
    expect([sha(t.dbFile), sha(t.configFile)]).toEqual(before);

    const done = await approve({ outDir: t.outDir, selection: { changes: [ids.id], routes: [], all: false }, config, cwd: t.dir, env: { USER: 'ada' } });
    expect(done.revision).toMatchObject({ name: 'test@2', revision: 2 });
    expect(done.approval).toMatchObject({ by: expect.any(String), run: first.outcome.summary.run.id, exchanges: 4, changes: [{ id: ids.id, title: ids.title }] });

    // The newest revision is replayed by default: the ids change passes now, the others do not.
    const second = await t.replayOnce();
    expect(second.outcome.summary.run.session).toBe('test@2');
    expect(second.outcome.summary.changes.map((c) => c.id)).toEqual(changes.slice(1).map((c) => c.id));
    expect(second.results.filter((r) => r.url.startsWith('/users')).map((r) => r.verdict)).toEqual(['pass', 'pass', 'pass', 'pass']);

    // Approve the rest through the CLI; then everything passes, and revision 1 still fails as before.
    const cli = await runCliCaptured(['approve', '--out', t.outDir, '--all', '--db', t.dbFile], { cwd: t.dir, env: { CI: 'true', GITHUB_ACTOR: 'grace' } });
    expect(cli.code).toBe(0);
    expect(cli.out).toContain('revision test@3');
    const third = await t.replayOnce();
    expect(third.outcome.exitCode).toBe(0);
    expect(third.outcome.summary.counts.regression).toBe(0);
    const old = await t.replayOnce('test@1');
    expect(old.outcome.summary.changes.map((c) => c.id)).toEqual(changes.map((c) => c.id));

    const ls = await runCliCaptured(['ls', '--db', t.dbFile], { cwd: t.dir });
    expect(ls.out).toMatch(/test@3/);
    expect(ls.out).toMatch(/test@3 approved by github:grace on .* from run #2/);
    // Later reports name the approvals behind the revision they replayed; the old one has none.
    expect(third.stdout).toMatch(/test@3 approved by github:grace/);
    expect(third.outcome.summary.approvals?.map((a) => a.revision)).toEqual([2, 3]);
    expect(old.outcome.summary.approvals).toBeUndefined();
  });

  it('--as noise merges the narrowest rules into the config, keeping its formatting; the config validates and the replay passes', async () => {
    const t = await setUp();
    await t.replayOnce();
    const config = defaultConfig({ db: t.dbFile });
    const before = [sha(t.dbFile), sha(t.configFile)];
    const dry = await approve({ outDir: t.outDir, selection: { changes: [], routes: [], all: true }, as: 'noise', dryRun: true, config, configFile: t.configFile, cwd: t.dir, env: {} });
    expect(dry.rules!.additions).toHaveLength(5);
    expect([sha(t.dbFile), sha(t.configFile)]).toEqual(before);
    const out = await approve({ outDir: t.outDir, selection: { changes: [], routes: [], all: true }, as: 'noise', config, configFile: t.configFile, cwd: t.dir, env: {} });
    expect(out.rules!.refused).toEqual([]);
    const text = readFileSync(t.configFile, 'utf8');
    expect(text).toMatch(/^\{\n {4}"compare": \{\n {8}"headers"/); // four-space indentation kept
    const resolved = resolveConfig({ configFile: t.configFile, env: {}, cwd: t.dir }).config; // schema-checked
    expect(resolved.compare.routes['GET /users/:id']).toMatchObject({ ignore: ['/id'] });
    expect(resolved.compare.routes['GET /greeting']).toMatchObject({ rules: [{ path: '/text', match: 'type' }] });
    expect([...resolved.compare.routes['GET /config']!.ignoreHeaders].sort()).toEqual(['cache-control', 'x-powered-by']);
    const again = await replayRecorded(t.dbFile, t.candidate.url, { outDir: path.join(t.dir, 'out2'), overrides: { ...resolved, replay: { session: 'test' } } });
    expect(again.outcome.summary.counts.regression).toBe(0);
    // Approving the same again adds nothing.
    const twice = await approve({ outDir: t.outDir, selection: { changes: [], routes: [], all: true }, as: 'noise', config, configFile: t.configFile, cwd: t.dir, env: {} });
    expect(readFileSync(t.configFile, 'utf8')).toBe(text);
    expect(twice.rules!.additions.length).toBeGreaterThan(0);
  });

  it('refuses a truncated candidate body, an unknown change and an empty selection, changing nothing', async () => {
    const t = await setUp();
    await t.replayOnce('test', { record: { maxBodyBytes: 10 }, replay: { maxBodyBytes: 10 } });
    const config = defaultConfig({ db: t.dbFile });
    const before = sha(t.dbFile);
    await expect(approve({ outDir: t.outDir, selection: { changes: [], routes: ['GET /users/:id'], all: false }, config, cwd: t.dir, env: {} })).rejects.toMatchObject({ code: 'RG_ERR_APPROVE_TRUNCATED' });
    await expect(approve({ outDir: t.outDir, selection: { changes: ['cdeadbeef00'], routes: [], all: false }, config, cwd: t.dir, env: {} })).rejects.toMatchObject({ code: 'RG_ERR_USAGE' });
    const cli = await runCliCaptured(['approve', '--out', t.outDir, '--db', t.dbFile], { cwd: t.dir });
    expect(cli.code).toBe(2);
    expect(cli.err).toContain('--change ID');
    expect(sha(t.dbFile)).toBe(before);
  });
});
