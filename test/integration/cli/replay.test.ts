import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { failingCases, gets, recordSession, runCliCaptured } from '../../helpers/replay.js';
import { deadPort, startServer } from '../../helpers/servers.js';
import { tempDir } from '../../helpers/temp.js';

/** `replayguard replay` end to end through runCli: flags, config file, environment, exit codes. */

/** Ten routes; the candidate changes /item/3 (a 10% regression share) and resets /boom when asked. */
async function tenRoutes(opts: { changed?: boolean; resetBoom?: boolean } = {}) {
  return startServer((req, res) => {
    if (opts.resetBoom && req.url === '/boom') {
      res.socket?.destroy();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ url: req.url, v: opts.changed && req.url === '/item/3' ? 2 : 1 }));
  });
}

const TEN = gets(...Array.from({ length: 9 }, (_, i) => `/item/${i}`), '/boom');

async function replayCli(dbFile: string, target: string, extra: string[] = [], env: Record<string, string> = {}) {
  const out = path.join(path.dirname(dbFile), `out-${Math.random().toString(36).slice(2)}`);
  const r = await runCliCaptured(['replay', '--db', dbFile, '--session', 'test', '--target', target, '--out', out, ...extra], { cwd: path.dirname(dbFile), env });
  return { ...r, out };
}

describe('replayguard replay (CLI)', () => {
  it('exit 0 for an identical build, 1 with exactly the regressed testcase in junit.xml', async () => {
    const staging = await tenRoutes();
    const { dbFile } = await recordSession(staging.url, TEN);
    const same = await replayCli(dbFile, (await tenRoutes()).url);
    expect(same.code, same.err).toBe(0);
    expect(failingCases(readFileSync(path.join(same.out, 'junit.xml'), 'utf8'))).toEqual([]);

    const changed = await replayCli(dbFile, (await tenRoutes({ changed: true })).url);
    expect(changed.code, changed.err).toBe(1);
    expect(failingCases(readFileSync(path.join(changed.out, 'junit.xml'), 'utf8'))).toEqual(['GET /item/3']);
  });

  it('--fail-on narrows or widens what fails the run', async () => {
    const staging = await tenRoutes();
    const { dbFile } = await recordSession(staging.url, TEN);
    const regressing = (await tenRoutes({ changed: true })).url; // 1 regression in 10
    const erroring = (await tenRoutes({ resetBoom: true })).url; // 1 error in 10

    expect((await replayCli(dbFile, regressing, ['--fail-on', 'regression>50%'])).code).toBe(0);
    expect((await replayCli(dbFile, regressing, ['--fail-on', 'regression>5%'])).code).toBe(1);
    expect((await replayCli(dbFile, regressing, ['--fail-on', 'regression>1'])).code).toBe(0);
    expect((await replayCli(dbFile, regressing, ['--fail-on', 'error'])).code).toBe(0);
    expect((await replayCli(dbFile, erroring, ['--fail-on', 'error'])).code).toBe(1);
    expect((await replayCli(dbFile, erroring, ['--fail-on', 'regression'])).code).toBe(0);
    expect((await replayCli(dbFile, erroring)).code).toBe(1);
    const bad = await replayCli(dbFile, regressing, ['--fail-on', 'regresion']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/failOn/);
  });

  it('a dead target exits 2 with RG_ERR_TARGET_UNREACHABLE naming the URL', async () => {
    const staging = await tenRoutes();
    const { dbFile } = await recordSession(staging.url, TEN);
    const dead = `http://127.0.0.1:${await deadPort()}`;
    const r = await replayCli(dbFile, dead);
    expect(r.code).toBe(2);
    expect(r.err).toContain('RG_ERR_TARGET_UNREACHABLE');
    expect(r.err).toContain(dead);
  });

  it('an invalid config file exits 2 naming the key', async () => {
    const staging = await tenRoutes();
    const { dbFile, dir } = await recordSession(staging.url, TEN);
    const cfg = path.join(dir, 'bad.json');
    writeFileSync(cfg, JSON.stringify({ compare: { rules: [{ path: '/total', tolerance: 'a lot' }] } }));
    const r = await replayCli(dbFile, staging.url, ['--config', cfg]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('RG_ERR_CONFIG_INVALID');
    expect(r.err).toContain('compare.rules.0.tolerance');

    writeFileSync(cfg, JSON.stringify({ replay: { concurency: 4 } }));
    const typo = await replayCli(dbFile, staging.url, ['--config', cfg]);
    expect(typo.code).toBe(2);
    expect(typo.err).toContain('concurency');
  });

  it("--header 'Authorization: Bearer ${TOKEN}' reaches the target; a request needing a redacted credential is never sent, warns and fails", async () => {
    const staging = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
    const { dbFile } = await recordSession(staging.url, [
      { path: '/me', headers: { authorization: 'Bearer recorded-secret', 'x-api-key': 'k-123', 'x-trace': 'keep-me' } },
      { path: '/me/2', headers: { authorization: 'Bearer recorded-secret' } },
    ]);

    const plain = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
    const noFlag = await replayCli(dbFile, plain.url);
    expect(noFlag.code, noFlag.err).toBe(1);
    expect(plain.seen).toEqual([]);
    // One warning per set of missing names, not per request.
    expect(noFlag.err.match(/warning: "authorization", "x-api-key" were redacted at record time/g)).toHaveLength(1);
    expect(noFlag.err.match(/warning: "authorization" was redacted at record time/g)).toHaveLength(1);

    const fresh = await startServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
      void req;
    });
    const withFlag = await replayCli(dbFile, fresh.url, ['--header', 'Authorization: Bearer ${TOKEN}', '--secret', 'x-api-key=${KEY}'], { TOKEN: 'fresh-token', KEY: 'fresh-key' });
    expect(withFlag.code, withFlag.err).toBe(0);
    expect(fresh.seen.map((s) => s.headers.authorization)).toEqual(['Bearer fresh-token', 'Bearer fresh-token']);
    expect(fresh.seen[0]!.headers['x-api-key']).toBe('fresh-key');
    expect(fresh.seen[0]!.headers['x-trace']).toBe('keep-me');
    expect(JSON.stringify(fresh.seen.map((s) => s.rawHeaders))).not.toContain('REDACTED');
    expect(fresh.seen[0]!.headers.host).toBe(`127.0.0.1:${fresh.port}`);
    expect(withFlag.err).not.toMatch(/redacted at record time/);

    const unset = await replayCli(dbFile, fresh.url, ['--header', 'Authorization: Bearer ${MISSING_TOKEN}']);
    expect(unset.code).toBe(2);
    expect(unset.err).toContain('MISSING_TOKEN');
  });

  it('a missing recordings database and an unknown session exit 2', async () => {
    const dir = tempDir();
    const missing = await runCliCaptured(['replay', '--db', path.join(dir, 'nope.db'), '--target', 'http://127.0.0.1:1'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('RG_ERR_DB_NOT_FOUND');

    const staging = await tenRoutes();
    const { dbFile } = await recordSession(staging.url, TEN);
    const r = await runCliCaptured(['replay', '--db', dbFile, '--session', 'other', '--target', staging.url], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.err).toContain('RG_ERR_SESSION_NOT_FOUND');
  });
});
