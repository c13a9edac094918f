import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { learnedNoiseToConfig } from '../../src/noise/learned-config.js';
import { regenerateReport } from '../../src/report/regenerate.js';
import { startTestRecorder } from '../helpers/recorder.js';
import { replayRecorded } from '../helpers/replay.js';
import { expectNoSecrets, writtenFiles } from '../helpers/secret-sweep.js';
import { startServer } from '../helpers/servers.js';
import { tempDir } from '../helpers/temp.js';

/**
 * Issue 12's last acceptance line, end to end: every way a secret reached replayguard in the hostile
 * cases (headers, cookies, query brackets, form and JSON bodies, an escaped key past the size cap, a
 * BOM, gzip past the decoding cap, a `redact.json` pointer, tokens handed out by each server and sent
 * back in a path), then a replay with a baseline, noise learning, every reporter, a regenerated
 * report and the learned-noise snippet — and not one spelling of one secret in any byte of any of it.
 */
const CLIENT = {
  password: 'HX-PASSWORD-1a2b3c',
  authorization: 'HX-AUTH-4d5e6f',
  cookie: 'HX-COOKIE-7a8b9c',
  apiKey: 'HX-APIKEY-0d1e2f',
  formSecret: 'HX-FORM-3a4b5c',
  bracketQuery: 'HX-BRACKET-6d7e8f',
  bom: 'HX-BOM-9a0b1c',
  escapedKey: 'HX-ESCAPED-2d3e4f',
};
const REPLAY_HEADER = 'HX-REPLAY-HEADER-5a6b7c';

/** Each server's own secrets: a login token, a session cookie, an ssn under a redact.json pointer, a gzip body. */
function serverSecrets(name: string) {
  return { token: `tok-${name}-8d9e0f`, sid: `SID-${name}-1f2e3d`, ssn: `SSN-${name}-4c5b6a`, gz: `GZ-${name}-7d8c9b`, beyond: `BEYOND-${name}-0a1b2c` };
}

function api(name: string, changed = false) {
  const s = serverSecrets(name);
  // Incompressible padding puts the secret past the 64 KiB decoding cap, the gzip under the body cap.
  const pad = Array.from({ length: 20_000 }, (_, i) => ((i * 2654435761) >>> 0).toString(36)).join('');
  const big = gzipSync(JSON.stringify({ pad, password: s.beyond }));
  return startServer((req, res) => {
    const p = req.url!.split('?')[0]!;
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    if (p === '/login') return json(201, { ok: true, token: s.token });
    if (p === '/me') return json(200, { user: 'ada', profile: { ssn: s.ssn }, ...(changed ? { plan: 'pro' } : {}) }, { 'set-cookie': `sid=${s.sid}; Path=/; HttpOnly` });
    if (p === '/gz') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(gzipSync(JSON.stringify({ access_token: s.gz, n: 1 })));
      return;
    }
    if (p === '/big') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(big);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`ok ${req.method} ${p}`);
  });
}

