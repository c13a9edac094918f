import path from 'node:path';
import type { Config } from '../config/schema.js';
import { ReplayguardError } from '../errors.js';
import { NoiseLearner, type LearnedModel } from '../noise/noise-learner.js';
import { createReporterDriver } from '../report/drive-reporters.js';
import { createReporters, REPORT_FILES, type Reporter } from '../report/reporter.js';
import { LatencyTracker } from '../replay/latency.js';
import { judgeShardMetrics, withMetricVerdicts } from '../metrics/metric-gate.js';
import { findFinishedRun } from '../store/find-run.js';
import { openResultsStore, resultsLocation } from '../store/open-store.js';
import type { ResultsStore, StoredRun } from '../store/store.js';
import type { Comparison } from '../types/comparison.js';
import type { ReplayResult } from '../types/run.js';
import { evaluateFailOn } from './fail-policy.js';
import { prepareOutDir } from './out-dir.js';
import type { ReplayOutcome } from './replay.js';
import { readEvidence, readManifest, type ShardManifest } from './shard-output.js';

export interface MergeOptions {
  /** The `--out` folders of the shards, in any order. */
  shardDirs: string[];
  /** Where the merged results.db and reports go. */
  outDir: string;
  /** Base for relative paths. @default process.cwd() */
  cwd?: string;
  /** Reporters by name, or reporter objects. @default ['console', 'json', 'junit', 'markdown', 'html'] */
  reporters?: Array<string | Reporter>;
  stdout?: NodeJS.WritableStream;
  isTTY?: boolean;
  githubStepSummary?: string | null;
}

interface Shard {
  dir: string;
  manifest: ShardManifest;
  store: ResultsStore;
  stored: StoredRun & { summary: NonNullable<StoredRun['summary']> };
}

const BATCH = 500;

function mismatch(details: string): ReplayguardError {
  return new ReplayguardError('RG_ERR_MERGE_MISMATCH', { details });
}

/** The parts must be one run split n ways: same session, settings and version; each part once. */
function checkParts(shards: readonly Shard[]): void {
  const [first] = shards;
  const label = (s: Shard): string => `${s.dir} (shard ${s.manifest.shard.index}/${s.manifest.shard.count})`;
  for (const s of shards) {
    const a = first!.manifest;
    const b = s.manifest;
    if (b.version !== a.version) throw mismatch(`${label(s)} was replayed by replayguard ${b.version}, ${label(first!)} by ${a.version}`);
    if (b.session.name !== a.session.name || b.session.startedAt !== a.session.startedAt || b.session.exchanges !== a.session.exchanges) {
      throw mismatch(`${label(s)} replayed session "${b.session.name}" (${b.session.exchanges} exchanges), ${label(first!)} session "${a.session.name}" (${a.session.exchanges} exchanges)`);
    }
    if (b.comparable !== a.comparable) throw mismatch(`${label(s)} and ${label(first!)} compared with different configurations (fingerprints ${b.comparable} and ${a.comparable})`);
    if (b.shard.count !== a.shard.count || b.shard.key !== a.shard.key) throw mismatch(`${label(s)} and ${label(first!)} split the session differently`);
  }
  const count = first!.manifest.shard.count;
  const seen = new Map<number, string>();
  for (const s of shards) {
    const twice = seen.get(s.manifest.shard.index);
    if (twice) throw mismatch(`shard ${s.manifest.shard.index}/${count} is given twice (${twice} and ${s.dir})`);
    seen.set(s.manifest.shard.index, s.dir);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length > 0) throw mismatch(`shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} missing`);
}

async function openShard(dir: string): Promise<Shard> {
  const manifest = readManifest(dir);
  const store = await openResultsStore(resultsLocation(dir), { readonly: true });
  try {
    return { dir, manifest, store, stored: await findFinishedRun(store, 'latest') };
  } catch (e) {
    await store.close();
    throw e;
  }
}

/**
 * `replayguard merge`: one run from the outputs of `replay --shard i/n`, as one unsharded replay would
 * have judged it. Noise is learned again over the union of every shard's raw evidence (the learner's
 * per-key counts summed before the thresholds and the significance test, never per-shard verdicts
 * combined), and every result is re-judged with that model from its comparison before learning.
 * Latency percentiles come from the union of the samples, and so do the candidate's metric verdicts. Then every reporter runs as after a replay,
 * and the exit code is the merged run's.
 */
