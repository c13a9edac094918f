import path from 'node:path';
import type { ConnectionOptions } from 'node:tls';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Config } from '../config/schema.js';
import { ReplayguardError } from '../errors.js';
import { bodyBytesOf } from '../record/capture-batch.js';
import { isMutating } from '../replay/scheduler.js';
import type { Capture } from '../types/exchange.js';
import type { RunSummary } from '../types/run.js';
import type { FromShadow, ShadowInit } from './shadow-protocol.js';
import { startShadowProcess } from './shadow-process.js';

/**
 * Live shadowing, Diffy's way: a sampled share of the requests the recorder has already answered is
 * sent again to a candidate (and a baseline running the code the upstream runs), and compared with
 * the live answer (shadow-engine.ts, in a process of its own at a low CPU priority: shadow-child.ts).
 *
 * Never in the client's way: a request is offered only once its response is complete (the recorder's
 * capture hook), and `offer` does no I/O and never throws; the proxy's thread only samples, counts
 * and hands batches over. How many sampled requests are outstanding (here, queued in the shadow
 * process or in flight) is bounded: past it a request is dropped and counted. A candidate that is dead
 * or slow, or a shadow process that died, costs shadow results, never client latency or errors.
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
  /** Sampled and not finished: waiting here, queued in the shadow process, or in flight. */
  pending: number;
}

export interface ShadowMirror {
  /** The results folder (results.db, reports rendered by `report --shadow`). */
  readonly outDir: string;
  /** The shadow process's id (for ps and top; it runs at `record.shadow.nice`). */
  readonly pid: number;
  /** Hand over an answered exchange; it may be sampled, queued or dropped. Never blocks, never throws. */
  offer(capture: Capture): void;
  stats(): ShadowStats;
  /** Store what is pending, apply learned noise, rewrite the summary and the gauges; returns it. */
  summarize(): Promise<RunSummary>;
  /** Hand over what waits, let the process finish what is in flight and summarize a last time; resolves once it has exited. */
  close(): Promise<void>;
}

/** Sampled exchanges are handed to the shadow process at least this often… */
const FLUSH_MS = 50;
/** …or once this many are waiting, or this many body bytes (one frame, one writev). */
const BATCH_ITEMS = 256;
const BATCH_BYTES = 1024 * 1024;
/** How long the shadow process may take to exit once closed (or gone) before it is killed. */
const EXIT_GRACE_MS = 10_000;

