import path from 'node:path';
import type { ConnectionOptions } from 'node:tls';
import { Counter, Gauge, type Registry } from 'prom-client';
import { createComparer } from '../compare/index.js';
import type { Config } from '../config/schema.js';
import { NoiseLearner } from '../noise/noise-learner.js';
import { createRedactor } from '../redact/redactor.js';
import { createTargetClient, type TargetClient } from '../replay/http-client.js';
import { createExchangeReplayer } from '../replay/replay-exchange.js';
import { createRequestBuilder } from '../replay/request-builder.js';
import { isMutating } from '../replay/scheduler.js';
import { createRouteTemplater } from '../routes/route-template.js';
import { evaluateFailOn } from '../run/fail-policy.js';
import { prepareOutDir } from '../run/out-dir.js';
import { createSummaryBuilder } from '../report/summary-builder.js';
import { openResultsStore, resultsLocation } from '../store/open-store.js';
import type { ResultsStore } from '../store/store.js';
import { storedForm } from '../store/stored-result.js';
import { verdictOf } from '../compare/classify-verdict.js';
import type { Comparison, Difference } from '../types/comparison.js';
import type { Capture, Exchange } from '../types/exchange.js';
import type { ReplayResult, RunInfo, RunSummary } from '../types/run.js';

/**
 * Live shadowing, Diffy's way: a sampled share of the requests the recorder has already answered is
 * sent again to a candidate (and a baseline running the code the upstream runs), and compared with
 * the live answer by the very replayer and comparer `replay` uses, rules and learned noise included.
 *
 * Never in the client's way: a request is offered only once its response is complete (the recorder's
 * capture hook), `offer` does no I/O and never throws, and the queue is bounded (past it a mirrored
 * request is dropped and counted). A candidate that is dead or slow costs shadow results, never
 * client latency.
 *
 * Results go to a results store (`<record.shadow.out>/results.db`) as one rolling run: appended as
 * they come, and every `record.shadow.summaryEvery` the learned noise is applied and the run's summary
 * rewritten, so `replayguard report --shadow` renders the current state, and the per-route gauges in
 * `/metrics` are set from the same summary.
 */

export interface ShadowMirrorOptions {
  config: Readonly<Config>;
  /** Key for the placeholders of what results store (as the recordings have). */
  redactionKey: Buffer;
  /** The recorder's registry: shadow metrics are served with the recorder's. */
  registry: Registry;
  /** The recording session (named in the run). */
  session: string;
  /** Where the recordings go (named in the run). */
  recordingsDb: string;
  /** Base for a relative `record.shadow.out`. @default process.cwd() */
  cwd?: string;
  /** TLS towards https shadow targets. @default undici's */
  tls?: ConnectionOptions | undefined;
  warn: (message: string) => void;
  /** Source of the sampling draws (seeded in tests). @default Math.random */
  random?: () => number;
}

export interface ShadowStats {
  mirrored: number;
  compared: number;
  dropped: number;
  queued: number;
  inFlight: number;
}

export interface ShadowMirror {
  /** The results folder (results.db, reports rendered by `report --shadow`). */
  readonly outDir: string;
  /** Hand over an answered exchange; it may be sampled, queued or dropped. Never blocks, never throws. */
  offer(capture: Capture): void;
  stats(): ShadowStats;
  /** Store what is pending, apply learned noise, rewrite the summary and the gauges; returns it. */
  summarize(): Promise<RunSummary>;
  /** Wait for what is queued and in flight, summarize a last time, close clients and store. */
  close(): Promise<void>;
}

const RESULT_BATCH = 200;
const COMPARE_BODY_CAP = 8 * 1024 * 1024;

/** What learned noise (and recording drift) filtered or marked, put back as the comparer first found it. */
export function unlearned(comparison: Comparison): Comparison {
  const learned = (d: Difference): boolean => d.filteredBy !== undefined && /^(learned noise|recording drift)/.test(d.filteredBy);
  if (!comparison.filtered.some(learned) && !comparison.differences.some((d) => d.unreproduced)) return comparison;
  const differences = [
    ...comparison.differences.map(({ unreproduced: _u, ...d }) => d),
    ...comparison.filtered.filter(learned).map(({ filteredBy: _f, ...d }) => d),
  ];
  const filtered = comparison.filtered.filter((d) => !learned(d));
  return { ...comparison, differences, filtered, verdict: verdictOf(differences, filtered) };
}

