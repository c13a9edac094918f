import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { scrape, valueOf } from '../../helpers/prometheus.js';
import { startTestRecorder } from '../../helpers/recorder.js';
import { runCliCaptured } from '../../helpers/replay.js';
import { seededRandom, type SeededRandom } from '../../helpers/random.js';
import { deadPort, startServer } from '../../helpers/servers.js';
import { tempDir } from '../../helpers/temp.js';
import { LOADED_MACHINE_MS } from '../../helpers/loaded-machine.js';
import { exitWithin, spawnRecorder, type RecorderProcess } from '../../helpers/cli-process.js';
import { pool } from '../../helpers/pool.js';
import { openResultsStore, resultsLocation } from '../../../src/store/open-store.js';
import { childPids, isRunning, niceOf, threadNices } from '../../helpers/procfs.js';

// The shadow process runs at the tests' own priority here (record.shadow.nice 0): at its default 19 it
// only gets CPU this shared machine leaves idle, and these tests are about what it compares, not when.

async function get(url: string): Promise<{ status: number; body: string }> {
  const r = await request(url);
  return { status: r.statusCode, body: await r.body.text() };
}

/** An items API; `price` of item 3 is what a candidate may change, `requestId` is noise everywhere. */
function itemsApi(rand: SeededRandom, price3: number) {
  return startServer((req, res) => {
    const id = Number(/\/items\/(\d+)/.exec(req.url ?? '')?.[1] ?? 0);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id, name: `item ${id}`, price: id === 3 ? price3 : 10, requestId: rand.uuid() }));
  });
}

