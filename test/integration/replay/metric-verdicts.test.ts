import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigOverrides } from '../../../src/config/resolve-config.js';
import { mergeShards } from '../../../src/run/merge.js';
import { ROOT } from '../../helpers/cli-process.js';
import { gets, recordSession, replayRecorded, type ReplayRun } from '../../helpers/replay.js';
import { LOADED_MACHINE_MS } from '../../helpers/loaded-machine.js';
import { tempDir } from '../../helpers/temp.js';

/**
 * Issue 17 acceptance: a candidate that allocates 30% more memory per request, or burns 2× CPU per
 * request, is flagged by --target-metrics/--baseline-metrics; an identical candidate is not, over 10
 * runs. The candidate and the baseline are real processes (test/fixtures/metric-service) whose metrics
 * are prom-client's process metrics: CPU seconds as the kernel counts them, external memory as V8
 * counts it. Their work per request varies by a seeded ±10%. Nothing here measures time: a replay lasts
 * as long as it lasts, and the services' 20 ms answer delay only makes sure it spans several scrapes.
 */

/** Thirty replays against real processes: 250 s measured at load 32, so three times that (a hang bound, not a speed check). */
const THIRTY_REPLAYS_MS = 900_000;
const RUNS = 10;
/**
 * Exchanges replayed per run. A growth per request is measured over at least 8 requests (scrapes every
 * 100 ms joined until then: where a request falls against a scrape then moves a sample by an eighth at
 * most), so a run gives about 10 samples a side however fast or slow the machine is, and a shard of half
 * the exchanges too few to judge alone.
 */
const EXCHANGES = 100;
const CPU_ROUNDS = 800; // SHA-256 rounds over 16 KiB per request: ~10 ms of CPU, well above what serving and scraping cost
const ALLOC_BYTES = 256 * 1024;
const CPU = 'process_cpu_seconds_total';
const MEMORY = 'nodejs_external_memory_bytes';

interface Service {
  url: string;
  child: ChildProcess;
}

const services: Service[] = [];

async function service(options: { cpu: number; alloc: number; seed: number }): Promise<Service> {
  const args = ['test/fixtures/metric-service/server.mjs', '--cpu', String(options.cpu), '--alloc', String(options.alloc), '--seed', String(options.seed), '--delay', '20'];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (c: Buffer) => {
      const m = /listening (\d+)/.exec(c.toString());
      if (m) resolve(m[1]!);
      else reject(new Error(`metric service said ${c.toString()}`));
    });
    child.once('exit', (code) => reject(new Error(`metric service exited with ${code}: ${err}`)));
  });
  const s = { url: `http://127.0.0.1:${port}`, child };
  services.push(s);
  return s;
}

let staging: Service;
let pairs: Record<keyof typeof KINDS, Pair>;

interface Pair {
  candidate: Service;
  baseline: Service;
}

/**
 * A candidate and its own baseline, started together and sent the very same requests ever after, so
 * neither is warmer or older than the other (a baseline shared by several candidates would be).
 */
async function pair(candidate: { cpu: number; alloc: number }, seed: number): Promise<Pair> {
  const [c, b] = await Promise.all([service({ ...candidate, seed }), service({ cpu: CPU_ROUNDS, alloc: ALLOC_BYTES, seed: seed + 1 })]);
  return { candidate: c, baseline: b };
}

const KINDS = {
  memory: { cpu: CPU_ROUNDS, alloc: Math.round(ALLOC_BYTES * 1.3) },
  cpu: { cpu: CPU_ROUNDS * 2, alloc: ALLOC_BYTES },
  identical: { cpu: CPU_ROUNDS, alloc: ALLOC_BYTES },
} as const;

const overrides = (candidate: Service, baseline: Service, replay: ConfigOverrides['replay'] = {}): ConfigOverrides => ({
  replay: {
    baseline: baseline.url,
    concurrency: 1,
    ...replay,
    metrics: {
      target: `${candidate.url}/metrics`,
      baseline: `${baseline.url}/metrics`,
      names: [CPU, MEMORY],
      interval: 100,
      minRequests: 8,
      // External memory only drops when V8 collects it: what a request adds is its growth per request.
      // Two identical processes on a shared 2-core box differ in CPU per request by up to ~13% (measured:
      // +12.7%, p = 0.003, in one of four 10-run passes at 10% minimum effect), so CPU gets 25%, as a user
      // on such machines would set it.
      perMetric: { [MEMORY]: { perRequest: true }, [CPU]: { minEffect: 0.25 } },
    },
  },
});

const flaggedOf = (run: ReplayRun): string[] => (run.outcome.summary.metrics ?? []).filter((m) => m.flagged).map((m) => m.name);

