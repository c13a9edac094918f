import { writeFileSync } from 'node:fs';
import { Agent as HttpsAgent } from 'node:https';
import { Agent, request } from 'undici';
import { describe, expect, it } from 'vitest';
import { spawnStub } from '../../helpers/cli-stub.js';
import { LOADED_MACHINE_MS } from '../../helpers/loaded-machine.js';
import { scrape, valueOf } from '../../helpers/prometheus.js';
import { seededRandom } from '../../helpers/random.js';
import { recordDependency, startTestStub } from '../../helpers/stub.js';
import { getOver, renewal } from '../../helpers/tls.js';


/** A dependency with items 1..5 recorded once each; item 6 was never asked for. */
async function recordItems(): Promise<string> {
  return recordDependency(
    (req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ url: req.url, price: 10 }));
    },
    [1, 2, 3, 4, 5].map((i) => ({ method: 'GET', path: `/items/${i}` })),
  );
}

describe('stub over TLS', () => {
  it('serves a client that trusts the test CA; a reload serves a renewed certificate to new connections while a keep-alive one keeps working', async () => {
    const { pki, first, renewed, certFile, keyFile, fp } = await renewal();
    const stub = await startTestStub(await recordItems(), { tls: { cert: certFile, key: keyFile } });
    expect(stub.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const kept = new HttpsAgent({ ca: pki.ca.cert.pem, keepAlive: true, maxSockets: 1 });
    // No session cache: a resumed TLS session would not show the certificate served now.
    const fresh = new HttpsAgent({ ca: pki.ca.cert.pem, keepAlive: false, maxCachedSessions: 0 });
    try {
      const a = await getOver(kept, `${stub.url}/items/1`);
      expect(a).toMatchObject({ status: 200, fingerprint256: fp(first.cert.pem) });
      expect(JSON.parse(a.body)).toEqual({ url: '/items/1', price: 10 });
      writeFileSync(certFile, renewed.cert.pem);
      writeFileSync(keyFile, renewed.key.pem);
      stub.reloadTls();
      expect(await getOver(kept, `${stub.url}/items/2`)).toMatchObject({ status: 200, reused: true, fingerprint256: fp(first.cert.pem) });
      expect(await getOver(fresh, `${stub.url}/items/3`)).toMatchObject({ status: 200, fingerprint256: fp(renewed.cert.pem) });
      // A broken file keeps the certificate being served, and says why.
      writeFileSync(keyFile, 'not a key');
      expect(() => stub.reloadTls()).toThrow(expect.objectContaining({ code: 'RG_ERR_TLS_INVALID' }));
      expect(await getOver(fresh, `${stub.url}/items/4`)).toMatchObject({ status: 200, fingerprint256: fp(renewed.cert.pem) });
    } finally {
      kept.destroy();
      fresh.destroy();
    }
    expect(stub.stats()).toMatchObject({ requests: 4, hits: 4, misses: 0 });
  }, LOADED_MACHINE_MS);

  it('a client that does not trust the CA is refused; a missing key file stops the stub at startup', async () => {
    const { certFile, keyFile } = await renewal();
    const db = await recordItems();
    const stub = await startTestStub(db, { tls: { cert: certFile, key: keyFile } });
    await expect(request(`${stub.url}/items/1`)).rejects.toMatchObject({ code: expect.stringMatching(/UNABLE_TO_VERIFY|SELF_SIGNED|UNABLE_TO_GET_ISSUER/) });
    expect(stub.stats().requests).toBe(0);
    await expect(startTestStub(db, { tls: { cert: certFile, key: `${keyFile}.missing` } })).rejects.toMatchObject({ code: 'RG_ERR_TLS_FILE', message: expect.stringContaining('.missing') });
  }, LOADED_MACHINE_MS);

  it('the CLI listens with --tls-cert/--tls-key and reloads on SIGHUP, keeping a keep-alive client working', async () => {
    const { pki, first, renewed, certFile, keyFile, fp } = await renewal();
    const db = await recordItems();
    const stub = await spawnStub(['--db', db, '--session', 'test', '--port', '0', '--tls-cert', certFile, '--tls-key', keyFile]);
    expect(stub.url).toMatch(/^https:/);
    const kept = new HttpsAgent({ ca: pki.ca.cert.pem, keepAlive: true, maxSockets: 1 });
    // No session cache: a resumed TLS session would not show the certificate served now.
    const fresh = new HttpsAgent({ ca: pki.ca.cert.pem, keepAlive: false, maxCachedSessions: 0 });
    try {
      expect(await getOver(kept, `${stub.url}/items/1`)).toMatchObject({ status: 200, fingerprint256: fp(first.cert.pem) });
      writeFileSync(certFile, renewed.cert.pem);
      writeFileSync(keyFile, renewed.key.pem);
      stub.child.kill('SIGHUP');
      await expect.poll(() => stub.stderr(), { timeout: 60_000 }).toContain('replayguard stub: SIGHUP: TLS certificate reloaded');
      expect(await getOver(kept, `${stub.url}/items/2`)).toMatchObject({ status: 200, reused: true, fingerprint256: fp(first.cert.pem) });
      expect(await getOver(fresh, `${stub.url}/items/3`)).toMatchObject({ status: 200, fingerprint256: fp(renewed.cert.pem) });
    } finally {
      kept.destroy();
      fresh.destroy();
    }
    stub.child.kill('SIGTERM');
    expect(await stub.exited).toEqual({ code: 0, signal: null });
    expect(stub.stderr()).toContain('3 requests, 3 hits, 0 misses');
  }, LOADED_MACHINE_MS);

  it('--tls-cert without --tls-key is a usage error', async () => {
    const { certFile } = await renewal();
    await expect(spawnStub(['--db', await recordItems(), '--port', '0', '--tls-cert', certFile])).rejects.toThrow(/--tls-cert and --tls-key go together \(got only --tls-cert\)/);
  }, LOADED_MACHINE_MS);
});

describe('stub metrics', () => {
  it('/metrics parses as Prometheus text and its counters match /stats after a bounded load of hits, misses and faults', async () => {
    const plan = {
      seed: 5,
      faults: [
        { match: 'GET /items/1', status: { code: 503, headers: {} } },
        { match: 'GET /items/2', probability: 0.5, latency: { ms: 1 } },
      ],
    };
    const stub = await startTestStub(await recordItems(), { faults: plan });
    const rand = seededRandom(17);
    const N = 120;
    for (let i = 0; i < N; i++) {
      const r = await request(`${stub.url}/items/${1 + rand.int(6)}`);
      await r.body.arrayBuffer();
    }
    const stats = (await (await request(`${stub.url}/__replayguard/stats`)).body.json()) as { requests: number; hits: number; misses: number; forwarded: number; recorded: number; faults: Array<{ rule: string; kind: string; injected: number }> };
    const m = await scrape(`${stub.url}/__replayguard/metrics`);

    expect(stats.requests).toBe(N);
    expect(stats.misses).toBeGreaterThan(0);
    expect(stats.hits).toBe(N - stats.misses);
    expect(valueOf(m, 'replayguard_stub_requests_total')).toBe(stats.requests);
    expect(valueOf(m, 'replayguard_stub_hits_total')).toBe(stats.hits);
    expect(valueOf(m, 'replayguard_stub_misses_total')).toBe(stats.misses);
    expect(valueOf(m, 'replayguard_stub_misses_forwarded_total')).toBe(0);
    expect(valueOf(m, 'replayguard_stub_misses_recorded_total')).toBe(0);
    const [status, latency] = stats.faults;
    expect(status).toMatchObject({ kind: 'status' });
    expect(status!.injected).toBeGreaterThan(0);
    expect(latency!.injected).toBeGreaterThan(0);
    expect(valueOf(m, 'replayguard_stub_faults_injected_total', { kind: 'status', rule: status!.rule })).toBe(status!.injected);
    expect(valueOf(m, 'replayguard_stub_faults_injected_total', { kind: 'latency', rule: latency!.rule })).toBe(latency!.injected);
    // Every answer observed once, by outcome; the admin requests are not counted.
    expect(valueOf(m, 'replayguard_stub_request_duration_seconds_count', { outcome: 'hit' })).toBe(stats.hits);
    expect(valueOf(m, 'replayguard_stub_request_duration_seconds_count', { outcome: 'miss' })).toBe(stats.misses);

    // Conventions: counters end in _total, durations are in seconds, and the parser sees the types.
    expect(m.families.get('replayguard_stub_requests_total')?.type).toBe('COUNTER');
    expect(m.families.get('replayguard_stub_faults_injected_total')?.type).toBe('COUNTER');
    expect(m.families.get('replayguard_stub_request_duration_seconds')?.type).toBe('HISTOGRAM');
    expect(m.families.get('process_cpu_seconds_total')?.type).toBe('COUNTER');
    for (const name of m.families.keys()) if (name.startsWith('replayguard_stub_')) expect(name).toMatch(/_(total|seconds)$/);
  }, LOADED_MACHINE_MS);

  it('a TLS stub serves its metrics over TLS', async () => {
    const { pki, certFile, keyFile } = await renewal();
    const stub = await startTestStub(await recordItems(), { tls: { cert: certFile, key: keyFile } });
    const dispatcher = new Agent({ connect: { ca: pki.ca.cert.pem } });
    try {
      await (await request(`${stub.url}/items/9`, { dispatcher })).body.arrayBuffer();
      const m = await scrape(`${stub.url}/__replayguard/metrics`, dispatcher);
      expect(valueOf(m, 'replayguard_stub_misses_total')).toBe(1);
    } finally {
      await dispatcher.close();
    }
  }, LOADED_MACHINE_MS);
});
