import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/run-cli.js';
import type { RouteStats, SessionStats } from '../../../src/types.js';
import { captureIo, startRecordCommand } from '../../helpers/cli-record.js';
import { readExchanges } from '../../helpers/recorder.js';
import { startServer } from '../../helpers/servers.js';
import { tempDir } from '../../helpers/temp.js';

describe('replayguard record + ls', () => {
  it('groups /api/users/1 … /api/users/8 recorded through the proxy into one route', async () => {
    const up = await startServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ url: req.url }));
    });
    const dir = tempDir();
    const db = path.join(dir, 'rec.db');
    const rec = await startRecordCommand(['--upstream', up.url, '--db', db, '--session', 'users'], dir);
    for (let i = 1; i <= 8; i++) {
      const r = await request(`${rec.url}/api/users/${i}`);
      expect(await r.body.json()).toEqual({ url: `/api/users/${i}` });
    }
    const h = await request(`${rec.url}/health`);
    await h.body.dump();
    expect(await rec.stop()).toBe(0);
    expect(rec.io.errors()).toMatch(/stopped; session "users": 9 exchanges stored, 0 dropped/);
    expect(await readExchanges(db, 'users')).toHaveLength(9);

    const ls = captureIo(dir);
    expect(await runCli(['ls', '--db', db], ls)).toBe(0);
    const text = ls.text();
    expect(text).toContain(`sessions in ${db}`);
    expect(text).toMatch(/users\s+http:\/\/127\.0\.0\.1:\d+\s+\S+ \S+\s+\S+ \S+\s+9\s+0\s+0\s+\d+ B/);
    expect(text).toMatch(/^\s*GET\s+\/api\/users\/:id\s+8\s+0\s+\d+ B$/m);
    expect(text).toMatch(/^\s*GET\s+\/health\s+1\b/m);
    expect(text).not.toMatch(/\/api\/users\/\d/);
    expect(ls.errors()).toBe('');

    const json = captureIo(dir);
    expect(await runCli(['ls', '--db', db, '--json'], json)).toBe(0);
    const parsed = JSON.parse(json.text()) as { db: string; sessions: SessionStats[]; routes: RouteStats[] };
    expect(parsed.db).toBe(db);
    expect(parsed.sessions).toHaveLength(1);
    expect(parsed.sessions[0]).toMatchObject({ name: 'users', upstream: up.url, exchanges: 9, failures: 0, dropped: 0 });
    expect(parsed.sessions[0]!.endedAt).not.toBeNull();
    expect(parsed.routes.map((r) => `${r.method} ${r.route} ${r.exchanges}`).sort()).toEqual(['GET /api/users/:id 8', 'GET /health 1']);
  });

  it('takes the database from REPLAYGUARD_DB, shows one session with --session, and says when there is none', async () => {
    const up = await startServer((_req, res) => {
      res.end('ok');
    });
    const dir = tempDir();
    const db = path.join(dir, 'env.db');
    for (const session of ['one', 'two']) {
      const rec = await startRecordCommand(['--upstream', up.url, '--db', db, '--session', session], dir);
      const r = await request(`${rec.url}/${session}/1`);
      await r.body.dump();
      expect(await rec.stop()).toBe(0);
    }
    const io = captureIo(dir, { REPLAYGUARD_DB: db });
    expect(await runCli(['ls', '--session', 'two', '--json'], io)).toBe(0);
    const parsed = JSON.parse(io.text()) as { sessions: SessionStats[]; routes: RouteStats[] };
    expect(parsed.sessions.map((s) => s.name)).toEqual(['two']);
    expect(parsed.routes.map((r) => r.route)).toEqual(['/two/:id']);

    const emptyDb = path.join(dir, 'empty.db');
    const rec = await startRecordCommand(['--upstream', up.url, '--db', emptyDb, '--session', 'idle'], dir);
    expect(await rec.stop()).toBe(0);
    const empty = captureIo(dir);
    expect(await runCli(['ls', '--db', emptyDb], empty)).toBe(0);
    expect(empty.text()).toMatch(/idle/);
  });

  it('reads the record settings from a config file found in the working directory', async () => {
    const up = await startServer((_req, res) => {
      res.end('ok');
    });
    const dir = tempDir();
    writeFileSync(path.join(dir, 'replayguard.config.json'), JSON.stringify({ db: 'from-config.db', record: { upstream: up.url, session: 'cfg', exclude: ['/skip'] } }));
    const rec = await startRecordCommand([], dir);
    for (const p of ['/keep', '/skip']) await (await request(rec.url + p)).body.dump();
    expect(await rec.stop()).toBe(0);
    expect((await readExchanges(path.join(dir, 'from-config.db'), 'cfg')).map((e) => e.request.url)).toEqual(['/keep']);
  });
});