describe('replay --target-metrics / --baseline-metrics against real processes (issue 17 acceptance)', () => {
  beforeAll(async () => {
    staging = await service({ cpu: CPU_ROUNDS, alloc: ALLOC_BYTES, seed: 1 });
    const [memory, cpu, identical] = await Promise.all([pair(KINDS.memory, 10), pair(KINDS.cpu, 20), pair(KINDS.identical, 30)]);
    pairs = { memory, cpu, identical };
  }, LOADED_MACHINE_MS);

  afterAll(() => {
    for (const s of services.splice(0)) s.child.kill('SIGKILL');
  });

  it(`flags 30% more memory per request and 2× CPU per request, each in all of ${RUNS} runs, and an identical candidate in none`, async () => {
    const { dbFile } = await recordSession(staging.url, gets(...Array.from({ length: EXCHANGES }, (_, i) => `/r/${i}`)));
    // One replay unjudged first: the runs then compare warm processes, JIT compilation out of their samples.
    for (const kind of ['memory', 'cpu', 'identical'] as const) await replayRecorded(dbFile, pairs[kind].candidate.url, { overrides: overrides(pairs[kind].candidate, pairs[kind].baseline), reporters: ['json'] });
    const seen: Record<keyof typeof KINDS, string[][]> = { memory: [], cpu: [], identical: [] };
    for (let run = 0; run < RUNS; run++) {
      for (const kind of ['memory', 'cpu', 'identical'] as const) {
        const { candidate, baseline } = pairs[kind];
        const r = await replayRecorded(dbFile, candidate.url, { overrides: overrides(candidate, baseline), reporters: ['console', 'json'] });
        seen[kind].push(flaggedOf(r));
        const figures = JSON.stringify(r.outcome.summary.metrics?.map(({ values: _v, ...m }) => m));
        if (kind === 'identical') {
          expect(r.outcome.exitCode, figures).toBe(0);
        } else {
          expect(r.outcome.exitCode, figures).toBe(1);
          expect(r.outcome.exitReason).toContain('candidate metrics worse than the baseline\'s');
          if (run === 0) expect(r.stdout).toMatch(new RegExp(`WORSE ${kind === 'cpu' ? CPU : MEMORY}`));
        }
      }
    }
    console.log(`[issue 17] flagged metrics per run: ${JSON.stringify(seen)}`);
    // Allocating more costs some CPU too (zero-filling, collecting): the memory candidate may rightly be
    // flagged for CPU as well; what must hold is that its memory is flagged every time.
    expect(seen.memory.filter((f) => f.includes(MEMORY))).toHaveLength(RUNS);
    expect(seen.cpu).toEqual(Array.from({ length: RUNS }, () => [CPU]));
    expect(seen.identical).toEqual(Array.from({ length: RUNS }, () => []));
  }, THIRTY_REPLAYS_MS);

  it('merge judges the union of the shards\' samples, and every report shows the verdicts', async () => {
    const { dbFile } = await recordSession(staging.url, gets(...Array.from({ length: EXCHANGES }, (_, i) => `/r/${i}`)));
    const dir = tempDir('rg-metric-shards-');
    const shards: ReplayRun[] = [];
    for (const shard of ['1/2', '2/2']) {
      const { candidate, baseline } = pairs.cpu;
      shards.push(await replayRecorded(dbFile, candidate.url, { overrides: overrides(candidate, baseline, { shard }), outDir: path.join(dir, `out-${shard[0]}`), reporters: ['json'] }));
    }
    const merged = await mergeShards({ shardDirs: shards.map((s) => s.outDir), outDir: path.join(dir, 'merged'), reporters: ['json', 'junit', 'markdown', 'html'] });
    const cpu = merged.summary.metrics!.find((m) => m.name === CPU)!;
    const ofShards = shards.map((s) => s.outcome.summary.metrics!.find((m) => m.name === CPU)!);
    expect(cpu.samples).toEqual({ candidate: ofShards[0]!.samples.candidate + ofShards[1]!.samples.candidate, baseline: ofShards[0]!.samples.baseline + ofShards[1]!.samples.baseline });
    expect(cpu.flagged).toBe(true);
    expect(merged.exitCode).toBe(1);
    expect(merged.exitReason).toMatch(/candidate metrics worse than the baseline's: process_cpu_seconds_total \+\d+%/);
    const out = merged.outDir;
    expect(readFileSync(path.join(out, 'junit.xml'), 'utf8')).toMatch(/<testcase name="metric process_cpu_seconds_total" classname="metrics">\s*<failure message="process_cpu_seconds_total: candidate median/);
    expect(readFileSync(path.join(out, 'summary.md'), 'utf8')).toMatch(/\| ❌ process\\_cpu\\_seconds\\_total \| [\d.e+-]+ \| [\d.e+-]+ \| \+\d+\.\d% \|/);
    expect(readFileSync(path.join(out, 'report.html'), 'utf8')).toContain('process_cpu_seconds_total');
  }, LOADED_MACHINE_MS);
});
