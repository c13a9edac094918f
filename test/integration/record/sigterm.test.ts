import path from 'node:path';
import { Agent, request } from 'undici';
import { describe, expect, it } from 'vitest';
import { exitWithin, spawnRecorder } from '../../helpers/cli-process.js';
import { readExchanges } from '../../helpers/recorder.js';
import { startServer } from '../../helpers/servers.js';
import { tempDir } from '../../helpers/temp.js';
import { LOADED_MACHINE_MS } from '../../helpers/loaded-machine.js';

// Each test starts the CLI from source (tsx), which can take most of a minute on a loaded machine.
describe('SIGTERM under load', { timeout: LOADED_MACHINE_MS }, () => {
  it('finishes in-flight requests, stores every exchange a client got an answer for, and exits 0', async () => {
    const up = await startServer((req, res) => {
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(`answer for ${req.url}`);
      }, 60);
    });
    const db = path.join(tempDir(), 'rec.db');
    const rec = await spawnRecorder(['--upstream', up.url, '--port', '0', '--db', db, '--session', 'burst']);
    const agent = new Agent({ connections: 32 });
    // Bounded: at most `cap` requests; the burst ends as soon as the stopped proxy refuses one.
    const cap = 3000;
    const answered: string[] = [];
    let answeredAfterSignal = 0;
    let failed = 0;
    let next = 0;
    let signalled = false;
    const worker = async (): Promise<void> => {
      while (next < cap && !(signalled && failed > 0)) {
        const url = `/api/items/${next++}`;
        try {
          const r = await request(rec.url + url, { dispatcher: agent });
          const text = await r.body.text();
          if (r.statusCode === 200) {
            expect(text).toBe(`answer for ${url}`);
            answered.push(url);
            if (signalled) answeredAfterSignal++;
          }
        } catch {
          failed++; // refused or cut after the proxy stopped accepting: the client got no answer
        }
        if (!signalled && answered.length >= 100) {
          signalled = true;
          rec.child.kill('SIGTERM');
        }
      }
    };
    await Promise.all(Array.from({ length: 32 }, worker));
    expect(signalled).toBe(true);
    // The signal landed mid-burst: requests in flight then were still answered, later ones refused.
    expect(failed).toBeGreaterThan(0);
    expect(answeredAfterSignal).toBeGreaterThan(0);

    // A hang detector, not a speed check: a clean stop takes well under a second on an idle machine.
    const exit = await exitWithin(rec, 60_000);
    // The client still holds its keep-alive connections open: they must not keep the proxy alive.
    expect(exit, rec.stderr()).toEqual({ code: 0, signal: null });
    await agent.close();
    expect(rec.stderr()).toMatch(/SIGTERM: finishing in-flight requests \(up to 10000 ms\) and flushing/);

    const stored = await readExchanges(db, 'burst');
    const storedUrls = new Set(stored.map((e) => e.request.url));
    const missing = answered.filter((u) => !storedUrls.has(u));
    expect(missing, `answered by the proxy but not stored (${answered.length} answered, ${failed} failed)`).toEqual([]);
    expect(answered.length).toBeGreaterThanOrEqual(100);
    expect(new Set(stored.map((e) => e.seq)).size).toBe(stored.length);
    const m = /stopped; session "burst": (\d+) exchanges stored, (\d+) dropped/.exec(rec.stderr());
    expect(m, rec.stderr()).not.toBeNull();
    expect(Number(m![1])).toBe(stored.length);
    expect(Number(m![2])).toBe(0);
    // Requests the proxy accepted but whose answer the client never read would be extra rows, not missing ones.
    expect(stored.length).toBeGreaterThanOrEqual(answered.length);
  });

  it('lets a response that is mid-body at SIGTERM finish, records it, then exits though the client keeps its connection', async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const up = await startServer(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first half, ');
      await released;
      res.end('second half');
    });
    const db = path.join(tempDir(), 'rec.db');
    const rec = await spawnRecorder(['--upstream', up.url, '--port', '0', '--db', db, '--session', 'slow']);
    const agent = new Agent({ keepAliveTimeout: 60_000 });
    const r = await request(`${rec.url}/slow`, { dispatcher: agent });
    expect(r.statusCode).toBe(200);
    rec.child.kill('SIGTERM');
    // The body is released once the recorder has taken the signal (not after a fixed pause, which a
    // loaded machine outlasts): the response is mid-body at SIGTERM.
    await expect.poll(() => rec.stderr(), { timeout: 60_000 }).toMatch(/SIGTERM: finishing in-flight requests/);
    release();
    expect(await r.body.text()).toBe('first half, second half');
    const exit = await exitWithin(rec, 60_000);
    expect(exit, rec.stderr()).toEqual({ code: 0, signal: null });
    await agent.close();
    const stored = await readExchanges(db, 'slow');
    expect(stored.map((e) => e.response?.body.bytes?.toString())).toEqual(['first half, second half']);
    expect(stored[0]!.failure).toBeNull();
  });
});