describe('replayguard CLI errors', () => {
  function badConfig(dir: string, content: string): string {
    const file = path.join(dir, 'bad.json');
    writeFileSync(file, content);
    return file;
  }

  it.each([
    ['a value out of range', '{"record":{"sample":2}}', /record\.sample/],
    ['an unknown key', '{"record":{"smaple":0.5}}', /record: .*"smaple"/],
    ['malformed JSON', '{"record": {"sample": 0.5,,}}', /not valid JSON/],
    ['a bad duration', '{"record":{"upstreamTimeout":"soon"}}', /record\.upstreamTimeout/],
  ])('exits 2 for an invalid config file with %s, naming the key and the file', async (_name, content, key) => {
    const dir = tempDir();
    const file = badConfig(dir, content);
    for (const argv of [
      ['record', '--upstream', 'http://127.0.0.1:9', '--port', '0', '--config', file, '--db', path.join(dir, 'r.db')],
      ['ls', '--config', file],
    ]) {
      const io = captureIo(dir);
      expect(await runCli(argv, io), argv.join(' ')).toBe(2);
      expect(io.errors()).toMatch(/RG_ERR_CONFIG_INVALID/);
      expect(io.errors()).toMatch(key);
      expect(io.errors()).toContain(file);
      expect(io.errors()).toMatch(/fix: /);
    }
  });

  it('exits 2 for a config file that does not exist', async () => {
    const dir = tempDir();
    const io = captureIo(dir);
    expect(await runCli(['ls', '--config', 'missing.json'], io)).toBe(2);
    expect(io.errors()).toMatch(/RG_ERR_CONFIG_UNREADABLE/);
    expect(io.errors()).toContain(path.join(dir, 'missing.json'));
  });

  it.each([
    [['record', '--upstream', 'http://x', '--sample', '2'], /--sample must be a number from 0 to 1/],
    [['record', '--upstream', 'http://x', '--sample', 'half'], /--sample/],
    [['record', '--upstream', 'http://x', '--port', '70000'], /--port must be an integer from 0 to 65535/],
    [['record', '--upstream', 'http://x', '--port', 'eighty'], /--port/],
    [['record', '--upstream', 'http://x', '--max-body-bytes', '-1'], /--max-body-bytes/],
    [['record', '--upstream', 'ftp://x', '--port', '0'], /record\.upstream: expected an http\(s\) URL/],
    [['record', '--port', '0'], /record needs an upstream/],
    [['ls', '--bogus'], /unknown option '--bogus'/],
    [['no-such-command'], /unknown command/],
  ])('exits 2 for bad usage: %j', async (argv, message) => {
    const dir = tempDir();
    const io = captureIo(dir);
    expect(await runCli([...argv, ...(argv[0] === 'record' ? ['--db', path.join(dir, 'r.db')] : [])], io)).toBe(2);
    expect(io.errors()).toMatch(message);
  });

  it('exits 2 naming RG_ERR_DB_NOT_FOUND when ls has no database, and creates none', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'nowhere', 'rec.db');
    const io = captureIo(dir);
    expect(await runCli(['ls', '--db', db], io)).toBe(2);
    expect(io.errors()).toContain('RG_ERR_DB_NOT_FOUND');
    expect(io.errors()).toContain(db);
    expect(io.errors()).toMatch(/fix: record traffic first/);
    const { existsSync } = await import('node:fs');
    expect(existsSync(path.dirname(db))).toBe(false);
  });

  it('exits 2 when ls is pointed at a file that is not a recordings database', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'notes.txt');
    writeFileSync(file, 'hello '.repeat(500));
    const io = captureIo(dir);
    expect(await runCli(['ls', '--db', file], io)).toBe(2);
    expect(io.errors()).toContain('RG_ERR_DB_NOT_REPLAYGUARD');
  });

  it('exits 2 naming the address when the port is taken', async () => {
    const up = await startServer((_req, res) => {
      res.end('ok');
    });
    const dir = tempDir();
    const io = captureIo(dir);
    expect(await runCli(['record', '--upstream', up.url, '--port', String(up.port), '--db', path.join(dir, 'r.db')], io)).toBe(2);
    expect(io.errors()).toMatch(new RegExp(`RG_ERR_LISTEN: cannot listen on 127\\.0\\.0\\.1:${up.port}`));
  });

  it.each([[['--help']], [['record', '--help']], [['ls', '--help']], [['--version']]])('exits 0 for %j', async (argv) => {
    const io = captureIo(tempDir());
    expect(await runCli(argv, io)).toBe(0);
    const all = io.text() + io.errors();
    if (argv.includes('--version')) expect(all).toMatch(/\d+\.\d+\.\d+/);
    else expect(all).toMatch(/Usage: replayguard/);
    if (argv[0] === 'record') expect(all).toMatch(/--upstream <url>/);
  });
});
