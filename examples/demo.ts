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
import { sendDemoTraffic } from './demo-traffic.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), process.argv[1]?.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..');

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
    await sendDemoTraffic(recorder.url);
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
