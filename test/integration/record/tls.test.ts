import type { ServerResponse } from 'node:http';
import { writeFileSync } from 'node:fs';
import { Agent as HttpsAgent } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { Agent, request } from 'undici';
import { describe, expect, it } from 'vitest';
import { isReplayguardError } from '../../../src/errors.js';
import { spawnRecorder } from '../../helpers/cli-process.js';
import { readExchanges, startTestRecorder } from '../../helpers/recorder.js';
import { startServer } from '../../helpers/servers.js';
import { tempDir } from '../../helpers/temp.js';
import { createTestPki, getOver, renewal, startHttpsServer } from '../../helpers/tls.js';
import { LOADED_MACHINE_MS } from '../../helpers/loaded-machine.js';

const hello = (_req: unknown, res: ServerResponse): void => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end('{"hello":"tls"}');
};

async function get(url: string): Promise<{ status: number; body: string }> {
  const r = await request(url);
  return { status: r.statusCode, body: await r.body.text() };
}

/** The code of the catalogue error `p` rejects with. */
async function errorCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (isReplayguardError(e)) return `${e.code}: ${e.message} | ${e.hint}`;
    throw e;
  }
  throw new Error('expected a catalogue error');
}

describe('TLS towards the upstream', () => {
  it('an https upstream signed by a private CA fails clearly without --ca and works with it', async () => {
    const pki = await createTestPki();
    const leaf = await pki.issue('upstream');
    const up = await startHttpsServer({ cert: leaf.cert.pem, key: leaf.key.pem }, hello);

    const untrusting = await startTestRecorder(up.url);
    const refused = await get(`${untrusting.url}/api/x`);
    expect(refused.status).toBe(502);
    const body = JSON.parse(refused.body) as { error: string; cause: string; code: string; hint: string };
    expect(body.error).toMatch(/TLS/);
    expect(body.cause).toBe('refused');
    expect(body.hint).toContain('--ca');
    await untrusting.close();
    const failed = await readExchanges(untrusting.dbFile);
    expect(failed).toHaveLength(1);
    expect(failed[0]!.failure).toMatchObject({ kind: 'refused', code: body.code });

    const trusting = await startTestRecorder(up.url, { record: { upstreamTls: { ca: [pki.ca.cert.file] } } });
    const ok = await get(`${trusting.url}/api/x`);
    expect(ok).toEqual({ status: 200, body: '{"hello":"tls"}' });
    await trusting.close();
    const stored = await readExchanges(trusting.dbFile);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.response?.status).toBe(200);
    expect(stored[0]!.upstream).toBe(up.url);
  }, LOADED_MACHINE_MS);

  it('--insecure accepts an untrusted upstream only when asked', async () => {
    const pki = await createTestPki();
    const leaf = await pki.issue('upstream');
    const up = await startHttpsServer({ cert: leaf.cert.pem, key: leaf.key.pem }, hello);
    const rec = await startTestRecorder(up.url, { record: { upstreamTls: { insecure: true } } });
    expect((await get(`${rec.url}/x`)).status).toBe(200);
  }, LOADED_MACHINE_MS);

  it('mutual TLS: an upstream that demands a client certificate gets the one given, and refuses without', async () => {
    const pki = await createTestPki();
    const serverLeaf = await pki.issue('upstream');
    const client = await pki.issue('recorder-client');
    const seenClients: string[] = [];
    const up = await startHttpsServer({ cert: serverLeaf.cert.pem, key: serverLeaf.key.pem, clientCa: pki.ca.cert.pem }, (req, res) => {
      seenClients.push(String((req.socket as TLSSocket).getPeerCertificate().subject.CN));
      hello(req, res);
    });

    const without = await startTestRecorder(up.url, { record: { upstreamTls: { ca: [pki.ca.cert.file] } } });
    const refused = await get(`${without.url}/x`);
    expect(refused.status).toBe(502);
    expect(seenClients).toEqual([]);

    const withCert = await startTestRecorder(up.url, { record: { upstreamTls: { ca: [pki.ca.cert.file], cert: client.cert.file, key: client.key.file } } });
    expect(await get(`${withCert.url}/x`)).toEqual({ status: 200, body: '{"hello":"tls"}' });
    expect(seenClients).toEqual(['recorder-client']);
  }, LOADED_MACHINE_MS);

  it('unusable files are catalogue errors at startup, naming the flag', async () => {
    const pki = await createTestPki();
    const a = await pki.issue('a');
    const b = await pki.issue('b');
    const up = await startServer(hello);
    expect(await errorCode(startTestRecorder(up.url, { record: { upstreamTls: { ca: [`${pki.dir}/missing.pem`] } } }))).toMatch(/^RG_ERR_TLS_FILE: .*missing\.pem.*ENOENT.*--ca/);
    const garbage = pki.write('garbage.pem', 'not a certificate\n');
    expect(await errorCode(startTestRecorder(up.url, { record: { upstreamTls: { ca: [garbage] } } }))).toMatch(/^RG_ERR_TLS_INVALID: .*CA bundle.*garbage\.pem.*no PEM certificate.*--ca/);
    const broken = pki.write('broken.pem', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    expect(await errorCode(startTestRecorder(up.url, { record: { upstreamTls: { ca: [broken] } } }))).toMatch(/^RG_ERR_TLS_INVALID: .*broken\.pem/);
    // A key that belongs to another certificate.
    expect(await errorCode(startTestRecorder(up.url, { record: { tls: { cert: a.cert.file, key: b.key.file } } }))).toMatch(/^RG_ERR_TLS_INVALID: .*a\.crt and .*b\.key.*--tls-cert.*--tls-key/);
    expect(await errorCode(startTestRecorder(up.url, { record: { tls: { cert: garbage, key: a.key.file } } }))).toMatch(/^RG_ERR_TLS_INVALID: /);
    expect(await errorCode(startTestRecorder(up.url, { record: { upstreamTls: { cert: a.cert.file, key: b.key.file } } }))).toMatch(/^RG_ERR_TLS_INVALID: .*--client-cert.*--client-key/);
  }, LOADED_MACHINE_MS);
});

