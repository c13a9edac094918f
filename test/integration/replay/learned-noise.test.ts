import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConfigOverrides } from '../../../src/config/resolve-config.js';
import type { ReplayResult, RunSummary } from '../../../src/types.js';
import { seededRandom, seedFrom, type SeededRandom } from '../../helpers/random.js';
import { gets, parseJunit, recordSession, replayRecorded, type ReplayRun } from '../../helpers/replay.js';
import { startServer, type TestServer } from '../../helpers/servers.js';

/**
 * Issue 6 acceptance: an API full of noise — request ids, timestamps, random-order lists, instance
 * and process ids — replayed with `--baseline` and no configuration at all. The candidate is either
 * identical in behaviour, or carries exactly the planted regressions below.
 *
 * Deterministic: every random value comes from a seed per build and per request (the URL and how often
 * it was asked), so the order in which concurrent requests arrive changes nothing; the clock is fake.
 * The one wall-clock judgement, latency, is made generous: the planted slowdown is 1.5 s against a
 * 1 s floor, so only a stall of a whole second on a healthy route could flag it.
 */
type Build = 'staging' | 'baseline' | 'identical' | 'planted';

const SEEDS: Record<Build, number> = { staging: 11, baseline: 22, identical: 33, planted: 44 };
const PLANTED_DELAY_MS = 1500;
const LATENCY = { latency: { floorMs: 1000 } } satisfies ConfigOverrides;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A random source per build and request: the same request gets the same values on every run. */
function perRequest(seed: number): (key: string) => SeededRandom {
  const asked = new Map<string, number>();
  return (key) => {
    const n = (asked.get(key) ?? 0) + 1;
    asked.set(key, n);
    return seededRandom(seedFrom(seed, key, n));
  };
}

async function noisyApi(build: Build): Promise<TestServer> {
  const seed = SEEDS[build];
  const deployment = seededRandom(seed);
  // Per deployment: differs between staging, baseline and candidate, never between two requests.
  const instance = deployment.hex(6);
  const pid = 1000 + deployment.int(60_000);
  const randomFor = perRequest(seed);
  const planted = build === 'planted';
  return startServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const p = url.pathname;
    const rng = randomFor(req.url ?? '/');
    const requestId = rng.uuid();
    // A fake clock: a different instant per deployment and request, as a real one would give.
    const now = 1_760_000_000_000 + seed * 10_000_000 + rng.int(1_000_000);
    const iso = new Date(now).toISOString();
    const send = (body: unknown, status = 200): void => {
      res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': requestId, etag: `"${instance}-${p.length}"` });
      res.end(JSON.stringify(body));
    };
    let m: RegExpExecArray | null;
    if ((m = /^\/users\/(\d+)$/.exec(p))) {
      const user: Record<string, unknown> = { id: Number(m[1]), name: `user ${m[1]}`, email: `u${m[1]}@example.com`, requestId, servedBy: instance, fetchedAt: iso };
      if (planted) delete user.email; // planted: field removed
      return send(user);
    }
    if ((m = /^\/products\/(\d+)$/.exec(p))) {
      const stock = rng.int(1000); // noisy, but always a number
      return send({ id: Number(m[1]), title: `product ${m[1]}`, price: 10 * Number(m[1]), stock: planted ? String(stock) : stock, requestId }); // planted: number → string
    }
    if ((m = /^\/orders\/(\d+)$/.exec(p))) {
      return send({ id: Number(m[1]), status: 'open', generatedAt: planted ? now : iso, requestId }); // planted: timestamp → epoch
    }
    if ((m = /^\/stock\/(\d+)$/.exec(p))) {
      return send({ id: Number(m[1]), available: true, requestId }, planted ? 202 : 200); // planted: status change
    }
    if (p === '/search') {
      if (planted) await sleep(PLANTED_DELAY_MS); // planted: slower
      return send({ q: url.searchParams.get('q'), results: rng.shuffle(['alpha', 'beta', 'gamma', 'delta', 'epsilon']), requestId, pid });
    }
    if (p === '/feed') {
      return send({ items: rng.shuffle([1, 2, 3, 4, 5].map((id) => ({ id, title: `post ${id}` }))), generatedAt: iso });
    }
    if (p === '/health') return send({ status: 'ok', pid, instance, uptime: rng.next() * 1000, time: iso });
    return send({ error: 'not found' }, 404);
  });
}

const IDS = [1, 2, 3, 4, 5, 6];
const SCRIPT = gets(
  ...IDS.flatMap((i) => [`/users/${i}`, `/products/${i}`, `/orders/${i}`, `/stock/${i}`, `/search?q=${'abcdef'[i - 1]}`, `/feed?page=${i}`, `/health?probe=${i}`]),
);

