import { existsSync, readFileSync, statSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { placeholderOf } from '../../../src/redact/placeholder.js';
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
  expect(bytes.includes(Buffer.from('[REDACTED:')), when).toBe(true);
}

/** Placeholders as the recorder made them: with the key file it created beside the database. */
function placeholders(dbFile: string): (value: string) => string {
  const keyFile = `${dbFile}.redaction-key`;
  expect(statSync(keyFile).mode & 0o777).toBe(0o600);
  const key = Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'utf8');
  return (value) => placeholderOf(key, value);
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

    const P = placeholders(rec.dbFile);
    const [l, g, t] = await readExchanges(rec.dbFile);
    const header = (pairs: Array<[string, string]>, name: string): string[] => pairs.filter(([k]) => k.toLowerCase() === name).map(([, v]) => v);
    expect(header(l!.request.headers, 'authorization')).toEqual([`Bearer ${P(SECRETS.authorization)}`]);
    expect(header(l!.request.headers, 'cookie')).toEqual([`sid=${P(SECRETS.cookie)}`]);
    expect(header(l!.request.headers, 'x-api-key')).toEqual([P(SECRETS.apiKey)]);
    expect(header(l!.request.headers, 'proxy-authorization')).toEqual([`Basic ${P(SECRETS.proxyAuth)}`]);
    expect(header(l!.request.headers, 'x-internal-token')).toEqual([P(SECRETS.extraHeader)]);
    expect(header(l!.request.headers, 'x-visible')).toEqual(['CANARY-HEADER-c0ffee']);
    expect(header(l!.response!.headers, 'set-cookie')).toEqual([`session=${P(SECRETS.setCookie)}; HttpOnly`, `theme=${P('dark')}`]);
    expect(l!.request.url).toBe(`/login?access_token=${P(SECRETS.query)}&q=CANARY-QUERY-c0ffee`);
    expect(JSON.parse(l!.request.body.bytes!.toString())).toEqual({ user: 'CANARY-REQBODY-c0ffee', password: P(SECRETS.requestJson) });
    expect(JSON.parse(l!.response!.body.bytes!.toString())).toEqual({ user: { name: 'CANARY-RESBODY-c0ffee', token: P(SECRETS.responseJson) } });

    // The gzip body is still stored as gzip (as on the wire), of the redacted JSON.
    expect(g!.response!.headers).toContainEqual(['content-encoding', 'gzip']);
    expect(JSON.parse(gunzipSync(g!.response!.body.bytes!).toString())).toEqual({ data: [{ token: P(SECRETS.gzipJson), id: 1 }], keep: 'visible' });

    // The truncated body could not be parsed; it was scanned key by key, the flags kept.
    expect(t!.response!.body.truncated).toBe(true);
    expect(t!.response!.body.size).toBe(Buffer.byteLength(truncatedBody));
    expect(t!.response!.body.bytes!.toString()).toMatch(/^\{"note":"CANARY-TRUNC-c0ffee","password":"\[REDACTED:[0-9a-f]{8}\]","pad":"z+$/);
  });

  it('redacts the default keys in bodies and follows a redacted value everywhere it appears later, closing the known gaps', async () => {
    const GAPS = {
      password: 'GAP-PASSWORD-c3d4e5',
      token: 'npm_GAPTOKEN+f6a7b8/c9',
      formSecret: 'GAP-FORM-d1e2f3',
      beyondCap: 'GAP-BEYONDCAP-a9b8c7',
      bom: 'GAP-BOM-f1f2f3',
      bracketQuery: 'GAP-BRACKET-e4e5e6',
      escapedKey: 'GAP-ESCAPED-b1b2b3',
    };
    // Incompressible padding keeps the secret past the decoding cap of 64 KiB, yet the gzip under 1 MiB.
    const pad = Array.from({ length: 20_000 }, (_, i) => ((i * 2654435761) >>> 0).toString(36)).join('');
    const bigGzip = gzipSync(JSON.stringify({ pad, password: GAPS.beyondCap }));
    const up = await startServer((req, res) => {
      const path = req.url!.split('?')[0]!;
      if (path === '/-/v1/login') {
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: true, token: GAPS.token }));
      } else if (path === '/big') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        res.end(bigGzip);
      } else {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(`you asked for ${path} CANARY-GAPS-c0ffee`);
      }
    });
    const rec = await startTestRecorder(up.url, { record: { maxBodyBytes: 200_000 }, compare: { maxDecodedBytes: 64 * 1024 } });
    const send = async (method: string, p: string, headers: Record<string, string> = {}, body?: string | Buffer): Promise<void> => {
      const r = await request(rec.url + p, { method: method as 'GET', headers, body });
      await r.body.dump();
    };
    await send('POST', '/-/v1/login', { 'content-type': 'application/json' }, JSON.stringify({ name: 'ada', password: GAPS.password }));
    await send('GET', '/-/whoami', { authorization: `Bearer ${GAPS.token}` });
    await send('DELETE', `/-/user/token/${encodeURIComponent(GAPS.token)}`, { authorization: `Bearer ${GAPS.token}` });
    await send('POST', '/form', { 'content-type': 'application/x-www-form-urlencoded' }, `user=ada&client_secret=${GAPS.formSecret}`);
    await send('GET', '/big', { 'accept-encoding': 'gzip' });
    await send('POST', '/bom', {}, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify({ password: GAPS.bom }))]));
    await send('GET', `/q?api_key[]=${GAPS.bracketQuery}&x=1`);
    await send('POST', '/escaped', { 'content-type': 'application/json' }, `{"pass\\u0077ord":"${GAPS.escapedKey}","pad":"${'z'.repeat(210_000)}"}`);
    await rec.close();

    const { files, bytes } = databaseBytes(rec.dbFile);
    for (const [name, secret] of Object.entries(GAPS)) {
      for (const spelling of new Set([secret, encodeURIComponent(secret)])) {
        expect(bytes.includes(Buffer.from(spelling)), `${name} (${spelling}) found in ${files.join(', ')}`).toBe(false);
      }
    }
    expect(bytes.includes(Buffer.from('CANARY-GAPS-c0ffee'))).toBe(true);
    const P = placeholders(rec.dbFile);
    const byPath = new Map((await readExchanges(rec.dbFile)).map((e) => [e.request.url.split('?')[0]!, e]));
    expect(byPath.get('/-/whoami')!.request.headers).toContainEqual(['authorization', `Bearer ${P(GAPS.token)}`]);
    expect([...byPath.keys()]).toContain(`/-/user/token/${P(GAPS.token)}`);
    expect(byPath.get('/form')!.request.body.bytes!.toString()).toBe(`user=ada&client_secret=${P(GAPS.formSecret)}`);
    // Decoded past the cap, the body could not be fully checked: withheld, flagged, its size kept.
    expect(byPath.get('/big')!.response!.body).toEqual({ bytes: null, size: bigGzip.length, truncated: true });
    expect(byPath.get('/q')!.request.url).toBe(`/q?api_key[]=${P(GAPS.bracketQuery)}&x=1`);
    expect(byPath.get('/escaped')!.request.body.truncated).toBe(true);
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
