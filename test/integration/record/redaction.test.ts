import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { readExchanges, startTestRecorder } from '../../helpers/recorder.js';
import { startServer } from '../../helpers/servers.js';

const SECRETS = {
  authorization: 'SECRET-AUTH-7f3a91',
  cookie: 'SECRET-COOKIE-11aa42',
  apiKey: 'SECRET-APIKEY-22bb53',
  proxyAuth: 'SECRET-PROXYAUTH-33cc64',
  setCookie: 'SECRET-SETCOOKIE-44dd75',
  extraHeader: 'SECRET-XTOKEN-55ee86',
  query: 'SECRET-QUERY-66ff97',
  requestJson: 'SECRET-REQPW-77aa08',
  responseJson: 'SECRET-RESTOKEN-88bb19',
  gzipJson: 'SECRET-GZTOKEN-99cc2a',
  truncatedJson: 'SECRET-TRUNC-aabb3b',
};

/** Values that are not secret and must reach the files: proof that the bytes searched are the right ones. */
const CANARIES = ['CANARY-HEADER-c0ffee', 'CANARY-QUERY-c0ffee', 'CANARY-REQBODY-c0ffee', 'CANARY-RESBODY-c0ffee', 'CANARY-TRUNC-c0ffee'];

const MAX_BODY = 400;

/** The database as bytes on disk: the main file and, when they exist, its -wal and -shm files. */
function databaseBytes(dbFile: string): { files: string[]; bytes: Buffer } {
  const files = [dbFile, `${dbFile}-wal`, `${dbFile}-shm`].filter((f) => existsSync(f));
  return { files, bytes: Buffer.concat(files.map((f) => readFileSync(f))) };
}

function expectNoSecrets(dbFile: string, when: string): void {
  const { files, bytes } = databaseBytes(dbFile);
  expect(files[0], when).toBe(dbFile);
  for (const [name, secret] of Object.entries(SECRETS)) {
    expect(bytes.includes(Buffer.from(secret)), `${when}: ${name} (${secret}) found in ${files.join(', ')}`).toBe(false);
  }
  for (const canary of CANARIES) expect(bytes.includes(Buffer.from(canary)), `${when}: ${canary} should be on disk`).toBe(true);
  expect(bytes.includes(Buffer.from('[REDACTED]')), when).toBe(true);
}

