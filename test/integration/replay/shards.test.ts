import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../src/config/resolve-config.js';
import { startRecorder } from '../../../src/record/recorder.js';
import { mergeShards } from '../../../src/run/merge.js';
import type { RunSummary } from '../../../src/types/run.js';
import { seededRandom, seedFrom } from '../../helpers/random.js';
import { captureStream, readResults, replayRecorded, runCliCaptured, type ReplayRun } from '../../helpers/replay.js';
import { startServer } from '../../helpers/servers.js';
import { tempDir } from '../../helpers/temp.js';

/**
 * A demo-like API replayed as 3 shards and merged is the run one unsharded replay gives: the same
 * counts, regression signatures, learned noise and exit code; and create-then-read chains stay in one
 * shard. The API is the demo's shape (request ids, shuffled tags, a timestamp that varies per
 * instance, orders created and read back, a planted regression) made deterministic per instance and
 * URL, so the unsharded run and the shards observe the same responses and any difference in the
 * verdict is the merge's. (The bundled demo API draws its noise from Math.random and the clock, so
 * two unsharded replays of it already differ in how often a shuffle happens to match.)
 */

type Variant = 'staging' | 'baseline' | 'candidate';

async function demoLikeApi(variant: Variant) {
  const orders = new Map<string, unknown>();
  const server = await startServer((req, res) => {
    const url = req.url ?? '/';
    const rand = seededRandom(seedFrom(variant, url));
    const hex = (n: number) => createHash('sha256').update(`${variant}${url}${n}`).digest('hex');
    const id = hex(0);
    const uuid = `${id.slice(0, 8)}-${id.slice(8, 12)}-4${id.slice(13, 16)}-8${id.slice(17, 20)}-${id.slice(20, 32)}`;
    res.sendDate = false;
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': uuid, ...headers });
      res.end(JSON.stringify(body));
    };
    let m: RegExpExecArray | null;
    if (req.method === 'POST' && url === '/api/orders') {
      const orderId = randomUUID();
      const order = { id: orderId, items: (JSON.parse(req.body.toString()) as { items: unknown[] }).items, status: 'open' };
      orders.set(orderId, order);
      return send(201, order, { location: `/api/orders/${orderId}` });
    }
    if ((m = /^\/api\/orders\/(.+)$/.exec(url))) return orders.has(m[1]!) ? send(200, orders.get(m[1]!)) : send(404, { error: 'no such order' });
    if ((m = /^\/api\/users\/(\d+)$/.exec(url))) {
      const n = Number(m[1]);
      const tags = ['api', 'beta', 'eu', 'mobile', 'trial'].sort(() => rand.next() - 0.5);
      const name = variant === 'candidate' && n % 7 === 3 ? `User ${n} (renamed)` : `User ${n}`;
      return send(200, { id: n, name, tags, requestId: uuid, seenAt: new Date(Date.UTC(2026, 0, 1) + Math.floor(rand.next() * 1e9)).toISOString() });
    }
    if ((m = /^\/api\/items\/(\d+)$/.exec(url))) {
      const n = Number(m[1]);
      return send(200, { id: n, price: variant === 'candidate' && n === 5 ? String(n * 10) : n * 10, stock: n % 4 });
    }
    return send(404, { error: 'not found' });
  });
  return server;
}