export async function mergeShards(options: MergeOptions): Promise<ReplayOutcome> {
  const cwd = options.cwd ?? process.cwd();
  if (options.shardDirs.length === 0) throw new ReplayguardError('RG_ERR_USAGE', { details: 'merge needs the output folders of the shards: replayguard merge out-1 out-2 … --out DIR', command: 'merge' });
  const shards: Shard[] = [];
  const outDir = path.resolve(cwd, options.outDir);
  let merged: ResultsStore | null = null;
  try {
    for (const dir of options.shardDirs) shards.push(await openShard(path.resolve(cwd, dir)));
    checkParts(shards);
    shards.sort((a, b) => a.manifest.shard.index - b.manifest.shard.index);
    const first = shards[0]!;
    const stoppedEarly = shards.find((s) => s.stored.summary.exitCode === 2);
    const counted = (await Promise.all(shards.map((s) => s.store.countResults(s.stored.run.id)))).reduce((a, b) => a + b, 0);
    if (!stoppedEarly && counted !== first.manifest.session.exchanges) {
      throw mismatch(`the shards hold ${counted} results for a session of ${first.manifest.session.exchanges} exchanges`);
    }

    const storedConfig = first.stored.config as Config;
    const config: Config = { ...storedConfig, replay: { ...storedConfig.replay, shard: undefined, out: outDir } };
    const learning = first.manifest.learning;
    const latency = new LatencyTracker(config.latency);
    const learner = learning ? new NoiseLearner(config.noise, learning) : null;
    /** Comparisons before learning, of the exchanges that had differences: what the merged model re-judges. */
    const before = new Map<number, Comparison>();
    for (const s of shards) {
      for await (const line of readEvidence(s.dir)) {
        if (line.t === 'l') latency.add(line.m, line.r, line.s);
        else if (learner) {
          learner.observe(line.m, line.r, line.c.differences, line.n);
          if (line.c.differences.length > 0) before.set(line.id, line.c);
        }
      }
    }
    const model: LearnedModel | null = learner ? learner.finish() : null;

    prepareOutDir(outDir);
    merged = await openResultsStore(resultsLocation(outDir));
    const startedAt = Math.min(...shards.map((s) => s.stored.run.startedAt));
    const targets = [...new Set(shards.map((s) => s.stored.run.target))];
    const run = await merged.createRun({
      startedAt,
      target: targets.length === 1 ? targets[0]! : `${targets.length} targets (${targets.join(', ')})`,
      baseline: first.stored.run.baseline,
      recordingsDb: first.stored.run.recordingsDb,
      session: first.stored.run.session,
      configFingerprint: first.manifest.comparable,
      config,
    });
    for (const s of shards) {
      let batch: ReplayResult[] = [];
      for await (const stored of s.store.results(s.stored.run.id)) {
        let result: ReplayResult = { ...stored, runId: run.id };
        const pre = model ? before.get(stored.exchangeId) : undefined;
        if (model && pre) {
          const comparison = model.apply(result, pre);
          result = { ...result, comparison, verdict: comparison.verdict };
        }
        batch.push(result);
        if (batch.length >= BATCH) {
          await merged.append(batch);
          batch = [];
        }
      }
      await merged.append(batch);
    }

    const wanted = options.reporters ?? ['console', 'json', 'junit', 'markdown', 'html'];
    const named = createReporters(wanted.filter((r): r is string => typeof r === 'string'), {
      outDir,
      config,
      stdout: options.stdout ?? process.stdout,
      isTTY: options.isTTY ?? false,
      githubStepSummary: options.githubStepSummary ?? null,
    });
    const driver = createReporterDriver([...named, ...wanted.filter((r): r is Reporter => typeof r !== 'string')], run);
    await driver.start(counted);
    for await (const result of merged.results(run.id)) await driver.result(result);
    const routeLatency = latency.summarize();
    const slow = routeLatency.filter((l) => l.flagged).length;
    const metricVerdicts = judgeShardMetrics(config.replay.metrics, shards.map((s) => s.stored.summary.metrics));
    const verdict = withMetricVerdicts(
      stoppedEarly
        ? { exitCode: 2, reason: `shard ${stoppedEarly.manifest.shard.index}/${stoppedEarly.manifest.shard.count} stopped early: ${stoppedEarly.stored.summary.exitReason}` }
        : evaluateFailOn(config.replay.failOn, driver.counts(), slow),
      metricVerdicts ?? [],
    );
    const endedAt = Math.max(...shards.map((s) => s.stored.run.endedAt ?? s.stored.run.startedAt));
    const summary = driver.summarize(
      { ...run, endedAt },
      {
        learnedNoise: model?.learned() ?? [],
        unreproduced: model?.unreproduced() ?? [],
        noiseTests: model?.tests() ?? null,
        latency: routeLatency,
        exitCode: verdict.exitCode,
        exitReason: verdict.reason,
        durationMs: endedAt - startedAt,
        ...(metricVerdicts ? { metrics: metricVerdicts } : {}),
      },
    );
    await merged.finishRun(summary);
    await driver.end(summary);
    return { exitCode: verdict.exitCode, exitReason: verdict.reason, summary, outDir, resultsDb: merged.location, reportPath: path.join(outDir, REPORT_FILES.html) };
  } finally {
    await merged?.close();
    await Promise.all(shards.map((s) => s.store.close()));
  }
}
