import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { readExchanges, startTestRecorder } from '../../helpers/recorder.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

describe('WebSocket upgrades', () => {
  it('are proxied untouched in both directions and not recorded', async () => {
    const server = createServer((_req, res) => res.end('plain'));
    const wss = new WebSocketServer({ server });
    wss.on('connection', (socket) => socket.on('message', (data, binary) => socket.send(binary ? data : `echo:${data.toString()}`)));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise<void>((r) => { wss.close(); server.closeAllConnections(); server.close(() => r()); }));
    const upstream = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const rec = await startTestRecorder(upstream);

    const client = new WebSocket(rec.url.replace('http', 'ws') + '/socket');
    await new Promise<void>((resolve, reject) => {
      client.once('open', resolve);
      client.once('error', reject);
    });
    const replies: string[] = [];
    const got = new Promise<void>((resolve) => {
      client.on('message', (d) => {
        replies.push(d.toString());
        if (replies.length === 2) resolve();
      });
    });
    client.send('hello');
    client.send('world');
    await got;
    expect(replies).toEqual(['echo:hello', 'echo:world']);
    client.close();
    const plain = await fetch(`${rec.url}/after`);
    expect(await plain.text()).toBe('plain');
    await rec.close();
    const stored = await readExchanges(rec.dbFile);
    expect(stored.map((e) => e.request.url)).toEqual(['/after']);
  });
});