export async function startShadowMirror(options: ShadowMirrorOptions): Promise<ShadowMirror> {
  const { config, registry, warn } = options;
  const shadow = config.record.shadow;
  const random = options.random ?? Math.random;
  const methods = new Set(shadow.methods.map((m) => m.toUpperCase()));
  const mutating = [...methods].filter(isMutating);
  if (mutating.length) {
    warn(`shadowing mutating methods (${mutating.join(', ')}): the candidate${shadow.baseline ? ' and the baseline' : ''} will execute those requests a second time; point them at data that may be changed`);
  }
  const outDir = path.resolve(options.cwd ?? process.cwd(), shadow.out);

  const init: ShadowInit = {
    config: config as Config,
    redactionKey: new Uint8Array(options.redactionKey),
    session: options.session,
    recordingsDb: options.recordingsDb,
    outDir,
    tls: options.tls,
  };
  const child = await startShadowProcess(init, warn);

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
      this.set(pending);
    },
  });

  const counts = { mirrored: 0, compared: 0, dropped: 0 };
  /** Sampled and not yet reported finished by the shadow process. */
  let pending = 0;
  let batch: Capture[] = [];
  let batchBytes = 0;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  /** The process ended (crashed, killed, or closed): what is offered from now on is dropped and counted. */
  let dead = false;
  /** Why it ended, for a summary asked for afterwards. */
  let endedBecause = '';
  const asked = new Map<number, { resolve: (s: RunSummary) => void; reject: (e: Error) => void }>();
  let nextAsk = 1;
  let onClosed: (() => void) | null = null;

  const drop = (n: number): void => {
    counts.dropped += n;
    dropped.inc(n);
  };

  function setGauges(summary: RunSummary): void {
    exchanges.reset();
    regressionRatio.reset();
    for (const r of summary.routes) {
      for (const verdict of ['pass', 'noise', 'regression', 'unreproduced', 'error', 'skipped'] as const) {
        if (r[verdict] > 0) exchanges.set({ method: r.method, route: r.route, verdict }, r[verdict]);
      }
      regressionRatio.set({ method: r.method, route: r.route }, r.total ? r.regression / r.total : 0);
    }
  }

  function flush(): void {
    if (timer) clearTimeout(timer);
    timer = null;
    if (batch.length === 0) return;
    const items = batch;
    batch = [];
    batchBytes = 0;
    if (dead) return;
    child.send({ type: 'batch', captures: items });
  }

  function processGone(why: string): void {
    if (dead) return;
    dead = true;
    endedBecause = why;
    if (!closed) warn(`the live shadow process stopped (${why}); sampled requests are dropped and counted from now on, clients are not affected`);
    // Whatever it held will never be reported: it counts as dropped, and the bound is free again.
    drop(pending);
    pending = 0;
    batch = [];
    for (const { reject } of asked.values()) reject(new ReplayguardError('RG_ERR_SHADOW_STOPPED', { reason: `its process stopped (${why})` }));
    asked.clear();
    onClosed?.();
  }

  child.onMessage((m: FromShadow) => {
    if (m.type === 'progress') {
      pending -= m.finished + m.dropped;
      counts.compared += m.compared;
      compared.inc(m.compared);
      drop(m.dropped);
    } else if (m.type === 'summary') {
      if (m.summary) setGauges(m.summary);
      else if (m.id === 0) warn(`shadow summary failed: ${m.error}`);
      const ask = asked.get(m.id);
      asked.delete(m.id);
      if (ask) {
        if (m.summary) ask.resolve(m.summary);
        else ask.reject(new ReplayguardError('RG_ERR_SHADOW_STOPPED', { reason: `the summary failed (${m.error})` }));
      }
    } else if (m.type === 'warning') {
      warn(m.message);
    } else if (m.type === 'closed') {
      onClosed?.();
    }
  });
  child.onGone(processGone);

  let closing: Promise<void> | null = null;
  return {
    outDir,
    pid: child.pid,
    offer(capture) {
      if (closed || !methods.has(capture.request.method) || random() >= shadow.sample) return;
      if (dead || pending >= shadow.maxQueue) return drop(1);
      counts.mirrored++;
      mirrored.inc();
      pending++;
      batch.push(capture);
      batchBytes += bodyBytesOf(capture);
      if (batch.length >= BATCH_ITEMS || batchBytes >= BATCH_BYTES) flush();
      else timer ??= setTimeout(flush, FLUSH_MS);
    },
    stats: () => ({ ...counts, pending }),
    summarize() {
      flush();
      if (dead) return Promise.reject(new ReplayguardError('RG_ERR_SHADOW_STOPPED', { reason: `its process stopped (${endedBecause})` }));
      const id = nextAsk++;
      return new Promise<RunSummary>((resolve, reject) => {
        asked.set(id, { resolve, reject });
        child.send({ type: 'summarize', id });
      });
    },
    close() {
      closing ??= (async () => {
        // What was offered before the close is handed over; the process drops what it cannot start.
        flush();
        closed = true;
        if (!dead) {
          await new Promise<void>((resolve) => {
            onClosed = resolve;
            child.send({ type: 'close' });
          });
        }
        // It exits once it has said `closed`; one that does not is killed, never left behind.
        await child.exit(EXIT_GRACE_MS);
      })();
      return closing;
    },
  };
}