describe('no secret in any byte replayguard writes, across the hostile cases', () => {
  it('record → replay (baseline, learning, every reporter) → report → noise: all clean, placeholders present', { timeout: 240_000 }, async () => {
    const staging = await api('STAGING');
    const dir = tempDir('rg-hx-');
    const dbFile = path.join(dir, 'rec.db');
    const redact = { json: ['/profile/ssn'] };
    const rec = await startTestRecorder(staging.url, { db: dbFile, redact, record: { maxBodyBytes: 200_000 }, compare: { maxDecodedBytes: 64 * 1024 } });
    const send = async (method: string, p: string, headers: Record<string, string> = {}, body?: string | Buffer) => {
      const r = await request(rec.url + p, { method: method as 'GET', headers, body });
      await r.body.dump();
    };
    const token = serverSecrets('STAGING').token;
    await send('POST', '/login', { 'content-type': 'application/json' }, JSON.stringify({ user: 'ada', password: CLIENT.password }));
    await send('GET', '/me', { authorization: `Bearer ${token}`, cookie: `sid=${CLIENT.cookie}`, 'x-api-key': CLIENT.apiKey });
    await send('GET', '/whoami', { authorization: `Basic ${Buffer.from(`ada:${CLIENT.authorization}`).toString('base64')}` });
    await send('DELETE', `/tokens/${encodeURIComponent(token)}`, { authorization: `Bearer ${token}` });
    await send('POST', '/form', { 'content-type': 'application/x-www-form-urlencoded' }, `user=ada&client_secret=${CLIENT.formSecret}`);
    await send('GET', `/q?api_key[]=${CLIENT.bracketQuery}&x=1`);
    await send('POST', '/bom', {}, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify({ password: CLIENT.bom }))]));
    await send('POST', '/escaped', { 'content-type': 'application/json' }, `{"pass\\u0077ord":"${CLIENT.escapedKey}","pad":"${'z'.repeat(210_000)}"}`);
    await send('GET', '/gz', { 'accept-encoding': 'gzip' });
    await send('GET', '/big', { 'accept-encoding': 'gzip' });
    await rec.close();

    // Every client secret supplied back at replay, by the name it was recorded under (live values are secrets too).
    const SUPPLIED = {
      password: CLIENT.password,
      sid: CLIENT.cookie,
      'x-api-key': CLIENT.apiKey,
      authorization: Buffer.from(`ada:${CLIENT.authorization}`).toString('base64'),
      client_secret: CLIENT.formSecret,
      'api_key[]': CLIENT.bracketQuery,
    };
    const candidate = await api('CANDIDATE', true);
    const baseline = await api('BASELINE');
    const out = path.join(tempDir('rg-hx-out-'), 'out');
    const run = await replayRecorded(dbFile, candidate.url, {
      outDir: out,
      overrides: { redact, compare: { maxDecodedBytes: 64 * 1024 }, replay: { baseline: baseline.url, secrets: SUPPLIED, headers: { 'x-ci-token': REPLAY_HEADER } } },
    });
    // The sweep is only worth something if the run did real work: the change is found, the flow replayed.
    expect(run.results).toHaveLength(10);
    expect(run.results.filter((r) => r.verdict === 'regression').map((r) => r.url)).toEqual(['/me']);
    // A JSON body without a content-type (the BOM case) is redacted, but its placeholder has no key name at replay.
    expect(run.results.filter((r) => r.verdict === 'unreproduced').map((r) => r.url)).toEqual(['/bom']);
    expect(run.results.find((r) => r.url === '/bom')!.error!.message).toContain('no --secret can name it (a redacted value in the request body)');
    expect(['pass', 'noise']).toContain(run.results.find((r) => r.url === '/whoami')!.verdict);
    expect(run.outcome.exitCode).toBe(1);

    const regenerated = tempDir('rg-hx-regen-');
    const { cpSync } = await import('node:fs');
    cpSync(path.join(out, 'results.db'), path.join(regenerated, 'results.db'));
    const { summary } = await regenerateReport({ outDir: regenerated, stdout: { write: () => true } as unknown as NodeJS.WritableStream });
    const snippet = JSON.stringify(learnedNoiseToConfig(summary.learnedNoise));

    const secrets = [...Object.values(CLIENT), REPLAY_HEADER, ...['STAGING', 'CANDIDATE', 'BASELINE'].flatMap((n) => Object.values(serverSecrets(n)))];
    const files = writtenFiles(dbFile, out, regenerated);
    expect(files.map((f) => path.basename(f.file)).sort()).toEqual(
      expect.arrayContaining(['rec.db', 'results.db', 'report.html', 'junit.xml', 'summary.json', 'summary.md']),
    );
    expectNoSecrets(secrets, [...files, { file: 'stdout', bytes: Buffer.from(run.stdout) }, { file: 'noise snippet', bytes: Buffer.from(snippet) }]);
    // Not vacuous: placeholders stand where the secrets were, in the recording, the results and the report.
    for (const f of files.filter((w) => /(rec|results)\.db$|report\.html$/.test(w.file))) expect(f.bytes.includes(Buffer.from('[REDACTED:')), f.file).toBe(true);
  });
});