/** The traffic: users, items, two orders each created then read back, a miss. */
async function recordDemoLike(): Promise<string> {
  const staging = await demoLikeApi('staging');
  const db = path.join(tempDir('rg-shards-'), 'demo.db');
  const recorder = await startRecorder({ config: defaultConfig({ db, record: { upstream: staging.url, port: 0, session: 'demo' } }) });
  const send = async (method: 'GET' | 'POST', p: string, body?: unknown) => {
    const res = await request(recorder.url + p, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
    return (await res.body.json()) as { id?: string };
  };
  for (let i = 1; i <= 24; i++) await send('GET', `/api/users/${i}`);
  for (let i = 1; i <= 12; i++) await send('GET', `/api/items/${i}`);
  for (const sku of ['BK-001', 'AU-002']) {
    const created = await send('POST', '/api/orders', { items: [{ sku, qty: 1 }] });
    await send('GET', `/api/orders/${created.id}`);
  }
  await send('GET', '/missing');
  await recorder.close();
  return db;
}

/** What must agree between the merged and the unsharded run (examples of learned noise are a sample, in arrival order). */
function verdictOf(summary: RunSummary) {
  return {
    counts: summary.counts,
    signatures: [...summary.signatures].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    learnedNoise: summary.learnedNoise.map(({ examples: _examples, ...rest }) => rest),
    unreproduced: summary.unreproduced,
    noiseTests: summary.noiseTests,
    routes: summary.routes,
    exitCode: summary.exitCode,
  };
}

describe('replay --shard i/n + merge', () => {
  it('a demo-like API as 3 shards + merge gives the unsharded verdict; create-then-read chains stay in one shard', async () => {
    const db = await recordDemoLike();
    const candidate = await demoLikeApi('candidate');
    const baseline = await demoLikeApi('baseline');
    {
      const replayWith = (shard?: string): Promise<ReplayRun> =>
        replayRecorded(db, candidate.url, { overrides: { replay: { baseline: baseline.url, session: 'demo', shard } } });
      const whole = await replayWith();
      const shards = [await replayWith('1/3'), await replayWith('2/3'), await replayWith('3/3')];

      // The parts are the session, each exchange once.
      const ids = shards.map((s) => s.results.map((r) => r.exchangeId));
      expect(ids.flat().sort((a, b) => a - b)).toEqual(whole.results.map((r) => r.exchangeId).sort((a, b) => a - b));
      expect(ids.every((part) => part.length > 0)).toBe(true);

      // Every POST that created an order is in the shard of the GET that read it back, before it.
      const creates = whole.results.filter((r) => r.method === 'POST' && r.recorded?.status === 201);
      expect(creates.length).toBeGreaterThan(0);
      for (const post of creates) {
        const read = whole.results.find((r) => r.seq === post.seq + 1)!;
        expect(read.url).toMatch(/^\/api\/orders\/.+/);
        const shard = shards.find((s) => s.results.some((r) => r.exchangeId === post.exchangeId))!;
        const order = shard.results.map((r) => r.exchangeId);
        expect(order).toContain(read.exchangeId);
        expect(read.verdict, 'the read-back found the order the candidate created in this shard').not.toBe('error');
        expect(shard.results.find((r) => r.exchangeId === read.exchangeId)!.verdict).toBe(read.verdict);
      }

      const stdout = captureStream();
      const out = path.join(tempDir('rg-merged-'), 'merged');
      const merged = await mergeShards({ shardDirs: shards.map((s) => s.outDir).reverse(), outDir: out, stdout, isTTY: false });
      expect(verdictOf(merged.summary)).toEqual(verdictOf(whole.outcome.summary));
      expect(merged.exitCode).toBe(whole.outcome.exitCode);
      expect(merged.exitCode).toBe(1); // the planted regressions
      expect(whole.outcome.summary.learnedNoise.length).toBeGreaterThan(0);

      // Per exchange, the same verdicts; and every report was written from the merged run.
      const mergedResults = await readResults(merged.resultsDb);
      const verdicts = (rs: typeof mergedResults) => Object.fromEntries(rs.map((r) => [r.exchangeId, r.verdict]));
      expect(verdicts(mergedResults)).toEqual(verdicts(whole.results));
      const summaryJson = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as RunSummary;
      expect(summaryJson.counts).toEqual(whole.outcome.summary.counts);
      for (const f of ['junit.xml', 'summary.md', 'report.html']) expect(readFileSync(path.join(out, f), 'utf8').length).toBeGreaterThan(0);
      expect(stdout.text()).toMatch(/FAIL/);

      // The CLI: the same exit code; mixing in a part of another split is refused.
      const cli = await runCliCaptured(['merge', ...shards.map((s) => s.outDir), '--out', path.join(out, '..', 'cli')], { cwd: out });
      expect(cli.code, cli.err).toBe(1);
      const other = await replayRecorded(db, candidate.url, { overrides: { replay: { baseline: baseline.url, session: 'demo', shard: '2/3', failOn: ['regression'] } } });
      const mixed = await runCliCaptured(['merge', shards[0]!.outDir, other.outDir, shards[2]!.outDir, '--out', path.join(out, '..', 'mixed')], { cwd: out });
      expect(mixed.code).toBe(2);
      expect(mixed.err).toContain('RG_ERR_MERGE_MISMATCH');
      expect(mixed.err).toMatch(/different configurations/);
      const missing = await runCliCaptured(['merge', shards[0]!.outDir, shards[2]!.outDir, '--out', path.join(out, '..', 'missing')], { cwd: out });
      expect(missing.code).toBe(2);
      expect(missing.err).toMatch(/shard 2\/3 missing/);
      const twice = await runCliCaptured(['merge', shards[0]!.outDir, shards[0]!.outDir, shards[1]!.outDir, '--out', path.join(out, '..', 'twice')], { cwd: out });
      expect(twice.err).toMatch(/shard 1\/3 is given twice/);
      const notShard = await runCliCaptured(['merge', whole.outDir, '--out', path.join(out, '..', 'no')], { cwd: out });
      expect(notShard.code).toBe(2);
      expect(notShard.err).toContain('RG_ERR_MERGE_INPUT');
    }
  }, 180_000);
});
