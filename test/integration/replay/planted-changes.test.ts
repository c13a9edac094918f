import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { ConfigOverrides } from '../../../src/config/resolve-config.js';
import { failingCases, gets, parseJunit, recordSession, replayRecorded, verdictsByUrl } from '../../helpers/replay.js';
import { startServer } from '../../helpers/servers.js';

/**
 * Issue 3 acceptance: one API, two builds. `recorded` is what staging ran; `candidate` carries one
 * planted change per route listed in PLANTED. Every route also serves per-request ids and times, so
 * the rules below have real noise to filter.
 */
type Build = 'recorded' | 'candidate';

function json(res: ServerResponse, body: unknown, status = 200, type = 'application/json'): void {
  res.writeHead(status, { 'content-type': type });
  res.end(JSON.stringify(body));
}

function plantedApi(build: Build) {
  const c = build === 'candidate';
  return async (req: { url?: string }, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://x');
    const p = url.pathname;
    const meta = { requestId: randomUUID(), servedAt: new Date().toISOString() };
    switch (p) {
      case '/same':
        return json(res, { id: 1, name: 'same', tags: ['a', 'b'] });
      case '/field':
        // removed `email`, added `phone`
        return json(res, c ? { id: 2, name: 'Ada', phone: '555' } : { id: 2, name: 'Ada', email: 'ada@example.com' });
      case '/value':
        return json(res, { id: 3, plan: c ? 'pro' : 'free' });
      case '/numstr':
        return json(res, { id: 4, total: c ? '42.5' : 42.5 });
      case '/status':
        return json(res, { error: 'not found' }, c ? 500 : 404);
      case '/ctype':
        return json(res, { id: 6 }, 200, c ? 'application/vnd.api+json' : 'application/json');
      case '/order':
        return json(res, { ids: c ? [3, 2, 1] : [1, 2, 3] });
      case '/order-unordered':
        return json(res, { ids: c ? [3, 2, 1] : [1, 2, 3] });
      case '/gzip': {
        const body = Buffer.from(JSON.stringify({ id: 9, text: 'x'.repeat(200) }));
        if (c) {
          res.writeHead(200, { 'content-type': 'application/json' });
          return void res.end(body);
        }
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        return void res.end(gzipSync(body));
      }
      case '/text':
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
        return void res.end(`line one\nline two is ${c ? 'changed' : 'original'}\nline three\n`);
      case '/bin':
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        return void res.end(Buffer.from(c ? [0, 1, 2, 3, 4, 5] : [0, 1, 2, 3, 4, 9]));
      case '/stamped':
        // All noise, filtered by the rules of NOISE_RULES: ignore, type, uuid, timestamp, regex.
        return json(res, {
          meta,
          id: randomUUID(),
          createdAt: new Date(Date.now() - Math.floor(Math.random() * 1e6)).toISOString(),
          seq: Math.floor(Math.random() * 1e6),
          token: `tok_${randomUUID().slice(0, 8)}`,
          name: 'stamped',
        });
      case '/stamped-broken':
        // The same noise rules, but the candidate's id is no longer a uuid: a rule must not hide it.
        return json(res, { id: c ? 'not-a-uuid' : randomUUID(), name: 'broken' });
      case '/totals':
        return json(res, { total: c ? 100.004 : 100, ratio: c ? 0.50004 : 0.5, count: 7 });
      case '/totals-out':
        return json(res, { total: c ? 100.5 : 100, ratio: 0.5, count: 7 });
      case '/keyed':
        return json(res, { items: c ? [{ id: 'b', qty: 2 }, { id: 'a', qty: 1 }] : [{ id: 'a', qty: 1 }, { id: 'b', qty: 2 }] });
      case '/keyed-changed':
        return json(res, { items: c ? [{ id: 'b', qty: 3 }, { id: 'a', qty: 1 }] : [{ id: 'a', qty: 1 }, { id: 'b', qty: 2 }] });
      default: {
        const user = /^\/users\/(\d+)$/.exec(p);
        if (user) return json(res, { id: Number(user[1]), lastSeen: new Date(Date.now() - Math.random() * 1e7).toISOString() });
        const acct = /^\/accounts\/(\d+)$/.exec(p);
        if (acct) return json(res, { id: Number(acct[1]), lastSeen: c ? '2020-01-01T00:00:00.000Z' : '2019-01-01T00:00:00.000Z' });
        return json(res, { error: 'no route' }, 404);
      }
    }
  };
}

