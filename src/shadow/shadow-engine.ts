import { createComparer } from '../compare/index.js';
import { verdictOf } from '../compare/classify-verdict.js';
import { NoiseLearner } from '../noise/noise-learner.js';
import { createRedactor } from '../redact/redactor.js';
import { createTargetClient, type TargetClient } from '../replay/http-client.js';
import { createExchangeReplayer } from '../replay/replay-exchange.js';
import { createRequestBuilder } from '../replay/request-builder.js';
import { createSummaryBuilder } from '../report/summary-builder.js';
import { createRouteTemplater } from '../routes/route-template.js';
import { evaluateFailOn } from '../run/fail-policy.js';
import { prepareOutDir } from '../run/out-dir.js';
import { openResultsStore, resultsLocation } from '../store/open-store.js';
import type { ResultsStore } from '../store/store.js';
import { storedForm } from '../store/stored-result.js';
import type { Comparison, Difference } from '../types/comparison.js';
import type { Capture, Exchange } from '../types/exchange.js';
import type { ReplayResult, RunInfo, RunSummary } from '../types/run.js';
import type { ShadowInit } from './shadow-protocol.js';

/**
 * The comparing half of the live shadow, run on its own thread (shadow-worker.ts) so that none of it
 * (requests to the candidate and baseline, comparison, noise learning, results writes) shares the
 * proxy's event loop. Each exchange is sent again by the very replayer and comparer `replay` uses,
 * rules and learned noise included.
 *
 * Results go to a results store (`<record.shadow.out>/results.db`) as one rolling run: appended as
 * they come, and every `record.shadow.summaryEvery` the learned noise is applied and the run's summary
 * rewritten, so `replayguard report --shadow` renders the current state; the recorder sets its
 * per-route gauges from that summary.
 */

export interface ShadowEngineHooks {
  /** One exchange done: `compared` false when it failed inside the engine (a bug, warned). */
  finished(compared: boolean): void;
  warn(message: string): void;
}

export interface ShadowEngine {
  /** Queue an exchange; past `concurrency` it waits (the recorder bounds how many are outstanding). */
  add(capture: Capture): void;
  summarize(): Promise<RunSummary>;
  /** Drop what waits (saying how many), finish what is in flight, summarize a last time, close. */
  close(): Promise<{ dropped: number; summary: RunSummary | null }>;
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

export async function startShadowEngine(init: ShadowInit, hooks: ShadowEngineHooks): Promise<ShadowEngine> {
  const { config, outDir } = init;
  const { warn } = hooks;
  const shadow = config.record.shadow;
  const target = shadow.target!;

  prepareOutDir(outDir);
  const store: ResultsStore = await openResultsStore(resultsLocation(outDir));
  const startedAt = Date.now();
  const run: RunInfo = await store.createRun({
    startedAt,
    target,
    baseline: shadow.baseline ?? null,
    recordingsDb: init.recordingsDb,
    session: `shadow of ${init.session}`,
    configFingerprint: '',
    config,
  });

  const clientOptions = { connections: shadow.concurrency, timeoutMs: shadow.timeout, maxBodyBytes: COMPARE_BODY_CAP, tls: init.tls };
  const candidate = createTargetClient(new URL(target).origin, clientOptions);
  const baseline: TargetClient | null = shadow.baseline ? createTargetClient(new URL(shadow.baseline).origin, clientOptions) : null;
  const learning = config.noise.learn && baseline !== null;
  const comparer = createComparer(learning && config.noise.headers ? { ...config.compare, headers: [...config.compare.headers, '*'] } : config.compare);
  const redactor = createRedactor({ config: config.redact, key: Buffer.from(init.redactionKey), maxDecodedBytes: config.compare.maxDecodedBytes });
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

  const queue: Capture[] = [];
  let inFlight = 0;
  let seq = 0;
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
        .then(
          () => hooks.finished(true),
          (e: unknown) => {
            warn(`internal error while shadowing ${capture.request.method} ${capture.request.url}: ${(e as Error).message}`);
            hooks.finished(false);
          },
        )
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
    const changed: ReplayResult[] = [];
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
    return summary;
  }

  // Summaries run one at a time, whoever asks (the timer, the recorder, the close).
  let summarizing: Promise<unknown> = Promise.resolve();
  const serialized = (): Promise<RunSummary> => {
    const next = summarizing.then(summarize);
    summarizing = next.catch(() => {});
    return next;
  };

  let closing: Promise<{ dropped: number; summary: RunSummary | null }> | null = null;
  return {
    add(capture) {
      if (closed) return;
      queue.push(capture);
      pump();
    },
    summarize: serialized,
    close() {
      closing ??= (async () => {
        closed = true;
        // What is still queued is dropped (a long queue to a slow candidate must not hold the
        // shutdown); what is in flight finishes, each within record.shadow.timeout.
        const dropped = queue.length;
        queue.length = 0;
        if (inFlight > 0) await new Promise<void>((resolve) => idle.push(resolve));
        const summary = await serialized().catch((e: unknown) => {
          warn(`shadow summary failed: ${(e as Error).message}`);
          return null;
        });
        await Promise.all([candidate.close(), baseline?.close()].map((p) => p?.catch(() => {})));
        await store.close();
        return { dropped, summary };
      })();
      return closing;
    },
  };
}
