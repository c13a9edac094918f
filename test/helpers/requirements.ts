import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { describe } from 'vitest';

/**
 * Test suites that need something npm does not install (a Chromium, a PostgreSQL server). Where it is
 * found they run; where it is not, they are reported as skipped after ONE line on stderr saying what was
 * not run and how to install it, so `npm test` still passes on a fresh machine. Setting the suite's
 * REPLAYGUARD_REQUIRE_* variable to 1 (as .ci/run does) turns a missing dependency into a failed run, so
 * CI can never go green without having run them.
 */
interface Requirement {
  /** What does not run without it, as the line names it. */
  what: string;
  /** The variable that makes its absence an error. */
  requireVar: string;
  /** Why it was not found, and how to get it. */
  missing: string;
}

function isRequired(variable: string): boolean {
  const value = process.env[variable];
  return value !== undefined && value !== '' && value !== '0' && value !== 'false';
}

/** Throws under the requirement's variable; otherwise prints the one line and returns. */
function reportMissing(req: Requirement, suite: string): void {
  const line = `${req.what} NOT run (${suite}): ${req.missing}`;
  if (isRequired(req.requireVar)) throw new Error(`${req.requireVar}=1 and ${line}`);
  // Straight to stderr, not console: vitest would wrap a console line in a header of its own.
  process.stderr.write(`replayguard: ${line} (${req.requireVar}=1 makes this an error)\n`);
}

const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/**
 * The Chromium to test with: `CHROMIUM_PATH` when set (and then only that one, so a wrong path is
 * reported rather than silently replaced), else `chromium` or `chromium-browser` on PATH, else
 * /usr/bin/chromium.
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const explicit = env.CHROMIUM_PATH;
  if (explicit) return existsSync(explicit) ? explicit : undefined;
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    for (const name of ['chromium', 'chromium-browser']) {
      const candidate = path.join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
  }
  return existsSync(DEFAULT_CHROMIUM) ? DEFAULT_CHROMIUM : undefined;
}

/** The Chromium executable for a browser suite, or undefined after the one "not run" line. */
export function requireBrowser(suite: string): string | undefined {
  const found = findChromium();
  if (found) return found;
  const where = process.env.CHROMIUM_PATH ? `CHROMIUM_PATH=${process.env.CHROMIUM_PATH} does not exist` : `no Chromium on PATH or at ${DEFAULT_CHROMIUM} (or set CHROMIUM_PATH)`;
  reportMissing({ what: 'browser tests', requireVar: 'REPLAYGUARD_REQUIRE_BROWSER', missing: `${where}; install it with \`apt-get install chromium\`` }, suite);
  return undefined;
}

/** A describe block that runs only where a Chromium is found; its callback gets the executable path. */
export function describeWithBrowser(name: string, fn: (chromium: string) => void): void {
  const chromium = requireBrowser(name);
  describe.skipIf(chromium === undefined)(name, () => fn(chromium!));
}

/** @default postgres://postgres@127.0.0.1:5432/test (trust auth, as .ci/run sets it up) */
export const DEFAULT_TEST_PG = 'postgres://postgres@127.0.0.1:5432/test';

/** The PostgreSQL URL the tests use: `REPLAYGUARD_TEST_PG`, else {@link DEFAULT_TEST_PG}. */
export function testPgUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.REPLAYGUARD_TEST_PG || DEFAULT_TEST_PG;
}

/** Whether something accepts TCP connections at the URL's host and port (5432 when it names none). */
function reachable(url: string, timeoutMs = 2000): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname.replace(/^\[|\]$/g, '') || '127.0.0.1', port: Number(port) || 5432 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * The PostgreSQL URL for a suite when a server answers there, or undefined after the one "not run"
 * line (a failed run under REPLAYGUARD_REQUIRE_PG=1). Only reachability is probed: a server that answers
 * but refuses the database fails the suite's own tests, loudly.
 */
export async function requirePg(suite: string): Promise<string | undefined> {
  const url = testPgUrl();
  if (await reachable(url)) return url;
  const shown = url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@'); // never print a password
  reportMissing({
    what: 'PostgreSQL tests',
    requireVar: 'REPLAYGUARD_REQUIRE_PG',
    missing: `nothing listens at ${shown} (REPLAYGUARD_TEST_PG); install and start it with \`apt-get install postgresql\` and \`pg_ctlcluster <version> main start\``,
  }, suite);
  return undefined;
}

/**
 * A describe block that runs only where PostgreSQL answers; its callback gets the URL. Await it at the
 * top level of the test file: `await describeWithPg('pg store', (url) => { ... })`.
 */
export async function describeWithPg(name: string, fn: (url: string) => void): Promise<void> {
  const url = await requirePg(name);
  describe.skipIf(url === undefined)(name, () => fn(url!));
}