const NOISE_RULES: ConfigOverrides = {
  compare: {
    ignore: ['/meta/requestId'],
    rules: [
      { path: '/meta/servedAt', match: 'timestamp' },
      { path: '**/createdAt', match: 'type' },
      { path: '/seq', tolerance: 1e6 },
      { path: '/id', match: 'uuid' },
      { path: '/token', match: 'regex', pattern: '^tok_[0-9a-f]{8}$' },
      { path: '/total', tolerance: 0.01 },
      { path: '/ratio', relative: 0.001 },
      { path: '/ids', unordered: true },
      { path: '/items', unorderedBy: 'id' },
    ],
    routes: { 'GET /users/:id': { ignore: ['/lastSeen'] } },
  },
};

// `/ids` is unordered globally; /order must still be a regression, so its rule is scoped by route.
const RULES: ConfigOverrides = {
  compare: {
    ...NOISE_RULES.compare,
    rules: NOISE_RULES.compare!.rules!.filter((r) => r.path !== '/ids'),
    routes: { ...NOISE_RULES.compare!.routes, 'GET /order-unordered': { rules: [{ path: '/ids', unordered: true }] } },
  },
};

const SCRIPT = gets(
  '/same', '/field', '/value', '/numstr', '/status', '/ctype', '/order', '/order-unordered', '/gzip', '/text', '/bin',
  '/stamped', '/stamped-broken', '/totals', '/totals-out', '/keyed', '/keyed-changed', '/users/1', '/users/2', '/accounts/1',
);

/** Exactly the exchanges with a planted behaviour change, and how junit must describe each. */
const PLANTED: Record<string, RegExp> = {
  'GET /field': /\/email removed.*\/phone added|\/phone added.*\/email removed/,
  'GET /value': /\/plan value changed/,
  'GET /numstr': /\/total number → string/,
  'GET /status': /status 404 → 500/,
  'GET /ctype': /header content-type changed/,
  'GET /order': /\/ids\/\d/,
  'GET /text': /line changed/,
  'GET /bin': /bytes changed/,
  'GET /stamped-broken': /\/id/,
  'GET /totals-out': /\/total value changed/,
  'GET /keyed-changed': /qty/,
  'GET /accounts/1': /\/lastSeen value changed/,
};

