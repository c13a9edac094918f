import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startServer } from '../helpers/servers.js';
import { tempDir } from '../helpers/temp.js';
import { LOADED_MACHINE_MS } from '../helpers/loaded-machine.js';

const repo = path.resolve(import.meta.dirname, '../..');

const env = { ...process.env, npm_config_fund: 'false', npm_config_audit: 'false', npm_config_update_notifier: 'false' };

/**
 * Never synchronous: `npm pack` builds (tsc, then the client bundle) and takes minutes on a loaded
 * machine, and a worker blocked that long cannot answer vitest, nor serve the upstream that lives in
 * this process.
 */
async function run(cmd: string, args: string[], cwd: string): Promise<string> {
  return (await promisify(execFile)(cmd, args, { cwd, encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 })).stdout;
}

describe('the npm package', () => {
  it('packs dist, README, LICENSE and the schema, installs, and records and replays from the installed bin', async () => {
    const dir = tempDir('rg-pack-');
    const packed = JSON.parse(await run('npm', ['pack', '--json', '--pack-destination', dir], repo)) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const files = packed[0]!.files.map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining(['README.md', 'LICENSE', 'package.json', 'schema/replayguard.config.schema.json', 'dist/src/cli/main.js', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/record/writer-worker.js', 'dist/src/report/html/client.bundle.js']));
    expect(files.filter((f) => f.startsWith('src/') || f.startsWith('test/'))).toEqual([]);

    const app = path.join(dir, 'app');
    cpSync(path.join(repo, 'test/fixtures/packaging-app'), app, { recursive: true });
    // Install from the tarball without install scripts, then reuse this checkout's compiled
    // better-sqlite3 binary (same Node, same platform): this test is about what the package ships;
    // compiling the addon is covered by CI's fresh-clone install.
    await run('npm', ['install', '--ignore-scripts', '--no-package-lock', path.join(dir, packed[0]!.filename)], app);
    cpSync(path.join(repo, 'node_modules/better-sqlite3/build'), path.join(app, 'node_modules/better-sqlite3/build'), { recursive: true });
    const bin = path.join(app, 'node_modules/.bin/replayguard');
    expect(existsSync(bin)).toBe(true);
    expect(await run(bin, ['--help'], app)).toMatch(/record[\s\S]*replay[\s\S]*report[\s\S]*ls/);

    const upstream = await startServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ path: req.url, ok: true }));
    });
    const db = path.join(dir, 'rec.db');
    const proxy = spawn(bin, ['record', '--upstream', upstream.url, '--port', '0', '--db', db, '--session', 'pack'], { cwd: app, stdio: ['ignore', 'pipe', 'pipe'] });
    const url = await new Promise<string>((resolve, reject) => {
      let err = '';
      proxy.stderr.on('data', (d: Buffer) => {
        err += d.toString();
        const m = /listening on (http:\/\/[^\s]+)/.exec(err);
        if (m) resolve(m[1]!);
      });
      proxy.once('exit', (code) => reject(new Error(`record exited ${code}: ${err}`)));
    });
    for (const p of ['/a/1', '/a/2', '/b']) await (await fetch(url + p)).text();
    proxy.kill('SIGTERM');
    expect(await new Promise((r) => proxy.once('exit', r))).toBe(0);

    const out = path.join(dir, 'out');
    writeFileSync(path.join(app, 'replayguard.config.json'), JSON.stringify({ replay: { concurrency: 2 } }));
    const replayOut = await run(bin, ['replay', '--target', upstream.url, '--db', db, '--out', out], app);
    expect(replayOut).toContain('PASS');
    expect(readdirSync(out).sort()).toEqual(['junit.xml', 'report.html', 'results.db', 'summary.json', 'summary.md']);
    // The report's script is the bundle the package ships, inlined and pinned by the CSP.
    const page = readFileSync(path.join(out, 'report.html'), 'utf8');
    const bundle = readFileSync(path.join(app, 'node_modules/replayguard/dist/src/report/html/client.bundle.js'), 'utf8');
    expect(page).toContain(`<script>${bundle}</script>`);
    expect(await run(bin, ['ls', '--db', db], app)).toMatch(/GET\s+\/a\/:id\s+2/);
  }, 4 * LOADED_MACHINE_MS); // npm pack builds (tsc, then the client bundle) and npm install runs: 8.5 min at load 28, 15 at load 35
});
