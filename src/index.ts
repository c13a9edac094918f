/**
 * replayguard's programmatic API. The CLI is a thin shell over these functions.
 *
 *   const rec = await startRecorder({ config: defaultConfig({ record: { upstream, port: 0 } }) });
 *   …traffic through rec.url…
 *   await rec.close();
 *   const outcome = await replay({ config: defaultConfig({ replay: { target } }) });
 *   process.exitCode = outcome.exitCode;
 */
export type * from './types/exchange.js';
export type * from './types/comparison.js';
export type * from './types/run.js';
export { ReplayguardError, isReplayguardError, catalogue as errorCatalogue, type ErrorCode } from './errors.js';

export { configSchema, type Config, type ConfigInput, type NoiseRule, type CompareConfig } from './config/schema.js';
export { resolveConfig, defaultConfig, type ResolvedConfig, type ResolveOptions, type ConfigOverrides } from './config/resolve-config.js';

export { startRecorder, type RecorderOptions, type RunningRecorder, type RecorderStats } from './record/recorder.js';
export { createRedactor } from './redact/redactor.js';
export { DEFAULT_REDACTED_HEADERS, DEFAULT_SECRET_KEYS } from './redact/secret-rules.js';
export { loadRedactionKey, redactionKeyFile, REDACTION_KEY_ENV } from './redact/redaction-key.js';

export type { RecordingStore, ResultsStore, NewRun, StoredRun, StoreOpenOptions } from './store/store.js';
export { openRecordingStore, openResultsStore, type StoreBackend } from './store/open-store.js';
export { storedForm } from './store/stored-result.js';
export { createRouteTemplater, type RouteTemplater } from './routes/route-template.js';

export { startStub, type StubOptions, type RunningStub } from './stub/stub-server.js';
export type { StubStatsSnapshot, StubMiss, StubFaultCount } from './stub/stub-stats.js';
export { compilePlan, loadFaultPlan, type CompiledPlan, type FaultDecision } from './faults/fault-plan.js';
export type { FaultPlan, FaultRuleConfig, StubConfig } from './config/schema.js';
export { replay, type ReplayOptions, type ReplayOutcome } from './run/replay.js';
export { mergeShards, type MergeOptions } from './run/merge.js';
export { createComparer, compare, type Comparer, type ComparableResponse, type CompareContext } from './compare/index.js';
export { NoiseLearner } from './noise/noise-learner.js';
export { learnedNoiseToConfig } from './noise/learned-config.js';

export { importHar, type ImportHarOptions, type ImportHarOutcome } from './har/import-har.js';
export { exportHar, type ExportHarOptions } from './har/export-har.js';

export { createReporters, type Reporter, type ReporterContext } from './report/reporter.js';
export { regenerateReport as report, type RegenerateOptions as ReportOptions } from './report/regenerate.js';

/** Open a recordings store from a `--db` value (a file path: SQLite). Read-only opens never modify it. */
export { openRecordingStore as openStore } from './store/open-store.js';
