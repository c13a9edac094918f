/**
 * `npm run demo:faults`: resilience judged by comparison, in well under a minute.
 *
 * 1. records the demo API (session "shop") and, through a second recorder, the pricing service it calls
 *    (session "pricing") into one database, recordings/demo-faults.db;
 * 2. serves the pricing session from two stubs with one fault plan (latency past the API's timeout, 503,
 *    connection resets; seed 7): one for the candidate, one for the baseline;
 * 3. replays the shop session with `--oracle baseline --stubs …`: the candidate (which lost its fallback)
 *    is judged against the baseline under the same faults, and only the planted resilience regression
 *    on GET /api/quote/:id is found; prints the summary and the report path.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FAULT_PLAN, recordAppAndDependency, replayUnderFaults } from './fault-scenario.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), process.argv[1]?.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..');

async function main(): Promise<void> {
  const started = Date.now();
  const db = path.join(root, 'recordings', 'demo-faults.db');
  const out = path.join(root, 'replay-out', 'demo-faults');
  for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
  rmSync(out, { recursive: true, force: true });

  const { exchanges } = await recordAppAndDependency(db);
  console.log(`recorded ${exchanges} exchanges of the shop API (session "shop") and its pricing calls (session "pricing") into ${db}`);
  console.log(`fault plan (seed ${FAULT_PLAN.seed}): ${FAULT_PLAN.faults.map((f) => f.name).join(', ')}\n`);
  const outcome = await replayUnderFaults({ db, out, stdout: process.stdout, log: (l) => console.log(l) });
  console.log(`\nThe candidate answers 500 where the baseline falls back to the catalogue price, so exit ${outcome.exitCode} is the expected verdict here.`);
  console.log(`Report: ${outcome.reportPath}`);
  console.log(`Demo finished in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exitCode = 1;
});
