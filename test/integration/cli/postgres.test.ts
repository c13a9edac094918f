import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { request } from 'undici';
import { expect, it } from 'vitest';
import { runCli } from '../../../src/cli/run-cli.js';
import type { RouteStats, SessionStats } from '../../../src/types.js';
import { captureIo, startRecordCommand } from '../../helpers/cli-record.js';
import { pgQuery, pgSchemas } from '../../helpers/pg.js';
import { runCliCaptured } from '../../helpers/replay.js';
import { describeWithPg } from '../../helpers/requirements.js';
import { deadPort, startServer } from '../../helpers/servers.js';
import { tempDir } from '../../helpers/temp.js';

/**
 * Every command that takes `--db` works with a `postgres://` URL end to end through the CLI, and so
 * does `$REPLAYGUARD_DB`: record, ls, replay, report, noise, migrate. Store-level behaviour is proven by
 * the contract suite (test/unit/store/pg-recording-store.test.ts); this proves the commands reach it.
 */

const schemas = pgSchemas(import.meta.filename);

/** An API whose /items/:id answers a 6 KiB JSON body (stored once, by hash) and, when `changed`, a new total. */
async function itemsApi(changed = false) {
  return startServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ url: req.url, total: changed && req.url === '/items/3' ? 99 : 1, pad: 'p'.repeat(6 * 1024) }));
  });
}

await describeWithPg('the CLI with a PostgreSQL --db', () => {
  it('records through $REPLAYGUARD_DB, lists, replays (0 then 1), reports, emits noise and migrates, never writing a file named after the URL', async () => {
    const schema = schemas.next();
    const url = schemas.url(schema);
    const staging = await itemsApi();
    const dir = tempDir();

    const rec = await startRecordCommand(['--upstream', staging.url, '--session', 'items'], dir, { REPLAYGUARD_DB: url });
    expect(rec.io.errors()).toContain(`database ${url}`);
    for (let i = 1; i <= 6; i++) await (await request(`${rec.url}/items/${i}`)).body.dump();
    expect(await rec.stop()).toBe(0);
    expect(rec.io.errors()).toMatch(/stopped; session "items": 6 exchanges stored, 0 dropped/);
    // A URL is not a path: nothing but the redaction key was written in the working directory.
    expect(readdirSync(dir)).toEqual(['replayguard.redaction-key']);

    // Six identical 6 KiB bodies but for their url: six distinct hashes. Two identical requests share one.
    const bodies = async () => (await pgQuery<{ n: number }>(`SELECT count(*)::int AS n FROM ${schema}.bodies`))[0]!.n;
    expect(await bodies()).toBe(6);
    const again = await startRecordCommand(['--upstream', staging.url, '--session', 'items', '--db', url], dir);
    for (const i of [1, 2]) await (await request(`${again.url}/items/${i}`)).body.dump();
    expect(await again.stop()).toBe(0);
    expect(await bodies()).toBe(6);

    const ls = captureIo(dir);
    expect(await runCli(['ls', '--db', url], ls)).toBe(0);
    expect(ls.text()).toContain(`sessions in ${url}`);
    expect(ls.text()).toMatch(/items\s+http:\/\/127\.0\.0\.1:\d+\s+\S+ \S+\s+\S+ \S+\s+8\s+0\s+0\s/);
    expect(ls.text()).toMatch(/^\s*GET\s+\/items\/:id\s+8\s+0\s/m);
    const json = captureIo(dir, { REPLAYGUARD_DB: url });
    expect(await runCli(['ls', '--json'], json)).toBe(0);
    const parsed = JSON.parse(json.text()) as { sessions: SessionStats[]; routes: RouteStats[] };
    expect(parsed.sessions.map((s) => [s.name, s.exchanges])).toEqual([['items', 8]]);

    const same = await runCliCaptured(['replay', '--session', 'items', '--target', (await itemsApi()).url, '--out', path.join(dir, 'same')], { cwd: dir, env: { REPLAYGUARD_DB: url } });
    expect(same.code, same.err).toBe(0);
    expect(same.out).toMatch(/no regressions in 8 exchanges/);
    const changed = await runCliCaptured(['replay', '--db', url, '--session', 'items', '--target', (await itemsApi(true)).url, '--out', path.join(dir, 'changed')], { cwd: dir });
    expect(changed.code, changed.err).toBe(1);
    expect(changed.out).toMatch(/1 regression/);

    const report = await runCliCaptured(['report', '--out', path.join(dir, 'changed')], { cwd: dir });
    expect(report.code, report.err).toBe(0);
    expect(existsSync(path.join(dir, 'changed', 'report.html'))).toBe(true);
    const noise = await runCliCaptured(['noise', '--out', path.join(dir, 'same')], { cwd: dir });
    expect(noise.code, noise.err).toBe(0);

    const migrate = await runCliCaptured(['migrate', '--db', url], { cwd: dir });
    expect(migrate.code, migrate.err).toBe(0);
    expect(migrate.out).toContain(`${url} is at the current schema`);
  });

  it('exits 2 naming the URL (password masked) and the cause when the server is not there, from every command', async () => {
    const dir = tempDir();
    const port = await deadPort();
    const url = `postgres://rg:s3cret@127.0.0.1:${port}/test`;
    for (const argv of [
      ['record', '--upstream', 'http://127.0.0.1:9', '--port', '0', '--db', url],
      ['ls', '--db', url],
      ['replay', '--db', url, '--target', 'http://127.0.0.1:9', '--out', path.join(dir, 'out')],
      ['migrate', '--db', url],
    ]) {
      const r = await runCliCaptured(argv, { cwd: dir });
      expect(r.code, argv[0]).toBe(2);
      expect(r.err).toContain('RG_ERR_DB_UNREACHABLE');
      expect(r.err).toContain(`postgres://rg:***@127.0.0.1:${port}/test`);
      expect(r.err).toMatch(/ECONNREFUSED/);
      expect(r.err).not.toContain('s3cret');
    }
  });

  it("refuses a schema holding another application's tables from record and ls, and touches nothing", async () => {
    const schema = schemas.next();
    await pgQuery(`CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.orders (id int); INSERT INTO ${schema}.orders VALUES (1);`);
    const dir = tempDir();
    for (const argv of [
      ['record', '--upstream', 'http://127.0.0.1:9', '--port', '0', '--db', schemas.url(schema)],
      ['ls', '--db', schemas.url(schema)],
    ]) {
      const r = await runCliCaptured(argv, { cwd: dir });
      expect(r.code, argv[0]).toBe(2);
      expect(r.err).toContain('RG_ERR_DB_NOT_REPLAYGUARD');
      expect(r.err).toMatch(/\?schema=NAME/);
    }
    expect(await pgQuery(`SELECT tablename FROM pg_tables WHERE schemaname = $1`, [schema])).toEqual([{ tablename: 'orders' }]);
  });

  it('ls of a schema never recorded into exits 2 and creates nothing', async () => {
    const schema = schemas.next();
    const r = await runCliCaptured(['ls', '--db', schemas.url(schema)], { cwd: tempDir() });
    expect(r.code).toBe(2);
    expect(r.err).toContain('RG_ERR_DB_NOT_FOUND');
    expect(await pgQuery('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).toEqual([]);
  });
});