describe('redaction before anything touches disk', () => {
  it('keeps every configured secret out of the database, WAL included, while running and after close', async () => {
    const truncatedBody = JSON.stringify({ note: 'CANARY-TRUNC-c0ffee', password: SECRETS.truncatedJson, pad: 'z'.repeat(2000) });
    const up = await startServer((req, res) => {
      const path = req.url!.split('?')[0];
      if (path === '/login') {
        res.writeHead(200, [
          ['content-type', 'application/json'],
          ['set-cookie', `session=${SECRETS.setCookie}; HttpOnly`],
          ['set-cookie', 'theme=dark'],
        ] as unknown as Record<string, string>);
        res.end(JSON.stringify({ user: { name: 'CANARY-RESBODY-c0ffee', token: SECRETS.responseJson } }));
      } else if (path === '/gz') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        res.end(gzipSync(JSON.stringify({ data: [{ token: SECRETS.gzipJson, id: 1 }], keep: 'visible' })));
      } else if (path === '/long') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(truncatedBody);
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    const rec = await startTestRecorder(up.url, {
      record: { maxBodyBytes: MAX_BODY },
      redact: { headers: ['X-Internal-Token'], query: ['access_token'], json: ['/password', '**/token'] },
    });

    const login = await request(`${rec.url}/login?access_token=${SECRETS.query}&q=CANARY-QUERY-c0ffee`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${SECRETS.authorization}`,
        cookie: `sid=${SECRETS.cookie}`,
        'x-api-key': SECRETS.apiKey,
        'proxy-authorization': `Basic ${SECRETS.proxyAuth}`,
        'x-internal-token': SECRETS.extraHeader,
        'x-visible': 'CANARY-HEADER-c0ffee',
      },
      body: JSON.stringify({ user: 'CANARY-REQBODY-c0ffee', password: SECRETS.requestJson }),
    });
    // Forwarding is untouched: the client and the upstream see the real values.
    expect(login.statusCode).toBe(200);
    expect(login.headers['set-cookie']).toEqual([`session=${SECRETS.setCookie}; HttpOnly`, 'theme=dark']);
    expect(await login.body.text()).toContain(SECRETS.responseJson);
    expect(up.seen[0]!.headers.authorization).toBe(`Bearer ${SECRETS.authorization}`);
    expect(up.seen[0]!.headers['x-internal-token']).toBe(SECRETS.extraHeader);
    expect(up.seen[0]!.url).toContain(SECRETS.query);
    expect(up.seen[0]!.body.toString()).toContain(SECRETS.requestJson);

    const gz = await request(`${rec.url}/gz`, { headers: { 'accept-encoding': 'gzip' } });
    const gzBytes = Buffer.from(await gz.body.arrayBuffer());
    expect(gunzipSync(gzBytes).toString()).toContain(SECRETS.gzipJson);

    const long = await request(`${rec.url}/long`);
    expect(await long.body.text()).toBe(truncatedBody);

    await rec.drain();
    expectNoSecrets(rec.dbFile, 'while the proxy runs');
    await rec.close();
    expectNoSecrets(rec.dbFile, 'after close');

    const [l, g, t] = await readExchanges(rec.dbFile);
    const header = (pairs: Array<[string, string]>, name: string): string[] => pairs.filter(([k]) => k.toLowerCase() === name).map(([, v]) => v);
    for (const name of ['authorization', 'cookie', 'x-api-key', 'proxy-authorization', 'x-internal-token']) {
      expect(header(l!.request.headers, name), name).toEqual(['[REDACTED]']);
    }
    expect(header(l!.request.headers, 'x-visible')).toEqual(['CANARY-HEADER-c0ffee']);
    expect(header(l!.response!.headers, 'set-cookie')).toEqual(['[REDACTED]', '[REDACTED]']);
    expect(l!.request.url).toBe('/login?access_token=%5BREDACTED%5D&q=CANARY-QUERY-c0ffee');
    expect(JSON.parse(l!.request.body.bytes!.toString())).toEqual({ user: 'CANARY-REQBODY-c0ffee', password: '[REDACTED]' });
    expect(JSON.parse(l!.response!.body.bytes!.toString())).toEqual({ user: { name: 'CANARY-RESBODY-c0ffee', token: '[REDACTED]' } });

    // The gzip body is still stored as gzip (as on the wire), of the redacted JSON.
    expect(g!.response!.headers).toContainEqual(['content-encoding', 'gzip']);
    expect(JSON.parse(gunzipSync(g!.response!.body.bytes!).toString())).toEqual({ data: [{ token: '[REDACTED]', id: 1 }], keep: 'visible' });

    // The truncated body could not be parsed; the secret was blanked textually, the flags kept.
    expect(t!.response!.body.truncated).toBe(true);
    expect(t!.response!.body.size).toBe(Buffer.byteLength(truncatedBody));
    expect(t!.response!.body.bytes!.toString()).toMatch(/^\{"note":"CANARY-TRUNC-c0ffee","password":"\[REDACTED\]","pad":"z+$/);
  });

  it('stores header values as sent when redaction defaults are off (the check above is not vacuous)', async () => {
    const up = await startServer((_req, res) => {
      res.end('ok');
    });
    const rec = await startTestRecorder(up.url, { redact: { defaults: false } });
    const r = await request(`${rec.url}/x`, { headers: { authorization: `Bearer ${SECRETS.authorization}` } });
    await r.body.dump();
    await rec.drain();
    expect(databaseBytes(rec.dbFile).bytes.includes(Buffer.from(SECRETS.authorization))).toBe(true);
  });
});