export async function startShadowMirror(options: ShadowMirrorOptions): Promise<ShadowMirror> {
  const { config, registry, warn } = options;
  const shadow = config.record.shadow;
  const target = shadow.target!;
  const random = options.random ?? Math.random;
  const methods = new Set(shadow.methods.map((m) => m.toUpperCase()));
  const mutating = [...methods].filter(isMutating);
  if (mutating.length) {
    warn(`shadowing mutating methods (${mutating.join(', ')}): the candidate${shadow.baseline ? ' and the baseline' : ''} will execute those requests a second time; point them at data that may be changed`);
  }

  const outDir = path.resolve(options.cwd ?? process.cwd(), shadow.out);
  prepareOutDir(outDir);
  const store: ResultsStore = await openResultsStore(resultsLocation(outDir));
  const startedAt = Date.now();
  const run: RunInfo = await store.createRun({
    startedAt,
    target,
    baseline: shadow.baseline ?? null,
    recordingsDb: options.recordingsDb,
    session: `shadow of ${options.session}`,
    configFingerprint: '',
    config,
  });

  const clientOptions = { connections: shadow.concurrency, timeoutMs: shadow.timeout, maxBodyBytes: COMPARE_BODY_CAP, tls: options.tls };
  const candidate = createTargetClient(new URL(target).origin, clientOptions);
  const baseline: TargetClient | null = shadow.baseline ? createTargetClient(new URL(shadow.baseline).origin, clientOptions) : null;
  const learning = config.noise.learn && baseline !== null;
  const comparer = createComparer(learning && config.noise.headers ? { ...config.compare, headers: [...config.compare.headers, '*'] } : config.compare);
  const redactor = createRedactor({ config: config.redact, key: options.redactionKey, maxDecodedBytes: config.compare.maxDecodedBytes });
  const templater = createRouteTemplater(config.routes.templates);
  const build = createRequestBuilder({ headers: {} });
  // The request is sent as the client sent it (credentials included); what is stored is redacted.
  const unredacted = new Map<number, Exchange>();
  const replayer = createExchangeReplayer({
    candidate,
    baseline,
    repeat: 1,
    comparer,
    buildRequest: (e) => build(unredacted.get(e.id) ?? e),
    storeCap: config.replay.maxBodyBytes,
    // Live traffic is not a scripted flow: ids the candidate creates are not carried anywhere.
    stateful: false,
    redactor,
    secrets: new Map(),
  });
  // Diffy-style counts accumulated for the life of the run; the model is re-derived at each summary.
  const learner = learning ? new NoiseLearner(config.noise, 'baseline') : null;

  const mirrored = new Counter({ name: 'replayguard_shadow_mirrored_total', help: 'Live requests sampled for shadowing and queued', registers: [registry] });
  const dropped = new Counter({ name: 'replayguard_shadow_dropped_total', help: 'Sampled requests dropped because the shadow queue was full (clients unaffected)', registers: [registry] });
  const compared = new Counter({ name: 'replayguard_shadow_compared_total', help: 'Shadowed requests sent and compared', registers: [registry] });
  const exchanges = new Gauge({
    name: 'replayguard_shadow_exchanges',
    help: 'Shadowed exchanges of the rolling run by route and verdict, learned noise applied (as of the last summary)',
    labelNames: ['method', 'route', 'verdict'] as const,
    registers: [registry],
  });
  const regressionRatio = new Gauge({
    name: 'replayguard_shadow_regression_ratio',
    help: 'Share of the shadowed exchanges of a route that are regressions (as of the last summary); gate a canary on it',
    labelNames: ['method', 'route'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'replayguard_shadow_queue_length',
    help: 'Sampled requests waiting to be shadowed or in flight',
    registers: [registry],
    collect() {
      this.set(queue.length + inFlight);
    },
  });

  const queue: Capture[] = [];
  let inFlight = 0;
  let seq = 0;
  const counts = { mirrored: 0, compared: 0, dropped: 0 };
  let pending: ReplayResult[] = [];
  let closed = false;
  let idle: Array<() => void> = [];
  let writing: Promise<void> = Promise.resolve();

  const flushPending = (): Promise<void> => {
    const batch = pending;
    pending = [];
    // One writer at a time, in order; a failing store costs shadow results, never the proxy.
    writing = writing.then(() => (batch.length ? store.append(batch) : undefined)).catch((e: unknown) => warn(`shadow results could not be stored: ${(e as Error).message}`));
    return writing;
  };

  async function shadowOne(capture: Capture): Promise<void> {
    const id = ++seq;
    const raw: Exchange = { ...capture, id, sessionId: 0, seq: id, route: templater.templateOf(capture.request.url) };
    unredacted.set(id, raw);
    try {
      const { result, noise } = await replayer.run(redactor.redact(raw), run.id);
      if (learner && result.comparison) learner.observe(result.method, result.route, result.comparison.differences, noise ?? []);
      counts.compared++;
      compared.inc();
      pending.push(result);
      if (pending.length >= RESULT_BATCH) void flushPending();
    } finally {
      unredacted.delete(id);
    }
  }

  function pump(): void {
    while (inFlight < shadow.concurrency && queue.length > 0) {
      const capture = queue.shift()!;
      inFlight++;
      shadowOne(capture)
        .catch((e: unknown) => warn(`internal error while shadowing ${capture.request.method} ${capture.request.url}: ${(e as Error).message}`))
        .finally(() => {
          inFlight--;
          pump();
          if (inFlight === 0 && queue.length === 0) {
            const waiters = idle;
            idle = [];
            for (const w of waiters) w();
          }
        });
    }
  }

  async function summarize(): Promise<RunSummary> {
    await flushPending();
    const model = learner?.finish() ?? null;
    const builder = createSummaryBuilder();
    let changed: ReplayResult[] = [];
    for await (const stored of store.results(run.id)) {
      let result = stored;
      if (model && stored.comparison) {
        // Each summary judges with the model learned so far, from the comparison as first made: the
        // model grows with the run, and one learned earlier may have filtered what this one keeps.
        const comparison = model.apply(stored, unlearned(stored.comparison));
        if (comparison.verdict !== stored.verdict || comparison.differences.length !== stored.comparison.differences.length) {
          result = { ...stored, comparison, verdict: comparison.verdict };
          changed.push(result);
        }
      }
      builder.add(storedForm(result));
    }
    if (changed.length) await store.reclassify(changed);
    changed = [];
    const c = builder.counts();
    const { exitCode, reason } = evaluateFailOn(config.replay.failOn, c, 0);
    const endedAt = Date.now();
    const summary = builder.build(
      { ...run, endedAt, counts: c },
      {
        learnedNoise: model?.learned() ?? [],
        unreproduced: model?.unreproduced() ?? [],
        noiseTests: model?.tests() ?? null,
        latency: [],
        exitCode,
        exitReason: `live shadow, rolling: ${reason}`,
        durationMs: endedAt - startedAt,
      },
    );
    await store.finishRun(summary);
    exchanges.reset();
    regressionRatio.reset();
    for (const r of summary.routes) {
      for (const verdict of ['pass', 'noise', 'regression', 'unreproduced', 'error', 'skipped'] as const) {
        if (r[verdict] > 0) exchanges.set({ method: r.method, route: r.route, verdict }, r[verdict]);
      }
      regressionRatio.set({ method: r.method, route: r.route }, r.total ? r.regression / r.total : 0);
    }
    return summary;
  }

  let summarizing: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    summarizing = summarizing.then(summarize).catch((e: unknown) => warn(`shadow summary failed: ${(e as Error).message}`));
  }, shadow.summaryEvery);
  timer.unref();

  let closing: Promise<void> | null = null;
  return {
    outDir,
    offer(capture) {
      if (closed || !methods.has(capture.request.method) || random() >= shadow.sample) return;
      if (queue.length + inFlight >= shadow.maxQueue) {
        counts.dropped++;
        dropped.inc();
        return;
      }
      counts.mirrored++;
      mirrored.inc();
      queue.push(capture);
      pump();
    },
    stats: () => ({ ...counts, queued: queue.length, inFlight }),
    summarize: () => (summarizing = summarizing.then(summarize)) as Promise<RunSummary>,
    close() {
      closing ??= (async () => {
        closed = true;
        clearInterval(timer);
        // What is still queued is dropped (a long queue to a slow candidate must not hold the
        // shutdown); what is in flight finishes, each within record.shadow.timeout.
        counts.dropped += queue.length;
        dropped.inc(queue.length);
        queue.length = 0;
        if (inFlight > 0) await new Promise<void>((resolve) => idle.push(resolve));
        await summarizing.catch(() => {});
        await summarize().catch((e: unknown) => warn(`shadow summary failed: ${(e as Error).message}`));
        await Promise.all([candidate.close(), baseline?.close()].map((p) => p?.catch(() => {})));
        await store.close();
      })();
      return closing;
    },
  };
}
