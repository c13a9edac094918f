import type { ConnectionOptions } from 'node:tls';
import { createComparer } from '../compare/index.js';
import type { Config } from '../config/schema.js';
import { NoiseLearner } from '../noise/noise-learner.js';
import type { ResultsStore } from '../store/store.js';
import type { Exchange } from '../types/exchange.js';
import type { RouteLatency } from '../types/run.js';
import { createTargetClient, type TargetClient } from './http-client.js';
import { LatencyTracker, trackLatency } from './latency.js';
import { createRedactor } from '../redact/redactor.js';
import { createMissingSecretsTally } from './missing-secrets.js';
import { createRequestBuilder } from './request-builder.js';
import { finalResults, learnNoise, persistResults, type Learned, type ResultEvent, type RunEvidence } from './result-stages.js';
import { replayExchanges } from './replay-stage.js';

/**
 * What the engine yields, in order: results (each final, stored, in the stored form every reporter
 * sees), `provisional` results while noise is being learned (their verdicts come later, as
 * `result`s), and one `end` with what the run learned.
 */
export type ReplayEvent = ResultEvent | ({ type: 'end'; latency: RouteLatency[] } & Learned);

export interface ReplayEngineOptions {
  config: Readonly<Config>;
  /** The exchanges to replay, in recorded order (a session streamed from a RecordingStore). */
  exchanges: AsyncIterable<Exchange>;
  /** How many `exchanges` holds (for the unreachable-target check). */
  total: number;
  /** The run the results belong to, already created in `results`. */
  runId: number;
  /** Where results are kept; learned noise reads them back from here. */
  results: ResultsStore;
  /** Header overrides, env already expanded (see resolveHeaderOverrides). */
  headers: Readonly<Record<string, string>>;
  /** Secrets supplied with --secret, env expanded, by normalized key name (see normalizeKey). */
  secrets: ReadonlyMap<string, string>;
  /** Key for the placeholders of what results store (see redaction-key.ts). */
  redactionKey: Buffer;
  /** Told once per distinct warning. */
  warn: (message: string) => void;
  /** TLS towards https targets (see clientTlsOptions). @default undici's */
  tls?: ConnectionOptions | undefined;
  /** Told the raw evidence (noise observations, latency samples) as it is gathered: shards keep it for `merge`. */
  evidence?: RunEvidence;
}

/**
 * How many results are buffered before one write transaction. Small enough that a batch dies young
 * (500 outlived the young generation: a fifth more bytes promoted to the old one, which grew RSS over
 * a run); a WAL commit without fsync costs little more per 100 rows than per 500.
 */
const RESULT_BATCH = 100;
/** Candidate bodies are read up to this many bytes for comparison (results store them capped lower). */
const COMPARE_BODY_CAP = 8 * 1024 * 1024;

/**
 * The replay engine: a pipeline of stages over a stream of exchanges —
 * replay and compare (replay-stage.ts) → latency (latency.ts) → noise learning or straight
 * persistence (noise-stage.ts) — yielding events. It knows nothing of reporters, exit codes or files:
 * the façade (src/run/replay.ts) wires those. Stages are async iterables, so a new one (a shard
 * filter on the exchanges, another oracle) slots in without touching the others.
 */
export async function* replayEngine(options: ReplayEngineOptions): AsyncGenerator<ReplayEvent> {
  const { config, results, runId, warn } = options;
  const target = config.replay.target!;
  const baselineUrl = config.replay.baseline ?? null;
  const clientOptions = { connections: config.replay.concurrency, timeoutMs: config.replay.timeout, maxBodyBytes: COMPARE_BODY_CAP, tls: options.tls };
  const clients: TargetClient[] = [];
  try {
    const candidate = createTargetClient(new URL(target).origin, clientOptions);
    clients.push(candidate);
    const baseline = baselineUrl ? createTargetClient(new URL(baselineUrl).origin, clientOptions) : null;
    if (baseline) clients.push(baseline);

    const oracle = config.replay.oracle;
    // Judged against the baseline, the baseline cannot also teach what is noise: only repeats can.
    const learning = config.noise.learn && ((baseline !== null && oracle === 'recording') || config.replay.repeat > 1);
    // While learning from a baseline, every header is compared: the baseline tells which ones vary.
    // Not from repeats: two back-to-back sends share the clock second (`date`) and the deployment
    // (`etag`, `server`), so such headers would differ from the recording and never between the
    // repeats, and an identical build would fail on headers nobody asked to compare.
    const comparer = createComparer(learning && baseline && oracle === 'recording' && config.noise.headers ? { ...config.compare, headers: [...config.compare.headers, '*'] } : config.compare);
    const buildRequest = createRequestBuilder({ headers: options.headers });
    const redactor = createRedactor({ config: config.redact, key: options.redactionKey, maxDecodedBytes: config.compare.maxDecodedBytes });
    // Header overrides are credentials more often than not: none of their values is stored in clear.
    for (const value of Object.values(options.headers)) redactor.remember(value);

    const missingSecrets = createMissingSecretsTally();
    const replayed = replayExchanges(options.exchanges, {
      target,
      candidate,
      baseline,
      comparer,
      buildRequest,
      runId,
      concurrency: config.replay.concurrency,
      rate: config.replay.rate,
      repeat: config.replay.repeat,
      storeCap: config.replay.maxBodyBytes,
      regressionCap: config.record.maxBodyBytes,
      stateful: config.replay.stateful,
      identities: config.replay.identities,
      oracle,
      redactor,
      secrets: options.secrets,
      onMissingSecrets: (names, exchange) => {
        missingSecrets.add(names, exchange);
        warn(
          `${names.map((n) => `"${n}"`).join(', ')} ${names.length === 1 ? 'was' : 'were'} redacted at record time and ${names.length === 1 ? 'is' : 'are'} needed to replay some exchanges, but no earlier response supplied ${names.length === 1 ? 'it' : 'them'}: pass ${names.filter((n) => n !== 'path' && n !== 'body').map((n) => `--secret '${n}=…'`).join(' ') || '--secret NAME=VALUE'} (or --header for a credential header); those exchanges are not sent and count as unreproduced`,
        );
      },
      total: options.total,
      unreachableAfter: config.replay.unreachableAfter,
      warn,
    });
    const latency = new LatencyTracker(config.latency);
    const evidence = options.evidence;
    const persisted = persistResults(trackLatency(replayed, latency, evidence && ((m, r, sample) => evidence.latency(m, r, sample))), results, RESULT_BATCH);
    let learned: Learned = { learnedNoise: [], unreproduced: [], noiseTests: null };
    if (learning) {
      const learner = new NoiseLearner(config.noise, baseline && oracle === 'recording' ? 'baseline' : 'repeat');
      learned = yield* learnNoise(persisted, { learner, store: results, runId, batch: RESULT_BATCH, evidence });
    } else {
      yield* finalResults(persisted);
    }
    // What could not even be sent comes first: nothing else about those exchanges can be judged.
    yield { type: 'end', ...learned, unreproduced: [...missingSecrets.groups(), ...learned.unreproduced], latency: latency.summarize() };
  } finally {
    await Promise.all(clients.map((c) => c.close().catch(() => {})));
  }
}
