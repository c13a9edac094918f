import path from 'node:path';
import type { Config } from '../config/schema.js';
import { isReplayguardError, ReplayguardError } from '../errors.js';
import { createReporterDriver } from '../report/drive-reporters.js';
import { createReporters, REPORT_FILES, type Reporter } from '../report/reporter.js';
import { clientTlsOptions } from '../http/tls.js';
import { startMetricGate, withMetricVerdicts, type MetricGate } from '../metrics/metric-gate.js';
import { replayEngine } from '../replay/engine.js';
import { resolveHeaderOverrides } from '../replay/request-builder.js';
import { loadRedactionKey, redactionKeyFile } from '../redact/redaction-key.js';
import { normalizeKey } from '../redact/secret-rules.js';
import { displayLocation, openRecordingStore, openResultsStore, resolveLocation, resultsLocation } from '../store/open-store.js';
import type { ResultsStore } from '../store/store.js';
import type { LearnedNoise, NoiseTests, RouteLatency, RunSummary, UnreproducedGroup } from '../types/run.js';
import { evaluateFailOn } from './fail-policy.js';
import { prepareOutDir } from './out-dir.js';
import { watchStubs, withStubMisses } from './stub-report.js';
import { openReplayPart } from './replay-part.js';

export interface ReplayOptions {
  config: Readonly<Config>;
  /** Fingerprint of the resolved configuration, shown in reports. @default '' */
  configFingerprint?: string;
  /** Base for relative paths (db, out). @default process.cwd() */
  cwd?: string;
  /** Environment for `${VAR}` in replay headers. @default process.env */
  env?: Record<string, string | undefined>;
  /** Reporters by name, or reporter objects of your own. @default ['console', 'json', 'junit', 'markdown', 'html'] */
  reporters?: Array<string | Reporter>;
  stdout?: NodeJS.WritableStream;
  isTTY?: boolean;
  /** Path to append the Markdown summary to (GitHub Actions' $GITHUB_STEP_SUMMARY). */
  githubStepSummary?: string | null;
  /** Warnings (redacted credentials, …); once each. */
  warn?: (message: string) => void;
}

const supplied = (values: Record<string, string>): Record<string, string> => Object.fromEntries(Object.keys(values).map((k) => [k, '(supplied)']));

export interface ReplayOutcome {
  exitCode: number;
  exitReason: string;
  summary: RunSummary;
  outDir: string;
  resultsDb: string;
  reportPath: string;
}

/**
 * Replay a recorded session against a target (and optionally a baseline), compare every response,
 * store the results in `<out>/results.db` and hand them to the reporters. Returns the exit code the
 * CLI uses: 0 no regression, 1 a failOn policy tripped. Infrastructure problems throw
 * ReplayguardError (exit 2).
 *
 * A façade: the engine (src/replay/engine.ts) replays and yields results; this wires it to the
 * stores, the reporters and the fail policy.
 */
