import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../src/types.js';
import { parseJunit, recordSession, replayRecorded, type ScriptedRequest } from '../../helpers/replay.js';
import { startServer, type TestServer } from '../../helpers/servers.js';

/**
 * Issue 11: a replay that does not reproduce its recording must never pass. Recorded with a
 * credential the recorder redacts (as it must), replayed without one: every write answers 401 on the
 * candidate *and* on the baseline. Learned as noise, that was a green run; it is `unreproduced`, the
 * run fails, and the cause is named.
 */
const TOKEN = 'Bearer s3cret-for-tests';

/** A small authenticated store: items created by POST, read back by GET; 401 without the token. */
async function itemsApi(): Promise<TestServer> {
  const items = new Map<number, { id: number; name: string }>();
  let next = 1;
  return startServer((req, res) => {
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== TOKEN) return send(401, { error: 'unauthorized' });
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'POST' && url.pathname === '/items') {
      const { name } = JSON.parse(req.body.toString('utf8')) as { name: string };
      const item = { id: next++, name };
      items.set(item.id, item);
      return send(201, item);
    }
    const m = /^\/items\/(\d+)$/.exec(url.pathname);
    if (req.method === 'GET' && m) {
      const item = items.get(Number(m[1]));
      return item ? send(200, item) : send(404, { error: 'no such item' });
    }
    return send(404, { error: 'not found' });
  });
}

/**
 * Candidate and baseline are the same code in this process: a route's p95 differing by 50 ms between them is
 * the machine's load (a full run at load 30 flagged "1 slower route"), not what these tests are about.
 */
const NO_LATENCY_VERDICT = { latency: { floorMs: 60_000 } };

const auth = { authorization: TOKEN };
const SCRIPT: ScriptedRequest[] = Array.from({ length: 11 }, (_, i): ScriptedRequest[] => [
  { method: 'POST', path: '/items', headers: auth, body: { name: `item ${i + 1}` } },
  { path: `/items/${i + 1}`, headers: auth },
]).flat();

