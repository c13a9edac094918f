import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { readExchanges } from '../../helpers/recorder.js';
import { startServer } from '../../helpers/servers.js';
import { recordDependency, startTestStub } from '../../helpers/stub.js';

async function recordOne(): Promise<string> {
  return recordDependency((req, res) => void res.end(`recorded ${req.url}`), [{ method: 'GET', path: '/known' }]);
}

const text = async (url: string): Promise<{ status: number; body: string }> => {
  const r = await request(url);
  return { status: r.statusCode, body: await r.body.text() };
};

describe('stub --on-miss', () => {
  it('passthrough=URL forwards a miss to the live dependency and counts it', async () => {
    const db = await recordOne();
    const live = await startServer((req, res) => void res.end(`live ${req.url}`));
    const stub = await startTestStub(db, { onMiss: `passthrough=${live.url}` });
    expect(await text(`${stub.url}/known`)).toEqual({ status: 200, body: 'recorded /known' });
    expect(await text(`${stub.url}/fresh?x=1`)).toEqual({ status: 200, body: 'live /fresh?x=1' });
    expect(live.seen.map((s) => s.url)).toEqual(['/fresh?x=1']);
    expect(stub.stats()).toMatchObject({ hits: 1, misses: 1, forwarded: 1, recorded: 0 });
  });

  it('record=URL forwards, serves the answer from then on, and appends it to the session', async () => {
    const db = await recordOne();
    let n = 0;
    const live = await startServer((req, res) => void res.end(`live ${req.url} #${++n}`));
    const stub = await startTestStub(db, { onMiss: `record=${live.url}` });
    expect((await text(`${stub.url}/fresh`)).body).toBe('live /fresh #1');
    // The second identical call is a hit on what was just recorded: the live one is not asked again.
    expect((await text(`${stub.url}/fresh`)).body).toBe('live /fresh #1');
    expect(live.seen).toHaveLength(1);
    expect(stub.stats()).toMatchObject({ hits: 1, misses: 1, forwarded: 1, recorded: 1, exchanges: 2 });
    await stub.close();
    const stored = await readExchanges(db);
    expect(stored.map((e) => [e.request.url, e.response?.body.bytes?.toString()])).toEqual([
      ['/known', 'recorded /known'],
      ['/fresh', 'live /fresh #1'],
    ]);
  });

  it('a miss whose forward fails is a 502 naming the cause', async () => {
    const db = await recordOne();
    const stub = await startTestStub(db, { onMiss: 'passthrough=http://127.0.0.1:1' });
    const r = await text(`${stub.url}/fresh`);
    expect(r.status).toBe(502);
    expect(JSON.parse(r.body)).toMatchObject({ cause: 'refused', upstream: 'http://127.0.0.1:1' });
  });
});
