import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { readExchanges, startTestRecorder } from '../../helpers/recorder.js';
import { startServer } from '../../helpers/servers.js';

/** A promise with its resolver, to let the upstream go on only when the test says so. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
}

describe('streams pass through untouched', () => {
  it('forwards server-sent events as they are produced, unbuffered and byte-identical, and does not record them', async () => {
    const next = gate();
    const events = ['retry: 1000\n\n', 'id: 1\nevent: tick\ndata: {"n":1}\n\n', 'id: 2\ndata: line one\ndata: line two\n\n', ': comment\n\n'];
    const up = await startServer(async (req, res) => {
      if (req.url === '/events') {
        res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
        res.write(events[0]);
        res.write(events[1]);
        await next.wait;
        res.write(events[2]);
        res.end(events[3]);
      } else {
        res.end('plain');
      }
    });
    const rec = await startTestRecorder(up.url);
    const r = await request(`${rec.url}/events`);
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const received: string[] = [];
    const iterator = r.body[Symbol.asyncIterator]();
    // The first events arrive while the upstream is still holding the stream open: nothing is buffered.
    while (received.join('').length < events[0]!.length + events[1]!.length) {
      const { value, done } = (await iterator.next()) as IteratorResult<Buffer>;
      expect(done).toBe(false);
      received.push(value.toString('utf8'));
    }
    expect(received.join('')).toBe(events[0]! + events[1]!);
    next.open();
    for (;;) {
      const { value, done } = (await iterator.next()) as IteratorResult<Buffer>;
      if (done) break;
      received.push(value.toString('utf8'));
    }
    expect(received.join('')).toBe(events.join(''));

    const plain = await request(`${rec.url}/plain`);
    expect(await plain.body.text()).toBe('plain');
    await rec.close();
    expect((await readExchanges(rec.dbFile)).map((e) => e.request.url)).toEqual(['/plain']);
  });

  it('an endless event stream does not hold shutdown past record.shutdownGrace, and what was answered is stored', async () => {
    const up = await startServer((req, res) => {
      if (req.url === '/events') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: hello\n\n'); // and never ends
      } else res.end('plain');
    });
    const rec = await startTestRecorder(up.url, { record: { shutdownGrace: 300 } });
    expect(await (await request(`${rec.url}/plain`)).body.text()).toBe('plain');
    const stream = await request(`${rec.url}/events`);
    const first = (await stream.body[Symbol.asyncIterator]().next()) as IteratorResult<Buffer>;
    expect(first.value.toString()).toBe('data: hello\n\n');
    stream.body.on('error', () => {}); // the proxy cuts it at the deadline
    const t0 = Date.now();
    await rec.close();
    // Without the deadline close() waits for the client to leave, which it never does here.
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect((await readExchanges(rec.dbFile)).map((e) => e.request.url)).toEqual(['/plain']);
  });

  it('streams a chunked response chunk by chunk, and records it whole once it ends', async () => {
    const next = gate();
    const up = await startServer(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.write('{"part":1}\n');
      await next.wait;
      res.end('{"part":2}\n');
    });
    const rec = await startTestRecorder(up.url);
    const r = await request(`${rec.url}/feed`);
    const iterator = r.body[Symbol.asyncIterator]();
    const first = (await iterator.next()) as IteratorResult<Buffer>;
    expect(first.value.toString()).toBe('{"part":1}\n');
    next.open();
    let rest = '';
    for (;;) {
      const { value, done } = (await iterator.next()) as IteratorResult<Buffer>;
      if (done) break;
      rest += value.toString();
    }
    expect(rest).toBe('{"part":2}\n');
    await rec.close();
    const [e] = await readExchanges(rec.dbFile);
    expect(e!.response!.body.bytes!.toString()).toBe('{"part":1}\n{"part":2}\n');
    expect(e!.failure).toBeNull();
  });

  it('records a response the client walked away from as aborted, and keeps serving', async () => {
    const up = await startServer((req, res) => {
      if (req.url === '/endless') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        const t = setInterval(() => res.write(Buffer.alloc(1024, 1)), 5);
        res.on('close', () => clearInterval(t));
      } else {
        res.end('ok');
      }
    });
    const rec = await startTestRecorder(up.url);
    const controller = new AbortController();
    const r = await request(`${rec.url}/endless`, { signal: controller.signal });
    const iterator = r.body[Symbol.asyncIterator]();
    await iterator.next();
    controller.abort();
    await expect(iterator.next()).rejects.toThrow();
    expect(await (await request(`${rec.url}/after`)).body.text()).toBe('ok');
    // Wait for the aborted capture to be handed over (the proxy sees the close asynchronously); the
    // bound is a hang bound: a fixed count of short sleeps ran out on a loaded machine.
    await expect.poll(() => rec.stats().captured, { timeout: 60_000 }).toBeGreaterThanOrEqual(2);
    await rec.close();
    const stored = await readExchanges(rec.dbFile);
    expect(stored.map((e) => e.request.url).sort()).toEqual(['/after', '/endless']);
    const endless = stored.find((e) => e.request.url === '/endless')!;
    expect(endless.response?.status).toBe(200);
    expect(endless.failure?.kind).toBe('aborted');
  });
});