const PLANTED_ROUTES = ['GET /users/:id', 'GET /products/:id', 'GET /orders/:id', 'GET /stock/:id'];
const PLANTED_SIGNATURES = [
  'GET /orders/:id body:/generatedAt:string → number',
  'GET /products/:id body:/stock:number → string',
  'GET /stock/:id status::200 → 202',
  'GET /users/:id body:/email:removed',
];
const SLOWED = 'GET /search';

const routeOf = (r: ReplayResult): string => `${r.method} ${r.route}`;
const regressionSignatures = (s: RunSummary): string[] =>
  s.signatures
    .filter((g) => g.verdict === 'regression')
    .map((g) => `${g.method} ${g.route} ${g.signature}`)
    .sort();

/** False positives: flagged exchanges on unplanted routes (+ flagged latency elsewhere); false negatives: planted ones missed. */
function score(run: ReplayRun, plantedRoutes: readonly string[], slowed: string | null) {
  const flagged = run.results.filter((r) => r.verdict === 'regression');
  const fp = flagged.filter((r) => !plantedRoutes.includes(routeOf(r))).length;
  const fn = run.results.filter((r) => plantedRoutes.includes(routeOf(r)) && r.verdict !== 'regression').length;
  const slow = run.outcome.summary.latency.filter((l) => l.flagged).map((l) => `${l.method} ${l.route}`);
  const latencyFp = slow.filter((k) => k !== slowed).length;
  const latencyFn = slowed && !slow.includes(slowed) ? 1 : 0;
  return {
    exchanges: run.results.length,
    plantedExchanges: run.results.filter((r) => plantedRoutes.includes(routeOf(r))).length,
    falsePositives: fp,
    falseNegatives: fn,
    latencyFalsePositives: latencyFp,
    latencyFalseNegatives: latencyFn,
  };
}

async function scenario(candidateBuild: 'identical' | 'planted', overrides: ConfigOverrides, withBaseline = true): Promise<ReplayRun> {
  const staging = await noisyApi('staging');
  const { dbFile } = await recordSession(staging.url, SCRIPT);
  await staging.close();
  const candidate = await noisyApi(candidateBuild);
  const baseline = withBaseline ? await noisyApi('baseline') : null;
  const o = { ...LATENCY, ...overrides, replay: { ...overrides.replay, ...(baseline ? { baseline: baseline.url } : {}) } };
  return replayRecorded(dbFile, candidate.url, { overrides: o });
}

