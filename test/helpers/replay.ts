import path from 'node:path';
import { Writable } from 'node:stream';
import { request } from 'undici';
import { defaultConfig, type ConfigOverrides } from '../../src/config/resolve-config.js';
import type { CliIo } from '../../src/cli/cli-io.js';
import { runCli } from '../../src/cli/run-cli.js';
import { replay, type ReplayOutcome } from '../../src/run/replay.js';
import { findRun } from '../../src/store/find-run.js';
import { openResultsStore } from '../../src/store/open-store.js';
import type { ReplayResult } from '../../src/types/run.js';
import { startTestRecorder } from './recorder.js';
import { collect } from './store-under-test.js';
import { tempDir } from './temp.js';

/** One request of a recording script, sent in order through the real recording proxy. */
export interface ScriptedRequest {
  method?: string;
  /** Path and query, e.g. `/users/1?x=2`. */
  path: string;
  headers?: Record<string, string>;
  /** A string or Buffer is sent as is; anything else as JSON (with content-type application/json). */
  body?: unknown;
}

export interface RecordedSession {
  /** The recordings database (closed, checkpointed). */
  dbFile: string;
  /** The folder it lives in (removed after the test). */
  dir: string;
  /** Warnings the recorder logged. */
  warnings: string[];
}

/** A paths-only script: `GET` each. */
export const gets = (...paths: string[]): ScriptedRequest[] => paths.map((p) => ({ path: p }));

/**
 * Record `script` against `upstream` through the real proxy into a fresh SQLite file, one request at a
 * time (so `seq` is the script order), then close the recorder so the file is complete.
 */
export async function recordSession(upstream: string, script: readonly ScriptedRequest[], overrides: ConfigOverrides = {}): Promise<RecordedSession> {
  const dir = tempDir('rg-replay-');
  const dbFile = path.join(dir, 'rec.db');
  const rec = await startTestRecorder(upstream, { ...overrides, db: dbFile });
  for (const step of script) {
    const isJson = step.body !== undefined && typeof step.body !== 'string' && !Buffer.isBuffer(step.body);
    const res = await request(`${rec.url}${step.path}`, {
      method: (step.method ?? 'GET') as 'GET',
      headers: { ...(isJson ? { 'content-type': 'application/json' } : {}), ...step.headers },
      body: step.body === undefined ? undefined : isJson ? JSON.stringify(step.body) : (step.body as string | Buffer),
    });
    await res.body.arrayBuffer();
  }
  await rec.drain();
  await rec.close();
  return { dbFile, dir, warnings: rec.warnings };
}

/** A writable that keeps what is written to it (console reporter output). */
export function captureStream(): Writable & { text(): string } {
  const chunks: string[] = [];
  const w = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  return Object.assign(w, { text: () => chunks.join('') });
}

export interface ReplayRun {
  outcome: ReplayOutcome;
  /** Every result of the run, read back from `<out>/results.db`, in exchange order. */
  results: ReplayResult[];
  outDir: string;
  dbFile: string;
  warnings: string[];
  stdout: string;
}

/** Replay an existing recordings file against `target` with config overrides, through `replay()`. */
export async function replayRecorded(
  dbFile: string,
  target: string,
  options: { overrides?: ConfigOverrides; env?: Record<string, string | undefined>; githubStepSummary?: string | null; outDir?: string; reporters?: string[] } = {},
): Promise<ReplayRun> {
  const outDir = options.outDir ?? path.join(tempDir('rg-out-'), 'out');
  const o = options.overrides ?? {};
  const config = defaultConfig({ ...o, db: dbFile, replay: { ...o.replay, target, out: outDir } });
  const warnings: string[] = [];
  const stdout = captureStream();
  const outcome = await replay({
    config,
    cwd: path.dirname(dbFile),
    env: options.env ?? {},
    stdout,
    isTTY: false,
    githubStepSummary: options.githubStepSummary ?? null,
    warn: (m) => warnings.push(m),
    ...(options.reporters ? { reporters: options.reporters } : {}),
  });
  return { outcome, results: await readResults(outcome.resultsDb), outDir: outcome.outDir, dbFile, warnings, stdout: stdout.text() };
}

