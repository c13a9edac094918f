import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli-process.js';
import { gets, recordSession, runCliCaptured } from '../helpers/replay.js';
import { startServer } from '../helpers/servers.js';
import { tempDir } from '../helpers/temp.js';

const jsonServer = () =>
  startServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ url: req.url }));
  });

describe('hostile: messages name the real cause (issue 12 item 9)', () => {
  it('a 0-byte --db is "an empty file", not "needs migrating", for replay and ls, and stays 0 bytes', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'empty.db');
    writeFileSync(db, '');
    for (const argv of [['replay', '--db', db, '--target', 'http://127.0.0.1:9', '--out', path.join(dir, 'out')], ['ls', '--db', db]]) {
      const r = await runCliCaptured(argv, { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.err).toContain(`RG_ERR_DB_EMPTY: ${db} is an empty file`);
      expect(r.err).not.toMatch(/migrat|this is a bug/);
    }
    const { size } = await import('node:fs').then((fs) => fs.statSync(db));
    expect(size).toBe(0);
  });

  it('an --out where no file can be created is RG_ERR_OUT_DIR naming the folder, before any request is sent', async () => {
    const server = await jsonServer();
    const { dbFile, dir } = await recordSession(server.url, gets('/a', '/b'));
    const before = server.seen.length;
    // A folder that exists and refuses new files even to root (sysfs): access(2) would say writable.
    const r = await runCliCaptured(['replay', '--db', dbFile, '--session', 'test', '--target', server.url, '--out', '/sys/kernel'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/RG_ERR_OUT_DIR: cannot write results into \/sys\/kernel: E(PERM|ACCES|ROFS)/);
    expect(r.err).not.toMatch(/RG_ERR_DB|this is a bug/);
    expect(server.seen.length - before).toBe(0);
  });

  it('an unwritable report.html is RG_ERR_REPORT_WRITE naming the file; results.db and the other reports are written', async () => {
    const server = await jsonServer();
    const { dbFile, dir } = await recordSession(server.url, gets('/a', '/b', '/c'));
    const out = path.join(dir, 'out');
    mkdirSync(path.join(out, 'report.html'), { recursive: true }); // a directory in the way of the file
    const r = await runCliCaptured(['replay', '--db', dbFile, '--session', 'test', '--target', server.url, '--out', out], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.err).toContain(`RG_ERR_REPORT_WRITE: cannot write the html report ${path.join(out, 'report.html')}: EISDIR`);
    expect(r.err).toContain(`replayguard report --out ${out}`);
    expect(r.err).not.toMatch(/this is a bug|unexpected error/);
    const { existsSync } = await import('node:fs');
    expect(['results.db', 'summary.json', 'junit.xml', 'summary.md'].filter((f) => existsSync(path.join(out, f)))).toHaveLength(4);
  });

  it('`replayguard ls | head`: a closed stdout does not kill ls with EPIPE; it exits 0 with nothing on stderr', { timeout: 90_000 }, async () => {
    const server = await jsonServer();
    const { dbFile } = await recordSession(server.url, gets(...Array.from({ length: 30 }, (_, i) => `/route${i}/1`)));
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), 'ls', '--db', dbFile], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    // The reader goes away before ls writes its first line: every write meets a closed pipe.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