describe('live shadow', () => {
  it('a planted regression shows in /metrics and in report --shadow within seconds; noise the baseline shares is not one', async () => {
    const rand = seededRandom(17);
    const live = await itemsApi(rand, 10);
    const candidate = await itemsApi(rand, 99);
    const baseline = await itemsApi(rand, 10);
    const dir = tempDir();
    const out = path.join(dir, 'shadow-out');
    const rec = await startTestRecorder(live.url, { record: { shadow: { nice: 0, target: candidate.url, baseline: baseline.url, sample: 1, out, summaryEvery: 200 } } });
    for (let i = 0; i < 40; i++) {
      const r = await get(`${rec.url}/items/${(i % 10) + 1}`);
      expect(r.status).toBe(200);
      // The client gets the live answer, never the candidate's.
      expect(JSON.parse(r.body)).toMatchObject({ price: 10 });
    }
    const metricsUrl = `${rec.url}/__replayguard/metrics`;
    await expect.poll(async () => valueOf(await scrape(metricsUrl), 'replayguard_shadow_compared_total'), { timeout: 60_000, interval: 100 }).toBe(40);
    await rec.shadow!.summarize();
    await rec.shadow!.summarize();
    const m = await scrape(metricsUrl);
    expect(valueOf(m, 'replayguard_shadow_mirrored_total')).toBe(40);
    expect(valueOf(m, 'replayguard_shadow_dropped_total')).toBe(0);
    expect(valueOf(m, 'replayguard_shadow_exchanges', { method: 'GET', route: '/items/:id', verdict: 'regression' })).toBe(4);
    expect(valueOf(m, 'replayguard_shadow_regression_ratio', { method: 'GET', route: '/items/:id' })).toBeCloseTo(0.1, 6);

    const report = await runCliCaptured(['report', '--shadow'], { cwd: dir });
    expect(report.code, report.err).toBe(0);
    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as { counts: Record<string, number>; learnedNoise: Array<{ path: string; exchanges: number }> };
    expect(summary.counts).toMatchObject({ total: 40, regression: 4 });
    expect(summary.counts.pass! + summary.counts.noise!).toBe(36);
    // Learned over the whole run, however many summaries came before (each judges afresh).
    expect(summary.learnedNoise.find((n) => n.path === '/requestId')?.exchanges).toBe(40);
    expect(readFileSync(path.join(out, 'report.html'), 'utf8')).toContain('/price');
  }, LOADED_MACHINE_MS);

  it('a dead or hanging candidate never affects clients: the queue is bounded and drops are counted', async () => {
    const live = await startServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`live ${req.url}`);
    });
    const held: Array<() => void> = [];
    const hanging = await startServer((_req, res) => {
      held.push(() => res.end('late'));
    });
    // The candidate holds every request until released (the timeout is far beyond the test), so the
    // first mirrored request stays in flight, one waits in the queue, and the rest are dropped.
    const rec = await startTestRecorder(live.url, { record: { shadow: { nice: 0, target: hanging.url, sample: 1, concurrency: 1, maxQueue: 2, timeout: 120_000, out: path.join(tempDir(), 'so') } } });
    for (let i = 0; i < 20; i++) expect(await get(`${rec.url}/x/${i}`)).toEqual({ status: 200, body: `live /x/${i}` });
    expect(rec.shadow!.stats()).toMatchObject({ mirrored: 2, dropped: 18, pending: 2 });
    const m = await scrape(`${rec.url}/__replayguard/metrics`);
    expect(valueOf(m, 'replayguard_shadow_dropped_total')).toBe(18);
    expect(valueOf(m, 'replayguard_shadow_queue_length')).toBe(2);
    // Every client was answered while the candidate still held the mirrored request.
    await expect.poll(() => held.length, { timeout: 60_000 }).toBe(1);
    for (const release of held.splice(0)) release();

    const dead = await startTestRecorder(live.url, { record: { shadow: { nice: 0, target: `http://127.0.0.1:${await deadPort()}`, sample: 1, out: path.join(tempDir(), 'sd') } } });
    for (let i = 0; i < 20; i++) expect(await get(`${dead.url}/y/${i}`)).toEqual({ status: 200, body: `live /y/${i}` });
    await expect.poll(() => dead.shadow!.stats().compared, { timeout: 60_000, interval: 50 }).toBe(20);
    const summary = await dead.shadow!.summarize();
    expect(summary.counts).toMatchObject({ total: 20, error: 20 });
  }, LOADED_MACHINE_MS);

  it('a results folder the shadow process cannot use stops the recorder at startup with the catalogue error', async () => {
    const live = await startServer((_req, res) => {
      res.end('ok');
    });
    const dir = tempDir();
    // A file where the folder should be: the process's check fails, and its error crosses back typed.
    const notADir = path.join(dir, 'taken');
    writeFileSync(notADir, 'x');
    await expect(startTestRecorder(live.url, { record: { shadow: { nice: 0, target: live.url, sample: 1, out: notADir } } })).rejects.toMatchObject({ code: 'RG_ERR_OUT_DIR', message: expect.stringContaining(notADir) });
  }, LOADED_MACHINE_MS);

  it('by default the shadow process runs at nice 19 as a whole, every thread it starts included; the recorder keeps its priority', async () => {
    const live = await startServer((_req, res) => {
      res.end('ok');
    });
    // Whatever nice this process was started with (a CI runner may use another than 0; a process
    // cannot raise its priority, so a recorder already at 19 has a shadow at 19 too).
    const proxyNice = niceOf('/proc/thread-self/stat');
    const before = threadNices('self');
    const rec = await startTestRecorder(live.url, { record: { shadow: { target: live.url, sample: 1, out: path.join(tempDir(), 'n') } } });
    const pid = rec.shadow!.pid;
    for (let i = 0; i < 20; i++) expect(await get(`${rec.url}/z/${i}`)).toEqual({ status: 200, body: 'ok' });
    // Once it has worked (requests, comparisons, garbage), whatever threads it has started.
    await expect.poll(() => rec.shadow!.stats().compared, { timeout: 120_000, interval: 100 }).toBe(20);
    const shadowNices = threadNices(pid);
    // Its main thread and V8's platform threads (GC, compiler) at least: with only its main thread
    // niced, those would do the shadow's garbage collection at the recorder's priority.
    expect(shadowNices.size).toBeGreaterThan(1);
    expect(new Set(shadowNices.values())).toEqual(new Set([Math.max(19, proxyNice)]));
    // The proxy answers on this very thread (the recorder runs in-process); no thread of it changed.
    expect(niceOf('/proc/thread-self/stat')).toBe(proxyNice);
    const after = threadNices('self');
    expect([...before].filter(([tid]) => after.has(tid)).filter(([tid, nice]) => after.get(tid) !== nice)).toEqual([]);
    await rec.close();
    // Closed and waited for: the recorder has reaped it.
    expect(isRunning(pid)).toBe(false);
  }, LOADED_MACHINE_MS);

  it('a shadow process killed mid-traffic (SIGKILL) costs clients nothing: every request is answered, the recorder warns and counts the shadow stopped', async () => {
    const live = await startServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`live ${req.url}`);
    });
    const candidate = await startServer((_req, res) => {
      res.end('candidate');
    });
    const rec = await startTestRecorder(live.url, { record: { shadow: { nice: 0, target: candidate.url, sample: 1, out: path.join(tempDir(), 'k') } } });
    const pid = rec.shadow!.pid;
    expect(isRunning(pid)).toBe(true);
    const answers: Array<{ status: number; body: string }> = [];
    const expected: Array<{ status: number; body: string }> = [];
    let killed = false;
    await pool(
      Array.from({ length: 300 }, (_, i) => `/during/${i}`),
      8,
      async (url) => {
        expected.push({ status: 200, body: `live ${url}` });
        answers.push(await get(rec.url + url));
        // Killed while requests are in flight and mirrored ones are queued or being compared.
        if (!killed && answers.length >= 100) {
          killed = true;
          process.kill(pid, 'SIGKILL');
        }
      },
    );
    await expect.poll(() => rec.warnings.join('\n'), { timeout: 60_000 }).toMatch(/the live shadow process stopped \(signal SIGKILL\); sampled requests are dropped and counted from now on, clients are not affected/);
    for (let i = 0; i < 50; i++) {
      expected.push({ status: 200, body: `live /after/${i}` });
      answers.push(await get(`${rec.url}/after/${i}`));
    }
    expect(new Set(answers.map((a) => JSON.stringify(a)))).toEqual(new Set(expected.map((e) => JSON.stringify(e))));
    expect(answers).toHaveLength(350);
    expect(isRunning(pid)).toBe(false);
    // Each sampled request was compared before the kill or is counted dropped; none is outstanding.
    const stats = rec.shadow!.stats();
    expect(stats.pending).toBe(0);
    expect(stats.compared + stats.dropped).toBe(350);
    expect(stats.dropped).toBeGreaterThanOrEqual(50);
    await expect(rec.shadow!.summarize()).rejects.toMatchObject({ code: 'RG_ERR_SHADOW_STOPPED', message: expect.stringContaining('signal SIGKILL') });
    // Recording went on: every exchange is stored.
    await rec.drain();
    expect(rec.stats()).toMatchObject({ captured: 350, written: 350, dropped: 0 });
    await rec.close();
    expect(rec.warnings.filter((w) => w.includes('live shadow process stopped'))).toHaveLength(1);
  }, LOADED_MACHINE_MS);

  it('mutating methods are mirrored only when listed, with a warning', async () => {
    const seen: string[] = [];
    const live = await startServer((_req, res) => {
      res.end('ok');
    });
    const cand = await startServer((req, res) => {
      seen.push(req.method ?? '');
      res.end('ok');
    });
    const byDefault = await startTestRecorder(live.url, { record: { shadow: { nice: 0, target: cand.url, sample: 1, out: path.join(tempDir(), 'a') } } });
    await get(`${byDefault.url}/r`);
    await request(`${byDefault.url}/r`, { method: 'POST', body: 'x' }).then((r) => r.body.text());
    await byDefault.close();
    expect(seen).toEqual(['GET']);
    expect(byDefault.warnings.join('\n')).not.toContain('mutating');

    const listed = await startTestRecorder(live.url, { record: { shadow: { nice: 0, target: cand.url, sample: 1, methods: ['GET', 'POST'], out: path.join(tempDir(), 'b') } } });
    expect(listed.warnings.join('\n')).toMatch(/shadowing mutating methods \(POST\)/);
    await request(`${listed.url}/r`, { method: 'POST', body: 'x' }).then((r) => r.body.text());
    await listed.close();
    expect(seen).toEqual(['GET', 'POST']);
  }, LOADED_MACHINE_MS);
});

