import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { createComparer } from '../compare/index.js';
import type { Config } from '../config/schema.js';
import { ReplayguardError, reasonOf } from '../errors.js';
import { createReporters, type Reporter } from '../report/reporter.js';
import { createSummaryBuilder } from '../report/summary-builder.js';
import { displayLocation, openRecordingStore, openResultsStore, resolveLocation } from '../store/open-store.js';
import type { ResultsStore } from '../store/store.js';
import { NoiseLearner } from '../noise/noise-learner.js';
import type { Exchange, ExchangeFailure, LearnedNoise, ReplayResult, RunInfo, RunSummary } from '../types.js';
import { evaluateFailOn } from './fail-policy.js';
import { createTargetClient, type TargetClient } from './http-client.js';
import { createExchangeReplayer } from './replay-exchange.js';
import { LatencyTracker } from './latency.js';
import { createRequestBuilder, expandEnv } from './request-builder.js';
import { isMutating, schedule } from './scheduler.js';

export interface ReplayOptions {
  config: Readonly<Config>;
  /** Fingerprint of the resolved configuration, shown in reports. @default '' */
  configFingerprint?: string;
  /** Base for relative paths (db, out). @default process.cwd() */
  cwd?: string;
  /** Environment for `${VAR}` in replay headers. @default process.env */
  env?: Record<string, string | undefined>;
  /** Reporters by name. @default ['console', 'json', 'junit', 'markdown', 'html'] */
  reporters?: string[];
  stdout?: NodeJS.WritableStream;
  isTTY?: boolean;
  /** Path to append the Markdown summary to (GitHub Actions' $GITHUB_STEP_SUMMARY). */
  githubStepSummary?: string | null;
  /** Warnings (redacted credentials, …); once each. */
  warn?: (message: string) => void;
}

export interface ReplayOutcome {
  exitCode: number;
  exitReason: string;
  summary: RunSummary;
  outDir: string;
  resultsDb: string;
  reportPath: string;
}

/** How many results are buffered before one write transaction. */
const RESULT_BATCH = 500;
/** Candidate bodies are read up to this many bytes for comparison (results store them capped lower). */
const COMPARE_BODY_CAP = 8 * 1024 * 1024;

/**
 * Replay a recorded session against a target (and optionally a baseline), compare every response,
 * store the results in `<out>/results.db` and hand them to the reporters. Returns the exit code the
 * CLI uses: 0 no regression, 1 a failOn policy tripped. Infrastructure problems throw
 * ReplayguardError (exit 2).
 */
