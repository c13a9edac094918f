import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';
// har-validator checks a document against the HAR 1.2 JSON Schema (its `har` export resolves or throws).
import validator from 'har-validator';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../src/config/resolve-config.js';
import { exportHar } from '../../../src/har/export-har.js';
import { importHar } from '../../../src/har/import-har.js';
import { readExchanges } from '../../helpers/recorder.js';
import { replayRecorded, runCliCaptured } from '../../helpers/replay.js';
import { describeWithBrowser } from '../../helpers/requirements.js';
import { startServer } from '../../helpers/servers.js';
import { tempDir } from '../../helpers/temp.js';

const SECRET = 'tok-7fa9c2e1b4d8';
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0xff, 0xfe, 0x80]);

/** A small API: JSON (gzip-encoded when asked), a list, a binary avatar, an echo of a posted body. */
function api(version: number) {
  return startServer((req, res) => {
    res.setHeader('access-control-allow-origin', '*');
    const url = req.url ?? '/';
    const json = (value: unknown): void => {
      const text = JSON.stringify(value);
      res.setHeader('content-type', 'application/json');
      if (/gzip/.test(String(req.headers['accept-encoding'] ?? '')) && url.startsWith('/api/users/')) {
        res.setHeader('content-encoding', 'gzip');
        res.end(zlib.gzipSync(text));
      } else res.end(text);
    };
    if (url === '/api/users') return json([{ id: 1, name: 'Ada' }, { id: 2, name: 'Grace' }]);
    if (url.startsWith('/api/users/')) return json({ id: Number(url.split('/')[3]), name: 'Ada', plan: version === 1 ? 'free' : 'pro' });
    if (url === '/api/avatar/1') {
      res.setHeader('content-type', 'image/png');
      res.end(PNG);
      return;
    }
    if (url === '/api/echo') return json({ got: req.body.toString('utf8') });
    res.statusCode = 404;
    res.end('not found');
  });
}

/** A page on its own origin that calls the API the way a front end does. */
function page(apiUrl: string) {
  return startServer((req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end(`<!doctype html><title>app</title><script>
      (async () => {
        await (await fetch('${apiUrl}/api/users')).json();
        await (await fetch('${apiUrl}/api/users/1')).json();
        await (await fetch('${apiUrl}/api/users/2')).json();
        await (await fetch('${apiUrl}/api/avatar/1')).arrayBuffer();
        await (await fetch('${apiUrl}/api/echo', { method: 'POST', body: 'hello', headers: { 'content-type': 'text/plain' } })).json();
        document.title = 'done';
      })();
    </script>`);
  });
}

