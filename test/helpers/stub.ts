import { afterEach } from 'vitest';
import { defaultConfig, type ConfigOverrides } from '../../src/config/resolve-config.js';
import { startStub, type RunningStub } from '../../src/stub/stub-server.js';
import { startTestRecorder } from './recorder.js';
import { startServer } from './servers.js';
import type { IncomingMessage, ServerResponse } from 'node:http';

const running: RunningStub[] = [];

/** A real stub on 127.0.0.1:0 serving `session` of `db`. */
export async function startTestStub(db: string, stub: ConfigOverrides['stub'] = {}, overrides: ConfigOverrides = {}): Promise<RunningStub & { log: string[] }> {
  const log: string[] = [];
  const s = await startStub({ config: defaultConfig({ ...overrides, db, stub: { session: 'test', port: 0, host: '127.0.0.1', ...stub } }), log: (l) => log.push(l), env: {} });
  running.push(s);
  return Object.assign(s, { log });
}

export interface ScriptedCall {
  method: string;
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * Record a dependency: a fake upstream answering with `handler`, the recording proxy in front of it,
 * `calls` sent through it in order. Returns the database file (session "test").
 */
export async function recordDependency(handler: (req: IncomingMessage & { body: Buffer }, res: ServerResponse) => void | Promise<void>, calls: readonly ScriptedCall[]): Promise<string> {
  const upstream = await startServer(handler);
  const rec = await startTestRecorder(upstream.url);
  for (const c of calls) {
    const res = await fetch(rec.url + c.path, {
      method: c.method,
      headers: { ...(c.body !== undefined ? { 'content-type': 'application/json' } : {}), ...c.headers },
      body: c.body === undefined ? undefined : typeof c.body === 'string' ? c.body : JSON.stringify(c.body),
    });
    await res.arrayBuffer();
  }
  await rec.close();
  await upstream.close();
  return rec.dbFile;
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});
