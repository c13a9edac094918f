import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { readExchanges, startTestRecorder } from '../../helpers/recorder.js';
import { startServer } from '../../helpers/servers.js';
import { pool } from '../../helpers/pool.js';

async function echoUpstream() {
  return startServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`${req.method} ${req.url}`);
  });
}

async function send(base: string, method: string, path: string): Promise<void> {
  const r = await request(base + path, { method: method as 'GET' });
  expect(r.statusCode).toBe(200);
  expect(await r.body.text()).toBe(`${method} ${path}`);
}

describe('sampling', () => {
  it('sample 0 forwards everything and stores nothing', async () => {
    const up = await echoUpstream();
    const rec = await startTestRecorder(up.url, { record: { sample: 0 } });
    await pool(Array.from({ length: 50 }, (_, i) => i), 10, (i) => send(rec.url, 'GET', `/s/${i}`));
    expect(up.seen).toHaveLength(50);
    await rec.close();
    expect(await readExchanges(rec.dbFile)).toEqual([]);
    expect(rec.stats()).toMatchObject({ captured: 0, written: 0, dropped: 0 });
  });

  it('sample 0.5 forwards everything and stores roughly half, each stored one a real request', async () => {
    const up = await echoUpstream();
    const rec = await startTestRecorder(up.url, { record: { sample: 0.5 } });
    const n = 400;
    await pool(Array.from({ length: n }, (_, i) => i), 16, (i) => send(rec.url, 'GET', `/s/${i}`));
    expect(up.seen).toHaveLength(n);
    await rec.close();
    const stored = await readExchanges(rec.dbFile);
    // Binomial(400, 0.5): standard deviation 10, so 140..260 is a six-sigma band.
    expect(stored.length).toBeGreaterThan(140);
    expect(stored.length).toBeLessThan(260);
    const urls = new Set(stored.map((e) => e.request.url));
    expect(urls.size).toBe(stored.length);
    for (const e of stored) expect(e.response!.body.bytes!.toString()).toBe(`GET ${e.request.url}`);
    // Seqs count arrival among recorded requests: increasing, no duplicates.
    const seqs = stored.map((e) => e.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
  });
});

describe('include and exclude patterns', () => {
  it('records only what the patterns select, by method and path, and forwards everything', async () => {
    const up = await echoUpstream();
    const rec = await startTestRecorder(up.url, {
      record: { include: ['GET /api/**', 'POST /api/orders'], exclude: ['/api/health', 'GET /api/internal/**'] },
    });
    const sent: Array<[string, string, boolean]> = [
      ['GET', '/api/users/1', true],
      ['GET', '/api/users/2?expand=1', true],
      ['DELETE', '/api/users/1', false],
      ['POST', '/api/orders', true],
      ['POST', '/api/orders/1', false],
      ['PUT', '/api/orders', false],
      ['GET', '/api/health', false],
      ['HEAD', '/api/health', false],
      ['GET', '/api/internal/metrics', false],
      ['GET', '/static/app.js', false],
      ['GET', '/api', true],
    ];
    for (const [method, path] of sent) {
      const r = await request(rec.url + path, { method: method as 'GET' });
      expect(r.statusCode, `${method} ${path}`).toBe(200);
      await r.body.dump();
    }
    expect(up.seen.map((s) => `${s.method} ${s.url}`)).toEqual(sent.map(([m, p]) => `${m} ${p}`));
    await rec.close();
    const stored = await readExchanges(rec.dbFile);
    expect(stored.map((e) => `${e.request.method} ${e.request.url}`)).toEqual(sent.filter(([, , rec]) => rec).map(([m, p]) => `${m} ${p}`));
  });

  it('never records its own admin endpoints', async () => {
    const up = await echoUpstream();
    const rec = await startTestRecorder(up.url);
    const health = await request(`${rec.url}/__replayguard/health`);
    expect(health.statusCode).toBe(200);
    expect(await health.body.json()).toEqual({ status: 'ok', upstream: up.url });
    const stats = await request(`${rec.url}/__replayguard/stats`);
    expect(await stats.body.json()).toMatchObject({ session: 'test', captured: 0 });
    expect(up.seen).toHaveLength(0);
    await send(rec.url, 'GET', '/__replayguardx/not-admin');
    await rec.close();
    expect((await readExchanges(rec.dbFile)).map((e) => e.request.url)).toEqual(['/__replayguardx/not-admin']);
  });
});
