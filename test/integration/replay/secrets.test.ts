import { randomBytes, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { startTestRecorder } from '../../helpers/recorder.js';
import { replayRecorded } from '../../helpers/replay.js';
import { startServer } from '../../helpers/servers.js';
import { expectNoSecrets, writtenFiles, type WrittenFile } from '../../helpers/secret-sweep.js';
import { tempDir } from '../../helpers/temp.js';

const PASSWORD = 'ACC-PASSWORD-5f1e2d3c';
const LITERAL_HEADER = 'ACC-LITERAL-HEADER-8a9b';

/**
 * An API with a real login: POST /login answers a fresh random token for the right password; every
 * other route wants that token (Bearer), and /tokens/<token> logs it out. It notes the token each
 * request carried, so the test can check, at the server, which credential the replay used.
 */
function authApi(options: { renamed?: boolean } = {}) {
  const tokens = new Set<string>();
  const issued: string[] = [];
  const used: Array<{ method: string; path: string; bearer: string | null; pathToken: string | null }> = [];
  const items = new Map<string, { id: string; name: string }>();
  const server = startServer((req, res) => {
    const send = (status: number, body?: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    const url = req.url ?? '/';
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? null;
    const pathToken = /^\/tokens\/([^/?]+)$/.exec(url)?.[1] ?? null;
    used.push({ method: req.method ?? '', path: url, bearer, pathToken: pathToken && decodeURIComponent(pathToken) });
    if (req.method === 'POST' && url === '/login') {
      const { password } = JSON.parse(req.body.toString()) as { password?: string };
      if (password !== PASSWORD) return send(401, { error: 'bad credentials' });
      const token = `tok_${randomBytes(12).toString('base64url')}`;
      tokens.add(token);
      issued.push(token);
      return send(201, { token, user: 'ada' });
    }
    if (!bearer || !tokens.has(bearer)) return send(401, { error: 'login first' });
    if (req.method === 'POST' && url === '/items') {
      const item = { id: randomUUID(), name: (JSON.parse(req.body.toString()) as { name: string }).name };
      items.set(item.id, item);
      return send(201, item);
    }
    const itemId = /^\/items\/([^/?]+)$/.exec(url)?.[1];
    if (req.method === 'GET' && itemId) {
      const item = items.get(itemId);
      if (!item) return send(404, { error: 'no such item' });
      return send(200, options.renamed ? { id: item.id, title: item.name } : item);
    }
    if (req.method === 'DELETE' && pathToken) {
      if (decodeURIComponent(pathToken) !== bearer) return send(403, { error: 'not your token' });
      tokens.delete(bearer);
      return send(204);
    }
    return send(404, { error: 'no route' });
  });
  return server.then((s) => Object.assign(s, { issued, used }));
}

/** Every byte replayguard wrote for a run: recordings (with -wal/-shm) and everything in the out folder. */
const writtenBytes = (dbFile: string, outDir: string): WrittenFile[] => writtenFiles(dbFile, outDir);
const expectNowhere = expectNoSecrets;

describe('secrets in a recorded login flow', () => {
  it('replays login → create → read → logout with the candidate\'s own token; without the password, nothing passes', async () => {
    const staging = await authApi();
    // Record the flow through the real proxy, one step at a time (each step needs the previous answer).
    const dbFile = path.join(tempDir('rg-secrets-'), 'rec.db');
    const rec = await startTestRecorder(staging.url, { db: dbFile });
    const call = async (method: string, p: string, headers: Record<string, string>, body?: unknown) => {
      const r = await request(rec.url + p, { method: method as 'GET', headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...headers }, body: body ? JSON.stringify(body) : undefined });
      const text = await r.body.text();
      return { status: r.statusCode, json: text ? (JSON.parse(text) as Record<string, string>) : null };
    };
    const login = await call('POST', '/login', {}, { user: 'ada', password: PASSWORD });
    const token = login.json!.token!;
    const auth = { authorization: `Bearer ${token}` };
    const created = await call('POST', '/items', auth, { name: 'lamp' });
    expect((await call('GET', `/items/${created.json!.id}`, auth)).status).toBe(200);
    expect((await call('DELETE', `/tokens/${encodeURIComponent(token)}`, auth)).status).toBe(204);
    await rec.close();

    // Without the password: the login cannot be sent, nor anything that needs its token. Never green.
    const bare = await authApi();
    const without = await replayRecorded(dbFile, bare.url);
    expect(without.outcome.exitCode).toBe(1);
    expect(bare.used).toEqual([]);
    expect(without.results.map((r) => r.verdict)).toEqual(['unreproduced', 'unreproduced', 'unreproduced', 'unreproduced']);
    expect(without.results[0]!.error!.message).toContain('"password"');
    // Every reporter leads with the cause: the secrets it needs and the flag that supplies them.
    // The first secret missing (the password) leads: the token the login would have given is why the rest fail.
    const groups = without.outcome.summary.unreproduced;
    expect(groups.map((g) => [g.target, g.path, g.exchanges, g.harmless])).toEqual([
      ['request', 'password', 1, false],
      ['request', 'authorization', 2, false],
      ['request', 'authorization, path', 1, false],
    ]);
    expect(groups[0]!.message).toBe(`not sent: 1 write needs a secret redacted at record time ("password") that no earlier response supplied: pass --secret 'password=…' (or replay.secrets)`);
    expect(without.stdout).toContain(groups[0]!.message);
    expect(without.warnings.join('\n')).toMatch(/"password" was redacted at record time .*--secret 'password=…'/);

    // With --secret (from the environment): every step passes on the candidate's own token.
    const candidate = await authApi();
    const run = await replayRecorded(dbFile, candidate.url, { overrides: { replay: { secrets: { password: '${ACC_PW}' } } }, env: { ACC_PW: PASSWORD } });
    expect(run.results.map((r) => `${r.method} ${r.verdict}`)).toEqual(['POST pass', 'POST pass', 'GET pass', 'DELETE pass']);
    expect(run.outcome.exitCode).toBe(0);
    expect(candidate.issued).toHaveLength(1);
    const own = candidate.issued[0]!;
    expect(own).not.toBe(token);
    expect(candidate.used.map((u) => [u.method, u.bearer])).toEqual([['POST', null], ['POST', own], ['GET', own], ['DELETE', own]]);
    expect(candidate.used[3]!.pathToken).toBe(own);

    // The results say what was sent and which recorded values were replaced, secrets as placeholders.
    const del = run.results[3]!;
    expect(del.sent!.url).toMatch(/^\/tokens\/\[REDACTED:[0-9a-f]{8}\]$/);
    expect(del.mappings!.map((m) => m.kind)).toEqual(['secret']);
    expect(del.mappings![0]!.from).toMatch(/^\[REDACTED:[0-9a-f]{8}\]$/);
    expect(del.mappings![0]!.to).toMatch(/^\[REDACTED:[0-9a-f]{8}\]$/);
    expect(run.results[2]!.mappings!.map((m) => m.kind).sort()).toEqual(['id', 'secret']);
    expect(run.results[0]!.mappings![0]!.source).toBe('password, from --secret');

    // A real change on a mapped exchange: the report shows what was sent and which values were mapped.
    const renamed = await authApi({ renamed: true });
    // (Given literally, not from the environment: the stored copy of the configuration must not keep them.)
    const changed = await replayRecorded(dbFile, renamed.url, { overrides: { replay: { secrets: { password: PASSWORD }, headers: { 'x-ci-token': LITERAL_HEADER } } } });
    expect(renamed.used.every((u) => u.method !== 'GET' || u.bearer !== null)).toBe(true);
    expect(changed.results.map((r) => r.verdict)).toEqual(['pass', 'pass', 'regression', 'pass']);
    const report = readFileSync(path.join(changed.outDir, 'report.html'), 'utf8');
    const data = JSON.parse(/<script type="application\/json" id="rg-data">([\s\S]*?)<\/script>/.exec(report)![1]!) as unknown;
    const shown = JSON.stringify(data);
    expect(shown).toContain(`"sent":{"url":"/items/${renamed.used[2]!.path.split('/')[2]}"`);
    expect(shown).toMatch(/"mappings":\[\{"kind":"id","from":"[0-9a-f-]{36}","to":"[0-9a-f-]{36}","source":"POST \/items \/id"\},\{"kind":"secret","from":"\[REDACTED:[0-9a-f]{8}\]","to":"\[REDACTED:[0-9a-f]{8}\]","source":"authorization, the target's own value from an earlier response"\}\]/);
    expect(readFileSync(path.join(without.outDir, 'junit.xml'), 'utf8')).toContain('&quot;password&quot;');

    // Not one byte of any secret anywhere replayguard wrote.
    const secrets = [PASSWORD, LITERAL_HEADER, token, own, ...staging.issued, ...candidate.issued, ...renamed.issued];
    expectNowhere(secrets, writtenBytes(dbFile, without.outDir));
    expectNowhere(secrets, writtenBytes(dbFile, run.outDir));
    expectNowhere(secrets, writtenBytes(dbFile, changed.outDir));
    expect(readdirSync(run.outDir).sort()).toEqual(expect.arrayContaining(['junit.xml', 'report.html', 'results.db', 'summary.json', 'summary.md']));
    // …and the search is not vacuous: the placeholders are there, in the recording and the results.
    for (const { file, bytes } of writtenBytes(dbFile, run.outDir).filter((w) => /rec\.db$|results\.db$/.test(w.file))) {
      expect(bytes.includes(Buffer.from('[REDACTED:')), file).toBe(true);
    }
  });

  it('redacts what replay stores with the recording\'s rules, and compares redacted to redacted', async () => {
    const profileApi = (name: string, extra: Record<string, unknown> = {}) =>
      startServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': `sid=SID-${name}-9f8e7d; Path=/; HttpOnly` });
        res.end(JSON.stringify({ user: 'ada', profile: { ssn: `SSN-${name}-4c5d6e` }, session: `SESSION-${name}-1a2b3c`, ...extra }));
      });
    const staging = await profileApi('STAGING');
    const dir = tempDir('rg-secrets-');
    const dbFile = path.join(dir, 'rec.db');
    const redact = { json: ['/profile/ssn'] };
    const rec = await startTestRecorder(staging.url, { db: dbFile, redact });
    for (const p of ['/me', '/me?again=1']) await (await request(rec.url + p)).body.dump();
    await rec.close();

    const candidate = await profileApi('CANDIDATE', { extra: 1 });
    const baseline = await profileApi('BASELINE');
    const run = await replayRecorded(dbFile, candidate.url, { overrides: { redact, replay: { baseline: baseline.url } } });
    // The one real change is reported; the secrets that differ on every side are not changes.
    expect(run.results.map((r) => r.verdict)).toEqual(['regression', 'regression']);
    for (const r of run.results) {
      expect(r.comparison!.differences.map((d) => d.path)).toEqual(['/extra']);
      // Not even as noise: both sides were redacted there, so there was nothing to compare.
      expect(r.comparison!.filtered.map((d) => d.path)).not.toEqual(expect.arrayContaining([expect.stringMatching(/^(\/profile\/ssn|\/session|set-cookie)$/)]));
    }
    expect(run.results[0]!.candidate!.headers).toContainEqual(['set-cookie', expect.stringMatching(/^sid=\[REDACTED:[0-9a-f]{8}\]; Path=\/; HttpOnly$/)]);
    const secrets = ['STAGING', 'CANDIDATE', 'BASELINE'].flatMap((n) => [`SID-${n}-9f8e7d`, `SSN-${n}-4c5d6e`, `SESSION-${n}-1a2b3c`]);
    expectNowhere(secrets, writtenBytes(dbFile, run.outDir));
  });
});
