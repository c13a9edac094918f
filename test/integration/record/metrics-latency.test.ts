import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { startTestRecorder } from '../../helpers/recorder.js';
import { scrape, type Scrape } from '../../helpers/prometheus.js';
import { startServer } from '../../helpers/servers.js';
import { pool } from '../../helpers/pool.js';

/** Real servers and recorders: generous on a loaded machine (a hang bound, not a speed check). */
const LOADED_MACHINE_MS = 120_000;

async function send(url: string): Promise<number> {
  const r = await request(url);
  await r.body.arrayBuffer();
  return r.statusCode;
}

/** Sum of a sample over every label set (the histogram's `_count` across its series). */
function total(s: Scrape, name: string): number {
  return s.samples.filter((m) => m.name === name).reduce((a, m) => a + m.value, 0);
}

describe('recorder upstream latency histogram (kept by the writer thread)', () => {
  it('counts every forwarded request once: captured, dropped for a full queue, filtered out, and endless streams', async () => {
    const body = 'x'.repeat(16 * 1024);
    const up = await startServer((req, res) => {
      if (req.url === '/events') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end('data: 1\n\n');
      } else res.writeHead(200, { 'content-type': 'text/plain' }).end(body);
    });
    // 64 KiB of queue for 16 KiB bodies: storage falls behind and captures are dropped; those are still forwarded requests.
    const rec = await startTestRecorder(up.url, { record: { exclude: ['/skip/**'], queue: { maxBytes: 64 * 1024, flushMs: 50, batchSize: 256 } } });
    const n = 200;
    await pool(Array.from({ length: n }, (_, i) => i), 16, async (i) => {
      expect(await send(`${rec.url}/items/${i}`)).toBe(200);
    });
    for (let i = 0; i < 3; i++) expect(await send(`${rec.url}/skip/${i}`)).toBe(200);
    expect(await send(`${rec.url}/events`)).toBe(200);
    // No drain: a scrape sees every request answered before it, whatever the store has written.
    const m = await scrape(`${rec.url}/__replayguard/metrics`);
    const dropped = total(m, 'replayguard_captures_dropped_total');
    expect(dropped).toBeGreaterThan(0);
    expect(total(m, 'replayguard_requests_forwarded_total')).toBe(n + 4);
    expect(total(m, 'replayguard_upstream_duration_seconds_count')).toBe(n + 4);
    const items = m.samples.filter((s) => s.name === 'replayguard_upstream_duration_seconds_count' && s.labels.route === '/items/:id');
    expect(items).toEqual([{ name: 'replayguard_upstream_duration_seconds_count', labels: { method: 'GET', route: '/items/:id', status_class: '2xx' }, value: n }]);
    const inf = m.samples.find((s) => s.name === 'replayguard_upstream_duration_seconds_bucket' && s.labels.route === '/items/:id' && s.labels.le === '+Inf');
    expect(inf?.value).toBe(n);
    await rec.close();
  }, LOADED_MACHINE_MS);
});