// The CLI from source (tsx), as an operator runs it: can take most of a minute to start on a loaded machine.
describe('the shadow process ends with the recorder, however the recorder ends', { timeout: LOADED_MACHINE_MS }, () => {
  const ends: Array<[string, (rec: RecorderProcess) => void, { code: number | null; signal: string | null }]> = [
    ['SIGTERM to the recorder', (rec) => rec.child.kill('SIGTERM'), { code: 0, signal: null }],
    // The shadow process gets the SIGINT too: it leaves its closing to the recorder.
    ['SIGINT to its process group, as Ctrl-C in a terminal', (rec) => process.kill(-rec.child.pid!, 'SIGINT'), { code: 0, signal: null }],
    ['SIGKILL to the recorder', (rec) => rec.child.kill('SIGKILL'), { code: null, signal: 'SIGKILL' }],
  ];
  it.each(ends)('%s', async (_name, end, exit) => {
    const live = await startServer((req, res) => {
      res.end(`live ${req.url}`);
    });
    const dir = tempDir();
    const out = path.join(dir, 'so');
    const rec = await spawnRecorder(['--upstream', live.url, '--port', '0', '--db', path.join(dir, 'rec.db'), '--shadow', live.url, '--shadow-sample', '1', '--shadow-out', out], {}, { detached: true });
    // One shadow process (`nice` execs node: one process, one id; tsx may run an esbuild child too).
    const children = childPids(rec.child.pid!, 'shadow-child');
    expect(children).toHaveLength(1);
    const pid = children[0]!;
    expect(isRunning(pid)).toBe(true);
    for (let i = 0; i < 10; i++) expect(await get(`${rec.url}/e/${i}`)).toEqual({ status: 200, body: `live /e/${i}` });
    end(rec);
    // A hang detector, not a speed check.
    expect(await exitWithin(rec, 120_000), rec.stderr()).toEqual(exit);
    if (exit.code === 0) {
      // Closed and waited for before the recorder exits.
      expect(isRunning(pid)).toBe(false);
      expect(rec.stderr()).not.toMatch(/live shadow process stopped/);
      // Its last summary was written: it covers every result stored.
      const store = await openResultsStore(resultsLocation(out));
      try {
        const run = await store.findRun('latest');
        expect(run?.summary?.counts.total).toBe(await store.countResults(run!.run.id));
      } finally {
        await store.close();
      }
    } else {
      // Nobody left to close it: it sees its channel to the recorder close, and exits by itself.
      await expect.poll(() => isRunning(pid), { timeout: 120_000, interval: 100 }).toBe(false);
    }
  });
});