export async function replay(options: ReplayOptions): Promise<ReplayOutcome> {
  const { config } = options;
  const cwd = options.cwd ?? process.cwd();
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
  if (config.replay.oracle === 'baseline' && !config.replay.baseline) {
    throw new ReplayguardError('RG_ERR_USAGE', { details: '--oracle baseline judges the candidate against the baseline: pass --baseline http://baseline:3001 too', command: 'replay' });
  }
  const env = options.env ?? process.env;
  const headers = resolveHeaderOverrides(config.replay.headers, env);
  const secrets = new Map(Object.entries(resolveHeaderOverrides(config.replay.secrets, env, 'secrets')).map(([k, v]) => [normalizeKey(k), v]));
  // Results are redacted as recordings are, with the recording's key when it can be read.
  const tls = clientTlsOptions(config.replay.tls, cwd);
  const { key: redactionKey } = loadRedactionKey({ env, keyFile: redactionKeyFile(config.db, cwd), create: false });

  const dbFile = resolveLocation(config.db, cwd);
  const recordings = await openRecordingStore(dbFile, { readonly: true, verify: true });
  const outDir = path.resolve(cwd, config.replay.out);
  let results: ResultsStore | null = null;
  let metricGate: MetricGate | null = null;
  try {
    const session = await recordings.findSession(config.replay.session);
    if (!session) throw new ReplayguardError('RG_ERR_SESSION_NOT_FOUND', { session: config.replay.session, file: displayLocation(dbFile) });
    const total = await recordings.countExchanges(session.id);
    // The approvals behind the revision replayed (`replayguard approve`), named in every report.
    const approvals = (await recordings.listApprovals(session.baseName ?? session.name)).filter((a) => a.revision <= (session.revision ?? 1));
    if (total === 0) throw new ReplayguardError('RG_ERR_SESSION_EMPTY', { session: session.name, file: displayLocation(dbFile) });

    prepareOutDir(outDir);
    // The whole session, or one shard of it (`--shard i/n`) with the evidence `merge` needs.
    const part = await openReplayPart({ config, recordings, session, total, outDir });
    results = await openResultsStore(resultsLocation(outDir));
    const startedAt = Date.now();
    const run = await results.createRun({
      startedAt,
      target,
      baseline: config.replay.baseline ?? null,
      recordingsDb: displayLocation(dbFile),
      session: session.name,
      configFingerprint: options.configFingerprint ?? '',
      // Supplied secrets and header values (credentials, usually) are never stored, not even in the
      // copy of the configuration.
      config: { ...config, replay: { ...config.replay, headers: supplied(config.replay.headers), secrets: supplied(config.replay.secrets) } },
    });

    // Read before any request: a stub that is not there stops the run now, not after it.
    const stubs = await watchStubs(config.replay.stubs);
    const wanted = [...(options.reporters ?? ['console', 'json', 'junit', 'markdown', 'html']), ...(config.replay.metricsFile ? ['prometheus'] : [])];
    const named = createReporters(
      wanted.filter((r): r is string => typeof r === 'string'),
      { outDir, config, stdout: options.stdout ?? process.stdout, isTTY: options.isTTY ?? false, githubStepSummary: options.githubStepSummary ?? null },
    );
    const reporters = [...named, ...wanted.filter((r): r is Reporter => typeof r !== 'string')];
    const driver = createReporterDriver(reporters, run);
    await driver.start(part.total);

    let learnedNoise: LearnedNoise[] = [];
    let unreproduced: UnreproducedGroup[] = [];
    let noiseTests: NoiseTests | null = null;
    let latency: RouteLatency[] = [];
    let sent = 0;
    let provisional = 0;
    // Exchanges sent so far: while noise is learned they show as provisional first.
    metricGate = startMetricGate(config.replay.metrics, () => provisional || sent);
    const events = replayEngine({ config, exchanges: part.exchanges, total: part.total, runId: run.id, results, headers, secrets, redactionKey, warn, tls, evidence: part.evidence });
    // Recordings that turn out damaged part-way: what was replayed up to there is finished, stored and
    // reported like any run (exit 2, saying why), then the catalogue error goes up.
    let damaged: ReplayguardError | null = null;
    try {
      for await (const event of events) {
        if (event.type === 'result') {
          sent++;
          await driver.result(event.result);
        } else if (event.type === 'provisional') {
          provisional++;
          driver.progress(event.result);
        }
        else ({ learnedNoise, unreproduced, noiseTests, latency } = event);
      }
    } catch (e) {
      if (!isReplayguardError(e) || e.code !== 'RG_ERR_DB_CORRUPT') throw e;
      damaged = e;
    }

    await part.close();
    const endedAt = Date.now();
    const slow = latency.filter((l) => l.flagged).length;
    const counts = driver.counts();
    const stubRuns = await stubs.finish();
    const metricVerdicts = (await metricGate?.finish()) ?? null;
    const { exitCode, reason } = withMetricVerdicts(
      damaged ? { exitCode: damaged.exitCode, reason: `stopped after ${counts.total} exchanges: ${damaged.message}` } : withStubMisses(evaluateFailOn(config.replay.failOn, counts, slow), stubRuns),
      metricVerdicts ?? [],
    );
    const summary = driver.summarize({ ...run, endedAt }, { learnedNoise, unreproduced, noiseTests, latency, approvals, exitCode, exitReason: reason, durationMs: endedAt - startedAt, oracle: config.replay.oracle, stubs: stubRuns, ...(metricVerdicts ? { metrics: metricVerdicts } : {}) });
    await results.finishRun(summary);
    await driver.end(summary);
    if (damaged) throw damaged;
    return { exitCode, exitReason: reason, summary, outDir, resultsDb: results.location, reportPath: path.join(outDir, REPORT_FILES.html) };
  } finally {
    await metricGate?.finish();
    await results?.close();
    await recordings.close();
  }
}