describe('the recorder listening with TLS', () => {
  it('serves a client that trusts the CA, records as usual, and says https to the upstream', async () => {
    const pki = await createTestPki();
    const leaf = await pki.issue('recorder');
    const up = await startServer(hello);
    const rec = await startTestRecorder(up.url, { record: { tls: { cert: leaf.cert.file, key: leaf.key.file } } });
    expect(rec.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const trusting = new Agent({ connect: { ca: pki.ca.cert.pem } });
    try {
      const r = await request(`${rec.url}/api/items/7`, { dispatcher: trusting });
      expect(r.statusCode).toBe(200);
      expect(await r.body.text()).toBe('{"hello":"tls"}');
      // A client that does not trust the CA is refused at the handshake.
      await expect(request(`${rec.url}/api/items/8`)).rejects.toMatchObject({ code: expect.stringMatching(/CERT|SELF_SIGNED|UNABLE_TO/) });
    } finally {
      await trusting.close();
    }
    expect(up.seen.map((s) => s.headers['x-forwarded-proto'])).toEqual(['https']);
    await rec.close();
    expect((await readExchanges(rec.dbFile)).map((e) => e.request.url)).toEqual(['/api/items/7']);
  }, LOADED_MACHINE_MS);

  it('reloads a renewed certificate: new connections get it, an open keep-alive connection keeps working', async () => {
    const { pki, first, renewed, certFile, keyFile, fp } = await renewal();
    const up = await startServer(hello);
    const rec = await startTestRecorder(up.url, { record: { tls: { cert: certFile, key: keyFile } } });

    const kept = new HttpsAgent({ ca: pki.ca.cert.pem, keepAlive: true, maxSockets: 1 });
    const fresh = new HttpsAgent({ ca: pki.ca.cert.pem, keepAlive: false });
    try {
      const before = await getOver(kept, `${rec.url}/a`);
      expect(before).toMatchObject({ status: 200, fingerprint256: fp(first.cert.pem), reused: false });

      // A broken renewal keeps the certificate being served.
      writeFileSync(certFile, 'garbage');
      expect(() => rec.reloadTls()).toThrow(/RG_ERR_TLS_INVALID|cannot be used/);
      expect((await getOver(fresh, `${rec.url}/b`)).fingerprint256).toBe(fp(first.cert.pem));

      writeFileSync(certFile, renewed.cert.pem);
      writeFileSync(keyFile, renewed.key.pem);
      rec.reloadTls();
      const onKept = await getOver(kept, `${rec.url}/c`);
      expect(onKept).toMatchObject({ status: 200, body: '{"hello":"tls"}', reused: true, fingerprint256: fp(first.cert.pem) });
      const onNew = await getOver(fresh, `${rec.url}/d`);
      expect(onNew).toMatchObject({ status: 200, fingerprint256: fp(renewed.cert.pem) });
    } finally {
      kept.destroy();
      fresh.destroy();
    }
    await rec.close();
    expect((await readExchanges(rec.dbFile)).map((e) => e.request.url).sort()).toEqual(['/a', '/b', '/c', '/d']);
  }, LOADED_MACHINE_MS);

  it('the CLI reloads on SIGHUP, keeping a keep-alive client working', async () => {
    const { pki, first, renewed, certFile, keyFile, fp } = await renewal();
    const up = await startServer(hello);
    const db = `${tempDir()}/rec.db`;
    const rec = await spawnRecorder(['--upstream', up.url, '--port', '0', '--db', db, '--session', 'tls', '--tls-cert', certFile, '--tls-key', keyFile]);
    expect(rec.url).toMatch(/^https:/);
    const kept = new HttpsAgent({ ca: pki.ca.cert.pem, keepAlive: true, maxSockets: 1 });
    const fresh = new HttpsAgent({ ca: pki.ca.cert.pem, keepAlive: false });
    try {
      expect((await getOver(kept, `${rec.url}/a`)).fingerprint256).toBe(fp(first.cert.pem));
      writeFileSync(certFile, renewed.cert.pem);
      writeFileSync(keyFile, renewed.key.pem);
      rec.child.kill('SIGHUP');
      await expect.poll(() => rec.stderr(), { timeout: 60_000 }).toContain('TLS certificate reloaded');
      expect(await getOver(kept, `${rec.url}/b`)).toMatchObject({ status: 200, reused: true, fingerprint256: fp(first.cert.pem) });
      expect(await getOver(fresh, `${rec.url}/c`)).toMatchObject({ status: 200, fingerprint256: fp(renewed.cert.pem) });
    } finally {
      kept.destroy();
      fresh.destroy();
    }
    rec.child.kill('SIGTERM');
    expect(await rec.exited).toEqual({ code: 0, signal: null });
    expect((await readExchanges(db, 'tls')).map((e) => e.request.url)).toEqual(['/a', '/b', '/c']);
  }, LOADED_MACHINE_MS);
});
