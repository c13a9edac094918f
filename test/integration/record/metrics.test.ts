import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { readExchanges, startTestRecorder } from '../../helpers/recorder.js';
import { parseMetrics, scrape, valueOf, type Scrape } from '../../helpers/prometheus.js';
import { startServer } from '../../helpers/servers.js';
import { LOADED_MACHINE_MS } from '../../helpers/loaded-machine.js';
import { pool } from '../../helpers/pool.js';
import { placeholderOf } from '../../../src/redact/placeholder.js';
import { loadRedactionKey, redactionKeyFile } from '../../../src/redact/redaction-key.js';

async function send(url: string, method = 'GET', body?: string): Promise<number> {
  const r = await request(url, { method: method as 'GET', body });
  await r.body.arrayBuffer();
  return r.statusCode;
}

/** Count of the upstream latency histogram series with these labels. */
function upstreamCount(s: Scrape, labels: Record<string, string>): number {
  return valueOf(s, 'replayguard_upstream_duration_seconds_count', labels);
}

describe('recorder /metrics', () => {
  it('counts forwarded, recorded and by route template and status class, as a Prometheus parser reads them', async () => {
    const up = await startServer((req, res) => {
      if (req.url?.startsWith('/users/')) res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      else if (req.url === '/boom') res.writeHead(500).end('boom');
      else res.writeHead(404).end();
    });
    const rec = await startTestRecorder(up.url, { record: { exclude: ['/health'] } });
    for (let i = 0; i < 30; i++) expect(await send(`${rec.url}/users/${i + 1}?x=${i}`)).toBe(200);
    for (let i = 0; i < 5; i++) expect(await send(`${rec.url}/missing`)).toBe(404);
    for (let i = 0; i < 4; i++) expect(await send(`${rec.url}/boom`, 'POST', 'x')).toBe(500);
    for (let i = 0; i < 3; i++) expect(await send(`${rec.url}/health`)).toBe(404);
    await rec.drain();

    const m = await scrape(`${rec.url}/__replayguard/metrics`);
    expect(m.families.get('replayguard_requests_forwarded_total')?.type).toBe('COUNTER');
    expect(m.families.get('replayguard_capture_queue_bytes')?.type).toBe('GAUGE');
    expect(valueOf(m, 'replayguard_requests_forwarded_total')).toBe(42);
    // Excluded requests are forwarded, not captured.
    expect(valueOf(m, 'replayguard_captures_total')).toBe(39);
    expect(valueOf(m, 'replayguard_captures_recorded_total')).toBe(39);
    expect(valueOf(m, 'replayguard_captures_dropped_total')).toBe(0);
    expect(valueOf(m, 'replayguard_capture_queue_bytes')).toBe(0);
    expect(m.families.get('replayguard_upstream_duration_seconds')?.type).toBe('HISTOGRAM');
    expect(upstreamCount(m, { method: 'GET', route: '/users/:id', status_class: '2xx' })).toBe(30);
    expect(upstreamCount(m, { method: 'GET', route: '/missing', status_class: '4xx' })).toBe(5);
    expect(upstreamCount(m, { method: 'POST', route: '/boom', status_class: '5xx' })).toBe(4);
    expect(upstreamCount(m, { method: 'GET', route: '/health', status_class: '4xx' })).toBe(3);
    expect(valueOf(m, 'replayguard_writer_batch_duration_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(valueOf(m, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    // Scrapes are admin requests: never forwarded, never recorded.
    const again = await scrape(`${rec.url}/__replayguard/metrics`);
    expect(valueOf(again, 'replayguard_requests_forwarded_total')).toBe(42);

    await rec.close();
    expect(await readExchanges(rec.dbFile)).toHaveLength(39);
  }, LOADED_MACHINE_MS);

  it('an upstream that is down is counted under status_class "error"', async () => {
    const up = await startServer((_req, res) => {
      res.end('x');
    });
    const rec = await startTestRecorder(up.url);
    await up.close();
    expect(await send(`${rec.url}/orders/12`)).toBe(502);
    const m = await scrape(`${rec.url}/__replayguard/metrics`);
    expect(upstreamCount(m, { method: 'GET', route: '/orders/:id', status_class: 'error' })).toBe(1);
    expect(valueOf(m, 'replayguard_requests_forwarded_total')).toBe(1);
  }, LOADED_MACHINE_MS);

  it('after a load test with a small queue, recorded and dropped match what was stored and dropped; registries are per recorder', async () => {
    const body = 'x'.repeat(16 * 1024);
    const up = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(body);
    });
    // 64 KiB of queue for 16 KiB bodies: storage is made to fall behind, so some captures are dropped.
    const rec = await startTestRecorder(up.url, { record: { queue: { maxBytes: 64 * 1024, flushMs: 50, batchSize: 256 } } });
    const other = await startTestRecorder(up.url);
    const total = 400;
    await pool(Array.from({ length: total }, (_, i) => i), 16, async (i) => {
      expect(await send(`${rec.url}/items/${i}`)).toBe(200);
    });
    await send(`${other.url}/elsewhere`);
    await rec.drain();
    const m = await scrape(`${rec.url}/__replayguard/metrics`);
    const recorded = valueOf(m, 'replayguard_captures_recorded_total');
    const dropped = valueOf(m, 'replayguard_captures_dropped_total');
    expect(valueOf(m, 'replayguard_requests_forwarded_total')).toBe(total);
    expect(valueOf(m, 'replayguard_captures_total')).toBe(total);
    expect(recorded + dropped).toBe(total);
    expect(dropped).toBeGreaterThan(0);
    expect(rec.stats()).toMatchObject({ written: recorded, dropped });
    await rec.close();
    expect(await readExchanges(rec.dbFile)).toHaveLength(recorded);

    const o = await scrape(`${other.url}/__replayguard/metrics`);
    expect(valueOf(o, 'replayguard_requests_forwarded_total')).toBe(1);
  }, LOADED_MACHINE_MS);

  it('route labels carry no secret: a token learned from a login and then sent in a path shows as its placeholder', async () => {
    // Short and dotted, so no route template rule folds it to `:id` (opaque tokens need 20+ characters
    // without dots): unredacted, it would be a label of its own.
    const SECRET = 'tok3n.Kx9qZw';
    const up = await startServer((req, res) => {
      if (req.url === '/login') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: SECRET }));
      else res.writeHead(204).end();
    });
    // `/audit/**` is forwarded and not captured: its latency travels as a bare observation.
    const rec = await startTestRecorder(up.url, { record: { exclude: ['/audit/**'] } });
    expect(await send(`${rec.url}/login`, 'POST', '{}')).toBe(200);
    await rec.drain();
    expect(await send(`${rec.url}/user/token/${SECRET}`, 'DELETE')).toBe(204);
    expect(await send(`${rec.url}/audit/${SECRET}`)).toBe(204);

    const res = await request(`${rec.url}/__replayguard/metrics`);
    const text = await res.body.text();
    expect(res.statusCode).toBe(200);
    expect(text).not.toContain(SECRET);
    const { key } = loadRedactionKey({ env: process.env, keyFile: redactionKeyFile(rec.dbFile), create: false });
    const placeholder = placeholderOf(key, SECRET);
    const m = parseMetrics(text);
    expect(upstreamCount(m, { method: 'DELETE', route: `/user/token/${placeholder}`, status_class: '2xx' })).toBe(1);
    expect(upstreamCount(m, { method: 'GET', route: `/audit/${placeholder}`, status_class: '2xx' })).toBe(1);
    expect(upstreamCount(m, { method: 'POST', route: '/login', status_class: '2xx' })).toBe(1);
    await rec.close();
    expect((await readExchanges(rec.dbFile)).map((e) => e.route)).toEqual(['/login', `/user/token/${placeholder}`]);
  }, LOADED_MACHINE_MS);
});