describe('unreproduced: the target and the baseline agree, the recording does not (issue 11)', { timeout: 120_000 }, () => {
  // The recorded Authorization is redacted (a placeholder is never sent), so the replay supplies a
  // credential of its own that both targets reject: an expired token, as a stale CI secret would be.
  it('credentials that no longer work at replay: exit 1, verdict unreproduced, cause named in every reporter', async () => {
    const staging = await itemsApi();
    const { dbFile } = await recordSession(staging.url, SCRIPT);
    await staging.close();
    const baseline = await itemsApi();
    const run = await replayRecorded(dbFile, (await itemsApi()).url, { overrides: { ...NO_LATENCY_VERDICT, replay: { baseline: baseline.url, headers: { authorization: 'Bearer expired-token' } } } });

    expect(run.outcome.exitCode).toBe(1);
    expect(run.outcome.exitReason, JSON.stringify(run.results.filter((r) => r.verdict !== 'unreproduced').map((r) => r.comparison))).toMatch(/22 unreproduced \(failOn unreproduced>5%\)/);
    expect(new Set(run.results.map((r) => r.verdict))).toEqual(new Set(['unreproduced']));
    const summary = run.outcome.summary;
    expect(summary.counts).toMatchObject({ unreproduced: 22, regression: 0, noise: 0, pass: 0 });
    // Nothing of it was learned as noise: only a clock that differed between the two sides may be.
    expect(summary.learnedNoise.filter((n) => !(n.target === 'header' && n.path === 'date'))).toEqual([]);
    const messages = summary.unreproduced.map((g) => g.message);
    expect(messages).toEqual([
      'status 200 → 401 on 11 reads on both target and baseline: are credentials missing or expired? (pass --header, or re-record the login)',
      'status 201 → 401 on 11 writes on both target and baseline: are credentials missing or expired? (pass --header, or re-record the login)',
    ]);
    expect(summary.unreproduced.every((g) => !g.harmless)).toBe(true);

    // Console: listed first, before the route table.
    const out = run.stdout;
    const notReproduced = out.indexOf('Not reproduced');
    expect(notReproduced).toBeGreaterThan(-1);
    expect(notReproduced).toBeLessThan(out.indexOf('route '));
    for (const m of messages) expect(out).toContain(m);
    expect(out).toContain('FAIL: 22 unreproduced in 22 exchanges (exit 1)');
    // Markdown, summary.json and JUnit say the same.
    const md = readFileSync(path.join(run.outDir, 'summary.md'), 'utf8');
    expect(md).toContain('### Not reproduced');
    expect(md.indexOf('### Not reproduced')).toBeLessThan(md.indexOf('| Verdict |'));
    expect(md).toContain('are credentials missing');
    const json = JSON.parse(readFileSync(path.join(run.outDir, 'summary.json'), 'utf8')) as RunSummary;
    expect(json.unreproduced.map((g) => g.message)).toEqual(messages);
    const failures = parseJunit(readFileSync(path.join(run.outDir, 'junit.xml'), 'utf8')).filter((c) => c.outcome === 'failure');
    expect(failures).toHaveLength(22);
    expect(failures.filter((c) => /^not reproduced .*status 201 → 401/.test(c.message ?? ''))).toHaveLength(11);
    expect(failures.filter((c) => /^not reproduced .*status 200 → 401/.test(c.message ?? ''))).toHaveLength(11);
    // The HTML report's data carries the groups (the page embeds the summary).
    expect(readFileSync(path.join(run.outDir, 'report.html'), 'utf8')).toContain('are credentials missing');
  });

  it('with the credential supplied the same recording replays clean', async () => {
    const staging = await itemsApi();
    const { dbFile } = await recordSession(staging.url, SCRIPT);
    await staging.close();
    const baseline = await itemsApi();
    const run = await replayRecorded(dbFile, (await itemsApi()).url, { overrides: { ...NO_LATENCY_VERDICT, replay: { baseline: baseline.url, headers: { authorization: TOKEN } } } });
    expect(run.outcome.exitCode, run.outcome.exitReason).toBe(0);
    expect(run.outcome.summary.counts.unreproduced).toBe(0);
    expect(run.outcome.summary.unreproduced.filter((g) => !g.harmless)).toEqual([]);
  });

  it('a recorded 304 whose etag went stale is harmless drift: explained, filtered, not failed', async () => {
    const api = (etag: string) =>
      startServer((req, res) => {
        if (req.headers['if-none-match'] === etag) {
          res.writeHead(304, { etag });
          res.end();
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json', etag });
        res.end(JSON.stringify({ doc: req.url, rev: etag }));
      });
    const staging = await api('"v1"');
    const { dbFile } = await recordSession(
      staging.url,
      Array.from({ length: 6 }, (_, i) => ({ path: `/docs/${i + 1}`, headers: { 'if-none-match': '"v1"' } })),
    );
    await staging.close();
    const baseline = await api('"v2"');
    const run = await replayRecorded(dbFile, (await api('"v2"')).url, { overrides: { ...NO_LATENCY_VERDICT, replay: { baseline: baseline.url } } });
    expect(run.outcome.exitCode, run.outcome.exitReason).toBe(0);
    expect(new Set(run.results.map((r) => r.verdict))).toEqual(new Set(['noise']));
    expect(run.outcome.summary.unreproduced).toEqual([
      expect.objectContaining({ harmless: true, exchanges: 6, message: expect.stringMatching(/^status 304 → 200 on 6 reads on both target and baseline: the recorded conditional request no longer matches/) }),
    ]);
    for (const r of run.results) for (const d of r.comparison!.filtered) expect(d.filteredBy).toMatch(/^recording drift/);
    // Nothing from the stale exchanges is learned as noise, so `replayguard noise` cannot pick it up.
    expect(run.outcome.summary.learnedNoise).toEqual([]);
    expect(run.stdout).toContain('Harmless drift');
  });
});