const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('replay against a candidate with planted changes (issue 3)', () => {
  it('flags exactly the planted routes, filters the noise with rules, and never touches the recordings', async () => {
    const recorded = await startServer(plantedApi('recorded'));
    const candidate = await startServer(plantedApi('candidate'));
    const { dbFile } = await recordSession(recorded.url, SCRIPT);
    const before = { hash: sha256(dbFile), mtime: statSync(dbFile).mtimeMs };

    const run = await replayRecorded(dbFile, candidate.url, { overrides: RULES });

    // The recordings file is byte-for-byte unchanged (see the next test for its -wal/-shm companions).
    expect(sha256(dbFile)).toBe(before.hash);
    expect(statSync(dbFile).mtimeMs).toBe(before.mtime);

    expect(run.outcome.exitCode).toBe(1);
    const verdicts = verdictsByUrl(run.results);
    expect(run.results).toHaveLength(SCRIPT.length);
    const regressions = Object.entries(verdicts).filter(([, v]) => v === 'regression').map(([k]) => k).sort();
    expect(regressions).toEqual(Object.keys(PLANTED).sort());
    expect(verdicts).toMatchObject({
      'GET /same': 'pass',
      'GET /gzip': 'pass',
      'GET /order-unordered': 'noise',
      'GET /stamped': 'noise',
      'GET /totals': 'noise',
      'GET /keyed': 'noise',
      'GET /users/1': 'noise',
      'GET /users/2': 'noise',
    });

    // Each filtered difference names the rule that filtered it.
    const stamped = run.results.find((r) => r.url === '/stamped')!;
    const filteredPaths = stamped.comparison!.filtered.map((d) => d.path).sort();
    // /token is a secret (a default key): redacted on both sides, it is not a difference at all.
    expect(filteredPaths).toEqual(['/createdAt', '/id', '/meta/requestId', '/meta/servedAt', '/seq']);
    for (const d of stamped.comparison!.filtered) expect(d.filteredBy).toBeTruthy();

    // junit.xml: exactly the planted testcases fail, each message naming its change.
    const xml = readFileSync(`${run.outDir}/junit.xml`, 'utf8');
    const cases = parseJunit(xml);
    expect(cases).toHaveLength(SCRIPT.length);
    expect(failingCases(xml)).toEqual(Object.keys(PLANTED).sort());
    for (const [name, pattern] of Object.entries(PLANTED)) {
      const tc = cases.find((c) => c.name === name)!;
      expect(tc.outcome, name).toBe('failure');
      expect(tc.message, name).toMatch(pattern);
    }
    expect(cases.find((c) => c.name === 'GET /users/1')!.classname).toBe('GET /users/:id');

    // summary.json / summary.md carry the counts.
    const summary = JSON.parse(readFileSync(`${run.outDir}/summary.json`, 'utf8')) as { counts: Record<string, number> };
    expect(summary.counts).toMatchObject({ total: SCRIPT.length, regression: Object.keys(PLANTED).length, pass: 2, noise: 6, error: 0 });
    expect(readFileSync(`${run.outDir}/summary.md`, 'utf8')).toContain(String(Object.keys(PLANTED).length));
  });

  // A recorder leaves its file in rollback-journal mode on close, so a read-only replay (or a
  // read-only mount) needs no -wal/-shm and creates none: the recordings folder stays untouched.
  it('creates no -wal/-shm next to the recordings', async () => {
    const recorded = await startServer(plantedApi('recorded'));
    const { dbFile } = await recordSession(recorded.url, gets('/same'));
    expect(existsSync(`${dbFile}-wal`)).toBe(false);
    expect(existsSync(`${dbFile}-shm`)).toBe(false);
    await replayRecorded(dbFile, recorded.url);
    expect(existsSync(`${dbFile}-wal`)).toBe(false);
    expect(existsSync(`${dbFile}-shm`)).toBe(false);
  });

  it('without the rules, the noisy routes are regressions too (the rules above are what filters them)', async () => {
    const recorded = await startServer(plantedApi('recorded'));
    const candidate = await startServer(plantedApi('candidate'));
    const { dbFile } = await recordSession(recorded.url, gets('/stamped', '/users/1', '/keyed', '/totals', '/order-unordered'));
    const run = await replayRecorded(dbFile, candidate.url);
    expect(run.results.map((r) => r.verdict)).toEqual(['regression', 'regression', 'regression', 'regression', 'regression']);
    expect(run.outcome.exitCode).toBe(1);
  });

  it('an identical build exits 0 with only pass and noise', async () => {
    const recorded = await startServer(plantedApi('recorded'));
    const again = await startServer(plantedApi('recorded'));
    const { dbFile } = await recordSession(recorded.url, SCRIPT);
    const run = await replayRecorded(dbFile, again.url, { overrides: RULES });
    expect(run.outcome.exitCode).toBe(0);
    expect(new Set(run.results.map((r) => r.verdict))).toEqual(new Set(['pass', 'noise']));
    expect(failingCases(readFileSync(`${run.outDir}/junit.xml`, 'utf8'))).toEqual([]);
  });
});