/** Results of the latest run (or `runId`) in `results.db`, in exchange order. */
export async function readResults(resultsDb: string, runId?: number): Promise<ReplayResult[]> {
  const store = await openResultsStore(resultsDb, { readonly: true });
  try {
    const id = runId ?? (await findRun(store, 'latest')).run.id;
    return await collect(store.results(id));
  } finally {
    await store.close();
  }
}

/**
 * Record `script` against server A (`record`), replay it against server B (`target`) with the given
 * config overrides, and return the outcome, the stored results and the out dir.
 */
export async function recordAndReplay(input: {
  record: string;
  target: string;
  script: readonly ScriptedRequest[];
  overrides?: ConfigOverrides;
  recordOverrides?: ConfigOverrides;
  env?: Record<string, string | undefined>;
  githubStepSummary?: string | null;
}): Promise<ReplayRun> {
  const { dbFile } = await recordSession(input.record, input.script, input.recordOverrides);
  return replayRecorded(dbFile, input.target, { overrides: input.overrides, env: input.env, githubStepSummary: input.githubStepSummary });
}

/** The verdict of each result keyed by `METHOD url` (scripts use distinct urls for that). */
export function verdictsByUrl(results: readonly ReplayResult[]): Record<string, string> {
  return Object.fromEntries(results.map((r) => [`${r.method} ${r.url}`, r.verdict]));
}

/** runCli in-process with captured output. */
export async function runCliCaptured(argv: string[], options: { cwd: string; env?: Record<string, string | undefined> }): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const stdout = captureStream();
  const io: CliIo = {
    out: (t) => void (out += t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => void (err += t.endsWith('\n') ? t : `${t}\n`),
    env: options.env ?? {},
    cwd: options.cwd,
    isTTY: false,
    stdout,
    onSignal: () => {},
    exit: (c) => {
      throw new Error(`unexpected exit(${c})`);
    },
  };
  const code = await runCli(argv, io);
  return { code, out: out + stdout.text(), err };
}

/** A parsed JUnit testcase. */
export interface JunitCase {
  name: string;
  classname: string;
  /** `failure`, `error`, `skipped`, or null when it passed. */
  outcome: 'failure' | 'error' | 'skipped' | null;
  message: string | null;
}

function unescapeXml(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n: string) => String.fromCodePoint(parseInt(n, 16)))
    .replace(/&amp;/g, '&');
}

function attr(tag: string, name: string): string | null {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return m ? unescapeXml(m[1]!) : null;
}

/**
 * Parse the per-exchange testcases of a junit.xml (the shape our reporter writes); the `changes`
 * suite that leads the file summarises them and is left out (`parseJunitChanges` reads it).
 */
export function parseJunit(xml: string): JunitCase[] {
  return parseAllJunit(xml).filter((c) => c.classname !== 'changes');
}

/** The testcases of the leading `changes` suite: one per change, ranked. */
export function parseJunitChanges(xml: string): JunitCase[] {
  return parseAllJunit(xml).filter((c) => c.classname === 'changes');
}

function parseAllJunit(xml: string): JunitCase[] {
  const cases: JunitCase[] = [];
  const re = /<testcase\b([^>]*?)(\/>|>([\s\S]*?)<\/testcase>)/g;
  for (let m = re.exec(xml); m; m = re.exec(xml)) {
    const head = `<testcase${m[1]!}>`;
    const inner = m[3] ?? '';
    const child = /<(failure|error|skipped)\b([^>]*?)\/?>/.exec(inner);
    cases.push({
      name: attr(head, 'name') ?? '',
      classname: attr(head, 'classname') ?? '',
      outcome: child ? (child[1] as JunitCase['outcome']) : null,
      message: child ? attr(child[2]!, 'message') : null,
    });
  }
  return cases;
}

/** Names of the failing (failure or error) testcases, sorted. */
export function failingCases(xml: string): string[] {
  return parseJunit(xml)
    .filter((c) => c.outcome === 'failure' || c.outcome === 'error')
    .map((c) => c.name)
    .sort();
}