export async function replay(options: ReplayOptions): Promise<ReplayOutcome> {
  const { config } = options;
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const warned = new Set<string>();
  const warn = (m: string): void => {
    if (warned.has(m)) return;
    warned.add(m);
    options.warn?.(m);
  };
  const target = config.replay.target;
  if (!target) {
    throw new ReplayguardError('RG_ERR_USAGE', { details: 'replay needs a target: pass --target http://candidate:3000 (or set replay.target in the config)', command: 'replay' });
  }
  const baselineUrl = config.replay.baseline ?? null;

  const headerOverrides: Record<string, string> = {};
  for (const [k, v] of Object.entries(config.replay.headers)) {
    const { value, missing } = expandEnv(v, env);
    if (missing.length) {
      throw new ReplayguardError('RG_ERR_CONFIG_INVALID', { details: `replay.headers.${k} references unset environment variable ${missing.map((m) => '${' + m + '}').join(', ')}`, source: 'the environment' });
    }
    headerOverrides[k] = value;
  }

  const dbFile = resolveLocation(config.db, cwd);
  const recordings = await openRecordingStore(dbFile, { readonly: true });
  const outDir = path.resolve(cwd, config.replay.out);
  let results: ResultsStore | null = null;
  const clients: TargetClient[] = [];
  try {
    const session = await recordings.findSession(config.replay.session);
    if (!session) throw new ReplayguardError('RG_ERR_SESSION_NOT_FOUND', { session: config.replay.session, file: displayLocation(dbFile) });
    const total = await recordings.countExchanges(session.id);
    if (total === 0) throw new ReplayguardError('RG_ERR_SESSION_EMPTY', { session: session.name, file: displayLocation(dbFile) });

    try {
      mkdirSync(outDir, { recursive: true });
    } catch (e) {
      throw new ReplayguardError('RG_ERR_OUT_DIR', { dir: outDir, reason: reasonOf(e) }, { cause: e });
    }
    results = await openResultsStore(path.join(outDir, 'results.db'));
    const startedAt = Date.now();
    let run: RunInfo = await results.createRun({
      startedAt,
      target,
      baseline: baselineUrl,
      recordingsDb: displayLocation(dbFile),
      session: session.name,
      configFingerprint: options.configFingerprint ?? '',
      config,
    });

    const reporters: Reporter[] = createReporters(options.reporters ?? ['console', 'json', 'junit', 'markdown', 'html'], {
      outDir,
      config,
      stdout: options.stdout ?? process.stdout,
      isTTY: options.isTTY ?? false,
      githubStepSummary: options.githubStepSummary ?? null,
    });
    for (const r of reporters) await r.onRunStart?.(run, total);

    const clientOptions = { connections: config.replay.concurrency, timeoutMs: config.replay.timeout, maxBodyBytes: COMPARE_BODY_CAP };
    const candidate = createTargetClient(new URL(target).origin, clientOptions);
    clients.push(candidate);
    const baseline = baselineUrl ? createTargetClient(new URL(baselineUrl).origin, clientOptions) : null;
    if (baseline) clients.push(baseline);

    const learning = config.noise.learn && (baselineUrl !== null || config.replay.repeat > 1);
    // While learning from a baseline, every header is compared: the baseline tells which ones vary.
    // Not from repeats: two back-to-back sends share the clock second (`date`) and the deployment
    // (`etag`, `server`), so such headers would differ from the recording and never between the
    // repeats, and an identical build would fail on headers nobody asked to compare.
    const comparer = createComparer(learning && baseline && config.noise.headers ? { ...config.compare, headers: [...config.compare.headers, '*'] } : config.compare);
    const summary = createSummaryBuilder();
    const latency = new LatencyTracker(config.latency);
    const buildRequest = createRequestBuilder({
      headers: headerOverrides,
      redactedMarker: config.redact.marker,
      onRedacted: (name) =>
        warn(
          name === 'query string'
            ? 'some recorded URLs carry query parameters redacted at record time; they are sent as recorded (the marker), so the target may answer differently'
            : `header "${name}" was redacted at record time and is not sent; pass --header '${name}: …' (or replay.headers) with a fresh credential`,
        ),
    });

    const replayer = createExchangeReplayer({ candidate, baseline, repeat: config.replay.repeat, comparer, buildRequest, storeCap: config.replay.maxBodyBytes, stateful: config.replay.stateful });
    const learner = learning ? new NoiseLearner(config.noise, baseline ? 'baseline' : 'repeat') : null;

    let pending: ReplayResult[] = [];
    const flush = async (): Promise<void> => {
      const batch = pending;
      pending = [];
      if (batch.length) await results!.append(batch);
    };
    // Results reach the summary and the reporters at once, or — when noise is learned — after the
    // whole run was seen and each result re-classified (second pass over results.db).
    const publish = async (result: ReplayResult): Promise<void> => {
      summary.add(result);
      for (const r of reporters) await r.onResult?.(result);
    };
    // Stop early when the target is plainly not there, instead of failing every exchange slowly.
    let attempts = 0;
    let connectFailures = 0;
    let unreachable: ExchangeFailure | null = null;
    const unreachableAfter = Math.min(config.replay.unreachableAfter, total);

    const replayOne = async (exchange: Exchange): Promise<void> => {
      const { result, noise, connectFailure } = await replayer.run(exchange, run.id);
      if (result.verdict !== 'skipped') {
        attempts++;
        if (connectFailure) {
          connectFailures++;
          if (connectFailures === attempts && attempts >= unreachableAfter) unreachable ??= connectFailure;
        }
      }
      if (result.candidate) {
        latency.add(result.method, result.route, {
          recorded: exchange.timing.totalMs,
          candidate: result.candidate.timing.totalMs,
          baseline: result.baseline?.timing.totalMs ?? null,
        });
      }
      if (learner && result.comparison) learner.observe(result.method, result.route, result.comparison.differences, noise ?? []);
      pending.push(result);
      if (pending.length >= RESULT_BATCH) await flush();
      if (!learner) await publish(result);
      else for (const r of reporters) r.onProgress?.(result);
    };

    await schedule(
      recordings.iterate(session.id),
      {
        concurrency: config.replay.concurrency,
        rate: config.replay.rate,
        isBarrier: (e) => isMutating(e.request.method),
        shouldStop: () => unreachable !== null,
      },
      (e) =>
        replayOne(e).catch((err: unknown) => {
          // A bug in comparing one exchange must not lose the run: say so and carry on.
          warn(`internal error while replaying ${e.request.method} ${e.request.url}: ${reasonOf(err)}`);
        }),
    );
    await flush();
    if (unreachable) {
      const failure = unreachable as ExchangeFailure;
      throw new ReplayguardError('RG_ERR_TARGET_UNREACHABLE', { url: target, count: attempts, reason: `${failure.code}: ${failure.message}` });
    }

    let learnedNoise: LearnedNoise[] = [];
    if (learner) {
      const model = learner.finish();
      let changed: ReplayResult[] = [];
      for await (const stored of results.results(run.id)) {
        let result = stored;
        if (stored.comparison) {
          const comparison = model.apply(stored.method, stored.route, stored.comparison);
          if (comparison !== stored.comparison) {
            result = { ...stored, comparison, verdict: comparison.verdict };
            changed.push(result);
            if (changed.length >= RESULT_BATCH) {
              await results.reclassify(changed);
              changed = [];
            }
          }
        }
        await publish(result);
      }
      await results.reclassify(changed);
      learnedNoise = model.learned();
    }

    const endedAt = Date.now();
    const latencies = latency.summarize();
    const built = summary.build({ ...run, endedAt }, { learnedNoise, latency: latencies, exitCode: 0, exitReason: '', durationMs: endedAt - startedAt });
    const slow = latencies.filter((l) => l.flagged).length;
    const { exitCode, reason } = evaluateFailOn(config.replay.failOn, built.counts, slow);
    run = { ...run, endedAt, counts: built.counts, exitCode };
    const final: RunSummary = { ...built, run, exitCode, exitReason: reason };
    await results.finishRun(final);
    for (const r of reporters) await r.onRunEnd?.(final);
    return { exitCode, exitReason: reason, summary: final, outDir, resultsDb: results.location, reportPath: path.join(outDir, 'report.html') };
  } finally {
    await Promise.all(clients.map((c) => c.close().catch(() => {})));
    await results?.close();
    await recordings.close();
  }
}
