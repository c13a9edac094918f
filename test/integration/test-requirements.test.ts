import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findChromium, testPgUrl } from '../helpers/requirements.js';
import { tempDir } from '../helpers/temp.js';

const repo = path.resolve(import.meta.dirname, '../..');
const vitestBin = path.join(repo, 'node_modules/vitest/vitest.mjs');

/**
 * Runs vitest in a child on one test file, as `npm test` would on a machine without Chromium: PATH
 * holds only node's own folder and CHROMIUM_PATH points nowhere.
 */
function runVitest(args: string[], env: Record<string, string>): Promise<{ status: number | null; output: string }> {
  const child = spawn(process.execPath, [vitestBin, 'run', ...args, '--reporter=default'], {
    cwd: repo,
    env: { HOME: process.env.HOME ?? '/tmp', PATH: path.dirname(process.execPath), CI: 'true', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, output }));
  });
}

const pgProbe = ['--config', 'test/fixtures/requirements/vitest.config.ts'];

const notRunLine = /^replayguard: browser tests NOT run \(report\.html in Chromium\): CHROMIUM_PATH=\S+ does not exist; install it with `apt-get install chromium`/m;

describe('test suites that need a browser', () => {
  it('finds Chromium through CHROMIUM_PATH only when it exists, else on PATH', () => {
    const dir = tempDir();
    const fake = path.join(dir, 'chromium');
    writeFileSync(fake, '');
    expect(findChromium({ CHROMIUM_PATH: fake })).toBe(fake);
    expect(findChromium({ CHROMIUM_PATH: path.join(dir, 'nope'), PATH: dir })).toBeUndefined();
    mkdirSync(path.join(dir, 'bin'));
    writeFileSync(path.join(dir, 'bin', 'chromium-browser'), '');
    expect(findChromium({ PATH: `${path.join(dir, 'empty')}${path.delimiter}${path.join(dir, 'bin')}` })).toBe(path.join(dir, 'bin', 'chromium-browser'));
  });

  it('without a Chromium: one line says what did not run and how to install it, and the run passes', async () => {
    const { status, output } = await runVitest(['test/browser/report.test.ts'], { CHROMIUM_PATH: path.join(tempDir(), 'no-chromium') });
    expect(output).toMatch(notRunLine);
    expect(output.match(/NOT run/g)).toHaveLength(1);
    expect(output).toMatch(/Tests\s+\S*\d+ skipped/);
    expect(status).toBe(0);
  }, 130_000);

  it('without a Chromium under REPLAYGUARD_REQUIRE_BROWSER=1: the run fails and says why', async () => {
    const { status, output } = await runVitest(['test/browser/report.test.ts'], { CHROMIUM_PATH: path.join(tempDir(), 'no-chromium'), REPLAYGUARD_REQUIRE_BROWSER: '1' });
    expect(output).toContain('REPLAYGUARD_REQUIRE_BROWSER=1 and browser tests NOT run');
    expect(status).not.toBe(0);
  }, 130_000);
});

describe('test suites that need PostgreSQL', () => {
  it('reads the URL from REPLAYGUARD_TEST_PG, with the documented default', () => {
    expect(testPgUrl({})).toBe('postgres://postgres@127.0.0.1:5432/test');
    expect(testPgUrl({ REPLAYGUARD_TEST_PG: 'postgres://u@127.0.0.1:6543/x' })).toBe('postgres://u@127.0.0.1:6543/x');
  });

  it('runs where a server answers, says so and passes where none does, and fails under REPLAYGUARD_REQUIRE_PG=1', async () => {
    // A port that was just free and is closed again: nothing answers there.
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as { port: number };
        s.close(() => resolve(port));
      });
    });
    const listening = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
    const open = (listening.address() as { port: number }).port;
    try {
      const down = await runVitest(pgProbe, { REPLAYGUARD_TEST_PG: `postgres://postgres:secret@127.0.0.1:${port}/test` });
      expect(down.output).toMatch(new RegExp(`^replayguard: PostgreSQL tests NOT run \\(probe suite\\): nothing listens at postgres://postgres:\\*\\*\\*@127\\.0\\.0\\.1:${port}/test`, 'm'));
      expect(down.output).not.toContain('secret');
      expect(down.status).toBe(0);

      const required = await runVitest(pgProbe, { REPLAYGUARD_TEST_PG: `postgres://postgres@127.0.0.1:${port}/test`, REPLAYGUARD_REQUIRE_PG: '1' });
      expect(required.output).toContain('REPLAYGUARD_REQUIRE_PG=1 and PostgreSQL tests NOT run');
      expect(required.status).not.toBe(0);

      const up = await runVitest(pgProbe, { REPLAYGUARD_TEST_PG: `postgres://postgres@127.0.0.1:${open}/test`, REPLAYGUARD_REQUIRE_PG: '1' });
      expect(up.output).not.toContain('NOT run');
      expect(up.output).toMatch(/Tests\s+\S*1 passed/);
      expect(up.status).toBe(0);
    } finally {
      listening.close();
    }
  }, 200_000);
});
