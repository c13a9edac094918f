import path from 'node:path';
import { Agent, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../src/cli/cli-io.js';
import { runCli } from '../../../src/cli/run-cli.js';
import { SqliteRecordingStore } from '../../../src/store/sqlite-recording-store.js';
import { readExchanges, startTestRecorder } from '../../helpers/recorder.js';
import { startServer } from '../../helpers/servers.js';
import { tempDir } from '../../helpers/temp.js';

const agents: Agent[] = [];
afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.close()));
});

function captureIo(cwd: string): CliIo & { stdout_: string[]; stderr_: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    env: {},
    cwd,
    isTTY: false,
    stdout: process.stdout,
    onSignal: () => {},
    exit: (c) => {
      throw new Error(`unexpected exit(${c})`);
    },
    stdout_: out,
    stderr_: err,
  };
}

describe('recording under load', () => {
  it('stores 400 concurrent requests as 400 exchanges with distinct seqs', async () => {
    const up = await startServer((req, res) => {
      // A little latency so the requests really overlap at the proxy.
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ url: req.url, len: req.body.length }));
      }, 5);
    });
    const rec = await startTestRecorder(up.url);
    const agent = new Agent({ connections: 400 });
    agents.push(agent);
    const n = 400;
    const results = await Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const method = i % 4 === 0 ? 'POST' : 'GET';
        const r = await request(`${rec.url}/api/items/${i}`, { dispatcher: agent, method, body: method === 'POST' ? `body-${i}` : undefined });
        return { i, status: r.statusCode, body: (await r.body.json()) as { url: string; len: number } };
      }),
    );
    for (const r of results) {
      expect(r.status).toBe(200);
      expect(r.body.url).toBe(`/api/items/${r.i}`);
    }
    await rec.close();
    const stored = await readExchanges(rec.dbFile);
    expect(stored).toHaveLength(n);
    expect(new Set(stored.map((e) => e.seq)).size).toBe(n);
    expect(stored.map((e) => e.seq)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    expect(new Set(stored.map((e) => e.request.url)).size).toBe(n);
    for (const e of stored) {
      const i = Number(e.request.url.split('/').pop());
      expect(e.failure).toBeNull();
      expect(e.route).toBe('/api/items/:id');
      expect(JSON.parse(e.response!.body.bytes!.toString())).toEqual({ url: e.request.url, len: i % 4 === 0 ? `body-${i}`.length : 0 });
      if (i % 4 === 0) expect(e.request.body.bytes!.toString()).toBe(`body-${i}`);
    }
    expect(rec.stats()).toMatchObject({ captured: n, written: n, dropped: 0 });
  });

  it('drops and counts captures past a tiny queue bound, serves every client, and shows the count in ls', async () => {
    const big = Buffer.alloc(4096, 'b');
    const up = await startServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(req.url === '/big' ? big : 'small');
    });
    // 2 KB: a capture without a body (512 bytes of bookkeeping) fits; one with a 4 KB body never does.
    const db = path.join(tempDir(), 'rec.db');
    const rec = await startTestRecorder(up.url, { db, record: { queue: { maxBytes: 2048 } } });
    for (let i = 0; i < 5; i++) {
      const small = await request(`${rec.url}/small`);
      expect(await small.body.text()).toBe('small');
      await rec.drain();
      const b = await request(`${rec.url}/big`);
      expect(Buffer.from(await b.body.arrayBuffer()).equals(big)).toBe(true);
      await rec.drain();
    }
    expect(rec.stats()).toMatchObject({ captured: 10, written: 5, dropped: 5 });
    expect(rec.warnings.some((w) => /falling behind: captures are being dropped/.test(w))).toBe(true);
    // Warned once, not once per dropped capture.
    expect(rec.warnings.filter((w) => /falling behind/.test(w))).toHaveLength(1);
    await rec.close();

    expect((await readExchanges(db)).map((e) => e.request.url)).toEqual(Array(5).fill('/small'));
    const store = new SqliteRecordingStore(db, { readonly: true });
    expect((await store.listSessions())[0]).toMatchObject({ name: 'test', exchanges: 5, dropped: 5 });
    await store.close();

    const io = captureIo(path.dirname(db));
    expect(await runCli(['ls', '--db', db], io)).toBe(0);
    const text = io.stdout_.join('\n');
    expect(text).toMatch(/dropped/);
    expect(text).toMatch(/5 captures were dropped because storage fell behind/);
    const jsonIo = captureIo(path.dirname(db));
    expect(await runCli(['ls', '--db', db, '--json'], jsonIo)).toBe(0);
    expect((JSON.parse(jsonIo.stdout_.join('')) as { sessions: Array<{ dropped: number }> }).sessions[0]!.dropped).toBe(5);
  });
});