async function recordHar(executablePath: string, pageUrl: string, file: string): Promise<void> {
  const browser = await chromium.launch({ executablePath, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  try {
    const context = await browser.newContext({ recordHar: { path: file, content: 'embed' } });
    const p = await context.newPage();
    await p.goto(pageUrl);
    await p.waitForFunction('document.title === "done"', null, { timeout: 15_000 });
    await context.close(); // writes the HAR
  } finally {
    await browser.close();
  }
}

const verdicts = (rs: Array<{ method: string; url: string; verdict: string }>) => Object.fromEntries(rs.map((r) => [`${r.method} ${r.url}`, r.verdict]));

describeWithBrowser('HAR 1.2 in and out', (executablePath) => {
  it('imports what Chromium recorded, replays it, exports a valid HAR that round-trips to the same verdicts', async () => {
    const staging = await api(1);
    const candidate = await api(2);
    const web = await page(staging.url);
    const dir = tempDir('rg-har-');
    const harFile = path.join(dir, 'chromium.har');
    await recordHar(executablePath, web.url, harFile);
    // The browser's own credential header, as a HAR from DevTools would carry it.
    const har = JSON.parse(await readFile(harFile, 'utf8'));
    for (const e of har.log.entries) e.request.headers.push({ name: 'Authorization', value: `Bearer ${SECRET}` });
    await writeFile(harFile, JSON.stringify(har));
    await validator.har(har);

    const db = path.join(dir, 'rec.db');
    const config = defaultConfig({ db });
    const imported = await importHar({ file: harFile, config, session: 'browser', env: {} });
    expect(imported.origin).toBe(staging.url);
    expect(imported.imported).toBe(5);
    expect(imported.skipped.find((s) => s.reason.startsWith(`another origin (${web.url})`))?.entries).toBeGreaterThanOrEqual(1);

    const stored = await readExchanges(db, 'browser');
    expect(stored.map((e) => `${e.request.method} ${e.request.url}`)).toEqual(['GET /api/users', 'GET /api/users/1', 'GET /api/users/2', 'GET /api/avatar/1', 'POST /api/echo']);
    expect(stored.map((e) => e.route)).toEqual(['/api/users', '/api/users/:id', '/api/users/:id', '/api/avatar/:id', '/api/echo']);
    const user = stored[1]!;
    expect(user.response!.headers.find(([n]) => n.toLowerCase() === 'content-encoding')?.[1]).toBe('gzip');
    expect(JSON.parse(zlib.gunzipSync(user.response!.body.bytes!).toString('utf8'))).toEqual({ id: 1, name: 'Ada', plan: 'free' });
    expect(stored[3]!.response!.body.bytes).toEqual(PNG); // base64 in the HAR
    // Redacted before it was written, as recording does: the secret is nowhere in the database.
    expect((await readFile(db)).includes(SECRET)).toBe(false);
    expect(stored[4]!.request.headers.find(([n]) => n === 'Authorization')?.[1]).toMatch(/^Bearer \[REDACTED:[0-9a-f]{8}\]$/);

    // The recorded credential is a placeholder now: the replay supplies its own, as CI would.
    const replayOf = (file: string, session: string, target: string) => replayRecorded(file, target, { overrides: { replay: { session, headers: { Authorization: 'Bearer ci-token' } } } });
    const same = await replayOf(db, 'browser', staging.url);
    expect(Object.values(verdicts(same.results))).toEqual(['pass', 'pass', 'pass', 'pass', 'pass']);
    const changed = await replayOf(db, 'browser', candidate.url);
    const before = verdicts(changed.results);
    expect(before).toEqual({ 'GET /api/users': 'pass', 'GET /api/users/1': 'regression', 'GET /api/users/2': 'regression', 'GET /api/avatar/1': 'pass', 'POST /api/echo': 'pass' });

    const exported = path.join(dir, 'export.har');
    expect((await exportHar({ config, session: 'browser', file: exported, version: '0.0.0' })).entries).toBe(5);
    const text = await readFile(exported, 'utf8');
    expect(text.includes(SECRET)).toBe(false); // redacted values stay redacted
    await validator.har(JSON.parse(text));

    const db2 = path.join(dir, 'round.db');
    const again = await importHar({ file: exported, config: defaultConfig({ db: db2 }), session: 'round', env: {} });
    expect(again).toMatchObject({ imported: 5, skipped: [] });
    const round = await replayOf(db2, 'round', candidate.url);
    expect(verdicts(round.results)).toEqual(before);
  }, 180_000);
});

describe('HAR import of entries that cannot be replayed', () => {
  it('skips and counts them by reason, and refuses a file that is not HAR', async () => {
    const dir = tempDir('rg-har-');
    const entry = (url: string, response: Record<string, unknown>) => ({
      startedDateTime: '2026-01-01T00:00:00.000Z',
      time: 5,
      request: { method: 'GET', url, httpVersion: 'HTTP/1.1', cookies: [], headers: [], queryString: [], headersSize: -1, bodySize: 0 },
      response: { status: 200, statusText: 'OK', httpVersion: 'HTTP/1.1', cookies: [], headers: [], content: { size: 2, mimeType: 'text/plain', text: 'ok' }, redirectURL: '', headersSize: -1, bodySize: 2, ...response },
      cache: {},
      timings: { send: 0, wait: 4, receive: 1 },
    });
    const file = path.join(dir, 'mixed.har');
    await writeFile(
      file,
      JSON.stringify({
        log: {
          version: '1.2',
          creator: { name: 't', version: '1' },
          entries: [
            entry('http://api.test/a', {}),
            entry('http://api.test/b', { status: 0 }),
            entry('http://api.test/c', { content: { size: 10, mimeType: 'text/plain' } }),
            entry('http://api.test/d', { headers: [{ name: 'content-encoding', value: 'zstd' }] }),
            entry('ws://api.test/socket', {}),
            entry('http://api.test/e', {}),
          ],
        },
      }),
    );
    const out = await importHar({ file, config: defaultConfig({ db: path.join(dir, 'r.db') }), session: 's', env: {} });
    expect(out.imported).toBe(2);
    // The same through the CLI, then out again as a valid HAR holding the two entries.
    const cli = await runCliCaptured(['import', file, '--db', 'cli.db', '--session', 'mixed'], { cwd: dir, env: {} });
    expect(cli.code).toBe(0);
    expect(cli.out).toContain('imported 2 entries of http://api.test into session "mixed"');
    expect(cli.out).toContain('skipped 1: not HTTP (ws)');
    const exported = await runCliCaptured(['export', '--db', 'cli.db', '--session', 'mixed', '--har', 'out.har'], { cwd: dir, env: {} });
    expect(exported.code).toBe(0);
    const har = JSON.parse(await readFile(path.join(dir, 'out.har'), 'utf8')) as { log: { entries: Array<{ request: { url: string } }> } };
    await validator.har(har);
    expect(har.log.entries.map((e) => e.request.url)).toEqual(['http://api.test/a', 'http://api.test/e']);
    expect((await runCliCaptured(['export', '--db', 'cli.db', '--session', 'mixed', '--har', 'no/such/dir/x.har'], { cwd: dir, env: {} })).err).toContain('RG_ERR_HAR_WRITE');
    expect(out.skipped.map((s) => s.reason).sort()).toEqual([
      'a content-encoding that cannot be reproduced (zstd)',
      'no response (status 0: failed, blocked or cancelled)',
      'not HTTP (ws)',
      'the response body is not in the HAR',
    ]);
    await writeFile(path.join(dir, 'bad.har'), '{"not":"har"}');
    await expect(importHar({ file: path.join(dir, 'bad.har'), config: defaultConfig({ db: path.join(dir, 'r.db') }), session: 's', env: {} })).rejects.toMatchObject({ code: 'RG_ERR_HAR_INVALID' });
  });
});