describe('noise learned from a baseline, with no configuration (issue 6)', { timeout: 120_000 }, () => {
  it('a candidate identical in behaviour passes: only pass and noise, exit 0, the noise listed', async () => {
    const run = await scenario('identical', {});
    expect(run.outcome.exitCode, JSON.stringify(run.results.filter((r) => r.verdict !== 'noise').map((r) => [r.url, r.comparison?.differences]))).toBe(0);
    expect(new Set(run.results.map((r) => r.verdict))).toEqual(new Set(['noise']));
    expect(regressionSignatures(run.outcome.summary)).toEqual([]);
    expect(run.outcome.summary.latency.filter((l) => l.flagged)).toEqual([]);
    const learned = run.outcome.summary.learnedNoise.map((n) => `${n.method} ${n.route} ${n.path}`);
    expect(learned).toEqual(
      expect.arrayContaining(['GET /users/:id /requestId', 'GET /users/:id /servedBy', 'GET /users/:id /fetchedAt', 'GET /search /results/*', 'GET /health /pid', 'GET /products/:id /stock']),
    );
    for (const n of run.outcome.summary.learnedNoise) expect(n.source).toBe('baseline');
    // Learned noise is never silent.
    const summary = JSON.parse(readFileSync(path.join(run.outDir, 'summary.json'), 'utf8')) as { learnedNoise: unknown[] };
    expect(summary.learnedNoise.length).toBe(run.outcome.summary.learnedNoise.length);
  });

  it('planted regressions are each flagged, and nothing else is', async () => {
    const run = await scenario('planted', {});
    expect(run.outcome.exitCode).toBe(1);
    expect(regressionSignatures(run.outcome.summary)).toEqual(PLANTED_SIGNATURES);
    for (const r of run.results) {
      if (PLANTED_ROUTES.includes(routeOf(r))) {
        expect(r.verdict, r.url).toBe('regression');
        // The planted change is the only unfiltered difference; the rest stays learned noise.
        expect(r.comparison!.differences, r.url).toHaveLength(1);
      } else expect(r.verdict, r.url).toBe('noise');
    }
    const slow = run.outcome.summary.latency.filter((l) => l.flagged).map((l) => `${l.method} ${l.route}`);
    expect(slow).toEqual([SLOWED]);

    const cases = parseJunit(readFileSync(path.join(run.outDir, 'junit.xml'), 'utf8'));
    const failing = cases.filter((c) => c.outcome === 'failure');
    expect(failing.map((c) => c.classname).filter((c) => c !== 'latency').sort()).toEqual(PLANTED_ROUTES.flatMap((r) => IDS.map(() => r)).sort());
    const latencyCases = failing.filter((c) => c.classname === 'latency');
    expect(latencyCases.map((c) => c.name)).toEqual([`latency ${SLOWED}`]);
    expect(latencyCases[0]!.message).toMatch(/^(median|p95) [\d.]+ ms vs baseline [\d.]+ ms .*p = [\d.]+\): slower than ×1\.5 and \+1000 ms$/);

    const learned = score(run, PLANTED_ROUTES, SLOWED);
    console.log(`[issue 6] with learning (baseline, no config): ${JSON.stringify(learned)}`);
    expect(learned).toMatchObject({ falsePositives: 0, falseNegatives: 0, latencyFalsePositives: 0, latencyFalseNegatives: 0 });
  });

  it('without learning (noise.learn false, no rules) the same run drowns in false positives', async () => {
    const run = await scenario('planted', { noise: { learn: false } });
    const s = score(run, PLANTED_ROUTES, SLOWED);
    console.log(`[issue 6] without learning (baseline, noise.learn=false, no rules): ${JSON.stringify(s)}`);
    // Every exchange carries a request id or a timestamp: all of them are regressions.
    expect(s.falseNegatives).toBe(0);
    expect(s.falsePositives).toBe(s.exchanges - s.plantedExchanges);
    expect(run.outcome.summary.learnedNoise).toEqual([]);
  });

  it('--repeat 2 without a baseline: catches the planted changes, cannot see per-deployment values or latency', async () => {
    const run = await scenario('planted', { replay: { repeat: 2 } }, false);
    const s = score(run, PLANTED_ROUTES, SLOWED);
    const sigs = regressionSignatures(run.outcome.summary);
    console.log(`[issue 6] --repeat 2, no baseline: ${JSON.stringify(s)}; regression signatures: ${JSON.stringify(sigs)}`);
    expect(s.falseNegatives).toBe(0);
    expect(sigs).toEqual(expect.arrayContaining(PLANTED_SIGNATURES));
    // What repeats cannot see: values fixed per deployment differ from the recording on every request.
    expect(sigs).toEqual(expect.arrayContaining(['GET /users/:id body:/servedBy:value changed', 'GET /health body:/pid:value changed']));
    // And latency is shown, not judged, without a baseline.
    expect(run.outcome.summary.latency.every((l) => !l.flagged && l.reason.includes('no baseline'))).toBe(true);
    for (const n of run.outcome.summary.learnedNoise) expect(n.source).toBe('repeat');
  });

  it('--repeat 2 on an identical, deterministic build passes even when the replay runs in a later second', async () => {
    // Regression test: learning from repeats used to compare every header, so `date` (same second in
    // both repeats, another second than the recording) failed every exchange of an identical build.
    const api = () =>
      startServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', etag: '"v1"' });
        res.end('{"a":1}');
      });
    const { dbFile } = await recordSession((await api()).url, gets('/a', '/b', '/c'));
    await sleep(1100);
    const run = await replayRecorded(dbFile, (await api()).url, { overrides: { replay: { repeat: 2 } } });
    expect(run.outcome.summary.signatures).toEqual([]);
    expect(run.outcome.exitCode).toBe(0);
  });

  it('with a baseline, headers are learned too: per-deployment ones are noise, a changed one is flagged', async () => {
    let deployments = 0;
    const api = (cacheControl: string) => {
      const rng = seededRandom(100 + deployments++);
      const instance = rng.hex(4);
      return startServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', etag: `"${instance}"`, 'x-request-id': rng.uuid(), 'cache-control': cacheControl });
        res.end('{"a":1}');
      });
    };
    const { dbFile } = await recordSession((await api('max-age=60')).url, gets(...IDS.map((i) => `/h/${i}`)));
    const baseline = await api('max-age=60');
    const run = await replayRecorded(dbFile, (await api('no-store')).url, { overrides: { replay: { baseline: baseline.url } } });
    expect(regressionSignatures(run.outcome.summary)).toEqual(['GET /h/:id header:cache-control:value changed']);
    const learned = run.outcome.summary.learnedNoise.filter((n) => n.target === 'header').map((n) => n.path).sort();
    expect(learned).toEqual(expect.arrayContaining(['etag', 'x-request-id']));
  });
});
