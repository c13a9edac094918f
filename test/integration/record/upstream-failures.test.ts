import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { readExchanges, startTestRecorder } from '../../helpers/recorder.js';
import { deadPort, startServer } from '../../helpers/servers.js';

interface FailureBody {
  error: string;
  cause: string;
  code: string;
  upstream: string;
  hint: string;
}

async function get(url: string): Promise<{ status: number; type: string | undefined; body: string }> {
  const r = await request(url);
  return { status: r.statusCode, type: r.headers['content-type'] as string | undefined, body: await r.body.text() };
}

describe('upstream failures', () => {
  it('answers 502 naming the cause when the upstream refuses connections, records it, and keeps serving', async () => {
    const port = await deadPort();
    const upstream = `http://127.0.0.1:${port}`;
    const rec = await startTestRecorder(upstream);
    for (let i = 0; i < 3; i++) {
      const r = await get(`${rec.url}/api/users/${i}`);
      expect(r.status).toBe(502);
      expect(r.type).toMatch(/^application\/json/);
      const body = JSON.parse(r.body) as FailureBody;
      expect(body).toMatchObject({ cause: 'refused', code: 'ECONNREFUSED', upstream });
      expect(body.hint).toContain(upstream);
    }
    expect((await get(`${rec.url}/__replayguard/health`)).status).toBe(200);
    await rec.close();
    const stored = await readExchanges(rec.dbFile);
    expect(stored).toHaveLength(3);
    for (const e of stored) {
      expect(e.response).toBeNull();
      expect(e.failure).toMatchObject({ kind: 'refused', code: 'ECONNREFUSED' });
      expect(e.route).toBe('/api/users/:id');
    }
  });

  it('answers 502 on a reset and 504 on a slow upstream, records both, and serves the next request', async () => {
    const up = await startServer((req, res) => {
      if (req.url === '/reset') {
        req.socket.destroy();
      } else if (req.url === '/slow') {
        const t = setTimeout(() => res.end('too late'), 3000);
        res.on('close', () => clearTimeout(t));
      } else if (req.url === '/reset-mid-body') {
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '100000' });
        res.write('x'.repeat(1000), () => setTimeout(() => req.socket.destroy(), 20));
      } else {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('fine');
      }
    });
    const rec = await startTestRecorder(up.url, { record: { upstreamTimeout: '300ms' } });

    const reset = await get(`${rec.url}/reset`);
    expect(reset.status).toBe(502);
    expect(JSON.parse(reset.body)).toMatchObject({ error: 'upstream unavailable', cause: 'reset' });
    expect((await get(`${rec.url}/ok`)).body).toBe('fine');

    const slow = await get(`${rec.url}/slow`);
    expect(slow.status).toBe(504);
    const slowBody = JSON.parse(slow.body) as FailureBody;
    expect(slowBody).toMatchObject({ error: 'upstream timed out', cause: 'timeout' });
    expect(slowBody.hint).toMatch(/300 ms \(record\.upstreamTimeout\)/);
    expect((await get(`${rec.url}/ok`)).body).toBe('fine');

    // A reset after the head was sent cannot become a 502 any more: the client sees a cut body.
    const mid = await request(`${rec.url}/reset-mid-body`);
    expect(mid.statusCode).toBe(200);
    await expect(mid.body.arrayBuffer()).rejects.toThrow();
    expect((await get(`${rec.url}/ok`)).body).toBe('fine');

    await rec.close();
    const stored = await readExchanges(rec.dbFile);
    expect(stored.map((e) => [e.request.url, e.failure?.kind ?? null])).toEqual([
      ['/reset', 'reset'],
      ['/ok', null],
      ['/slow', 'timeout'],
      ['/ok', null],
      ['/reset-mid-body', expect.stringMatching(/^(reset|aborted)$/)],
      ['/ok', null],
    ]);
    expect(stored[0]!.response).toBeNull();
    expect(stored[2]!.response).toBeNull();
    expect(stored[2]!.timing.totalMs).toBeGreaterThanOrEqual(250);
    const midStored = stored[4]!;
    expect(midStored.response?.status).toBe(200);
    expect(midStored.response!.body.size).toBeLessThan(100_000);
  });
});
