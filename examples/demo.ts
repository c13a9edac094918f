/**
 * `npm run demo`: the whole loop on the embedded default, in well under a minute.
 *
 * 1. starts the bundled demo API as "staging" and the recording proxy in front of it;
 * 2. sends a scripted burst of traffic through the proxy into recordings/demo.db;
 * 3. starts the same API with planted regressions as the candidate, and an unchanged copy as the
 *    baseline (so noise — request ids, timestamps, shuffled lists — is learned, not configured);
 * 4. replays, prints the summary and the absolute path of report.html, stops everything, exits 0
 *    (finding the planted regressions is the point).
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultConfig } from '../src/config/resolve-config.js';
import { startRecorder } from '../src/record/recorder.js';
import { replay } from '../src/run/replay.js';
import { startDemoApi } from './demo-api/app.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), process.argv[1]?.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..');

/** The scripted traffic: what testers and e2e suites would send through the proxy. */
function trafficPlan(): Array<{ method: string; path: string; body?: unknown }> {
  const plan: Array<{ method: string; path: string; body?: unknown }> = [];
  for (let page = 1; page <= 4; page++) plan.push({ method: 'GET', path: `/api/users?page=${page}` });
  for (let id = 1; id <= 12; id++) plan.push({ method: 'GET', path: `/api/users/${id}` });
  plan.push({ method: 'GET', path: '/api/users/9999' });
  for (const category of ['books', 'audio', 'kitchen']) plan.push({ method: 'GET', path: `/api/products?category=${category}` });
  for (const q of ['hammer', 'rake', 'pan', 'saw', 'hose', 'pot', 'drill', 'spade']) plan.push({ method: 'GET', path: `/api/search?q=${q}` });
  plan.push({ method: 'GET', path: '/api/report.txt' });
  for (let id = 1; id <= 3; id++) plan.push({ method: 'GET', path: `/api/avatar/${id}.png` });
  plan.push({ method: 'GET', path: '/api/error' });
  plan.push({ method: 'GET', path: '/old-home' });
  plan.push({ method: 'POST', path: '/api/orders', body: { userId: 3, items: [{ sku: 'BK-001', qty: 2 }, { sku: 'AU-001', qty: 1 }] } });
  plan.push({ method: 'POST', path: '/api/orders', body: { userId: 0, items: [] } });
  plan.push({ method: 'GET', path: '/health' });
  return plan;
}

async function main(): Promise<void> {
  const started = Date.now();
  const db = path.join(root, 'recordings', 'demo.db');
  const out = path.join(root, 'replay-out', 'demo');
  // The demo owns these files: starting clean keeps it idempotent.
  for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
  rmSync(out, { recursive: true, force: true });

  const staging = await startDemoApi({ variant: 'staging' });
  const candidate = await startDemoApi({ variant: 'candidate' });
  const baseline = await startDemoApi({ variant: 'baseline' });
  try {
    const recorder = await startRecorder({
      config: defaultConfig({ db, record: { upstream: staging.url, port: 0, session: 'demo' }, redact: { json: ['**/password'] } }),
      log: (line) => console.log(line),
    });
    const plan = trafficPlan();
    for (const step of plan) {
      const res = await fetch(recorder.url + step.path, {
        method: step.method,
        redirect: 'manual',
        headers: {
          'accept-encoding': 'gzip',
          // Shows redaction: this credential never reaches the database.
          authorization: 'Bearer demo-secret-token',
          ...(step.body ? { 'content-type': 'application/json' } : {}),
        },
        body: step.body ? JSON.stringify(step.body) : undefined,
      });
      const text = await res.text();
      // Read back what was just created: the replay carries the candidate's own new id into this GET.
      if (step.method === 'POST' && res.status === 201) {
        const { id } = JSON.parse(text) as { id: string };
        await (await fetch(`${recorder.url}/api/orders/${id}`, { headers: { authorization: 'Bearer demo-secret-token' } })).arrayBuffer();
      }
    }
    await recorder.close();
    const stats = recorder.stats();
    console.log(`recorded ${stats.written} exchanges (session "demo") into ${db}\n`);

    const outcome = await replay({
      config: defaultConfig({
        db,
        replay: { target: candidate.url, baseline: baseline.url, session: 'demo', out, headers: { authorization: 'Bearer fresh-ci-token' } },
      }),
      stdout: process.stdout,
      isTTY: Boolean(process.stdout.isTTY),
      warn: (m) => console.warn(`warning: ${m}`),
    });
    console.log(`\nThe candidate carries planted regressions, so exit ${outcome.exitCode} is the expected verdict here.`);
    console.log(`Report: ${outcome.reportPath}`);
    console.log(`Also written: ${['junit.xml', 'summary.json', 'summary.md', 'results.db'].map((f) => path.join(outcome.outDir, f)).join(', ')}`);
    console.log(`Demo finished in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  } finally {
    await Promise.all([staging.close(), candidate.close(), baseline.close()]);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exitCode = 1;
});
