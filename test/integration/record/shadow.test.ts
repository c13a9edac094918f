import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
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

// The shadow's thread runs at nice 0 here (record.shadow.nice): at its default 19 it only gets CPU
// this shared machine leaves idle, and these tests are about what it compares, not when.

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

/** A thread's nice value (Linux: each thread has its own), from its /proc stat file. */
function niceOf(statFile: string): number {
  const stat = readFileSync(statFile, 'utf8');
  // Fields after the command name: state is the first, nice the 17th.
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

const threadsAtNice = (nice: number): number => readdirSync('/proc/self/task').filter((tid) => niceOf(`/proc/self/task/${tid}/stat`) === nice).length;

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

  it('a results folder the shadow thread cannot use stops the recorder at startup with the catalogue error', async () => {
    const live = await startServer((_req, res) => {
      res.end('ok');
    });
    const dir = tempDir();
    // A file where the folder should be: the thread's check fails, and its error crosses back typed.
    const notADir = path.join(dir, 'taken');
    writeFileSync(notADir, 'x');
    await expect(startTestRecorder(live.url, { record: { shadow: { nice: 0, target: live.url, sample: 1, out: notADir } } })).rejects.toMatchObject({ code: 'RG_ERR_OUT_DIR', message: expect.stringContaining(notADir) });
  }, LOADED_MACHINE_MS);

  it('by default the shadow thread yields the CPU (nice 19); the proxy thread keeps its priority', async () => {
    const live = await startServer((_req, res) => {
      res.end('ok');
    });
    const before = threadsAtNice(19);
    // Whatever nice this process was started with (a CI runner may use another than 0).
    const proxyNice = niceOf('/proc/thread-self/stat');
    expect(proxyNice).toBeLessThan(19);
    const rec = await startTestRecorder(live.url, { record: { shadow: { target: live.url, sample: 1, out: path.join(tempDir(), 'n') } } });
    expect(threadsAtNice(19)).toBe(before + 1);
    // The proxy answers on this very thread (the recorder runs in-process).
    expect(niceOf('/proc/thread-self/stat')).toBe(proxyNice);
    expect(await get(`${rec.url}/z`)).toEqual({ status: 200, body: 'ok' });
    await rec.close();
    expect(threadsAtNice(19)).toBe(before);
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
