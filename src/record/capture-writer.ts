import type { Worker } from 'node:worker_threads';
import { reasonOf, ReplayguardError } from '../errors.js';
import type { Capture, SessionInfo } from '../types.js';
import { bodyBytesOf, packBatch } from './capture-batch.js';
import type { FromWriter, ToWriter, WriterInit } from './writer-protocol.js';
import type { LatencySeries, UpstreamObservation } from './upstream-latency.js';
import { displayLocation } from '../store/open-store.js';
import { deserializeError, spawnThread } from '../worker-thread.js';

export interface CaptureWriterOptions extends WriterInit {
  /** Bytes of captures waiting (queued here or being written) beyond which new ones are dropped. */
  maxQueueBytes: number;
  flushMs: number;
  batchSize: number;
  /** Told once per distinct storage problem, never per request. */
  onWarning?: (message: string) => void;
  /** Each batch acknowledged: seconds since it was sent to the writer thread (metrics). */
  onBatch?: (seconds: number) => void;
}

export interface CaptureWriterStats {
  queued: number;
  written: number;
  dropped: number;
  pendingBytes: number;
}

/** Per-capture bookkeeping overhead (headers, URL, object) added to body bytes when bounding memory. */
const OVERHEAD_BYTES = 512;
/**
 * A batch is sent once it holds this many bytes, whatever its count: packing copies every body once on
 * the event loop, and 256 × 64 KB in one go would stall it for milliseconds.
 */
const MAX_BATCH_BYTES = 1024 * 1024;
/** Batch buffers up to this size (a full batch plus one more body of up to 1 MiB) go back to the pool for reuse. */
const POOLED_BUFFER_BYTES = 2 * MAX_BATCH_BYTES;
const POOL_SIZE = 4;
/** The smallest batch buffer made: a batch of small captures does not get a buffer of its own size each time. */
const MIN_BUFFER_BYTES = 64 * 1024;

/**
 * A batch buffer of the size the batch needs (not the 2 MiB of a full one: at a few hundred requests a
 * second every batch is small, and the pool runs dry whenever the writer is behind), and not
 * zero-filled, since packing writes every byte that is read.
 */
function newBatchBuffer(size: number): ArrayBuffer {
  const b = Buffer.allocUnsafeSlow(Math.max(size, MIN_BUFFER_BYTES));
  return b.buffer as ArrayBuffer;
}

/**
 * The recorder's side of storage: a bounded in-memory queue flushed to the writer thread in batches.
 * `enqueue` never blocks and never throws: past the bound a capture is dropped and counted, so a slow
 * disk costs recordings, never client traffic.
 */
export class CaptureWriter {
  private readonly worker: Worker;
  private queue: Capture[] = [];
  /** Per queued capture: seconds to the upstream's answer, for the latency histogram (null: none). */
  private latencies: Array<number | null> = [];
  /** Forwarded requests without a queued capture, for the latency histogram. */
  private observed: UpstreamObservation[] = [];
  /** Scrapes waiting for the writer's latency histogram, answered in order. */
  private latencyWaiters: Array<(series: LatencySeries[]) => void> = [];
  private lastLatency: LatencySeries[] = [];
  private queueBytes = 0;
  private pendingBytes = 0;
  private droppedSinceFlush = 0;
  private totals = { written: 0, dropped: 0 };
  private timer: NodeJS.Timeout | null = null;
  private inFlight = 0;
  /** Captures inside the batches sent and not yet acknowledged. */
  private inFlightItems = 0;
  private idleWaiters: Array<() => void> = [];
  /** When each unacknowledged batch was sent; the thread acknowledges them in order. */
  private readonly sentAt: number[] = [];
  private closed = false;
  /** The writer thread has exited (crashed, or closed): nothing more can be written. */
  private dead = false;
  private warned = new Set<string>();
  private readyPromise: Promise<SessionInfo>;
  private closedPromise: Promise<void> | null = null;
  private readonly pool: ArrayBuffer[] = [];
  private readonly take = (size: number): ArrayBuffer =>
    this.pool.length > 0 && this.pool[this.pool.length - 1]!.byteLength >= size ? this.pool.pop()! : newBatchBuffer(size);

  constructor(private readonly options: CaptureWriterOptions) {
    this.worker = spawnThread(import.meta.url, 'writer-worker', {
      location: options.location,
      session: options.session,
      redact: options.redact,
      redactionKey: options.redactionKey,
      routeTemplates: options.routeTemplates,
      maxDecodedBytes: options.maxDecodedBytes,
    } satisfies WriterInit);
    this.readyPromise = new Promise((resolve, reject) => {
      const onMessage = (m: FromWriter): void => {
        if (m.type === 'ready') resolve(m.session);
        else if (m.type === 'fatal') {
          reject(deserializeError(m.error, (reason) => new ReplayguardError('RG_ERR_WRITER_START', { file: displayLocation(options.location), reason })));
        }
      };
      this.worker.on('message', onMessage);
      this.worker.once('error', (e) => reject(new ReplayguardError('RG_ERR_WRITER_START', { file: displayLocation(options.location), reason: reasonOf(e) }, { cause: e })));
      this.worker.once('exit', (code) => reject(new ReplayguardError('RG_ERR_WRITER_START', { file: displayLocation(options.location), reason: `the thread exited with code ${code}` })));
    });
    this.worker.on('message', (m: FromWriter) => this.onMessage(m));
    // The proxy must outlive a crashed writer: later captures are dropped and counted, and nobody
    // waits for acknowledgements that will never come.
    this.worker.on('error', (e) => this.warn(`recording writer failed: ${e.message}; captures are being dropped`));
    this.worker.once('exit', () => {
      this.dead = true;
      this.totals.dropped += this.queue.length + this.inFlightItems;
      this.inFlightItems = 0;
      this.queue = [];
      this.latencies = [];
      this.observed = [];
      this.answerLatency(this.lastLatency);
      this.inFlight = 0;
      this.wakeIdle();
    });
  }

  /** Resolves with the session once the database is open and migrated. */
  ready(): Promise<SessionInfo> {
    return this.readyPromise;
  }

  /**
   * @param upstreamSeconds seconds from the request's arrival to the upstream's answer (or transport
   * failure), counted in the latency histogram whether or not the capture is stored; null: not forwarded
   */
  enqueue(exchange: Capture, upstreamSeconds: number | null = null): boolean {
    const bytes = bodyBytesOf(exchange) + OVERHEAD_BYTES;
    if (this.closed || this.dead || this.pendingBytes + bytes > this.options.maxQueueBytes) {
      this.droppedSinceFlush++;
      this.totals.dropped++;
      if (upstreamSeconds !== null) this.observe([exchange.request.method, exchange.request.url, exchange.response?.status ?? null, upstreamSeconds]);
      if (!this.closed && !this.dead) this.warn('recording storage is falling behind: captures are being dropped (counted in `replayguard ls`)');
      return false;
    }
    this.queue.push(exchange);
    this.latencies.push(upstreamSeconds);
    this.queueBytes += bytes;
    this.pendingBytes += bytes;
    if (this.queue.length >= this.options.batchSize || this.queueBytes >= MAX_BATCH_BYTES) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.options.flushMs);
    return true;
  }

  /** A forwarded request that is not captured, for the latency histogram; sent with the next batch. */
  observe(observation: UpstreamObservation): void {
    if (this.dead) return;
    this.observed.push(observation);
    if (this.observed.length >= this.options.batchSize) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.options.flushMs);
  }

  /** The writer thread's upstream latency histogram, including everything handed over before this call. */
  upstreamLatency(): Promise<LatencySeries[]> {
    if (this.dead || this.closed) return Promise.resolve(this.lastLatency);
    this.flush();
    return new Promise((resolve) => {
      this.latencyWaiters.push(resolve);
      this.worker.postMessage({ type: 'latency' } satisfies ToWriter);
    });
  }

  /** Send whatever is queued to the writer now. */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.queue.length === 0 && this.droppedSinceFlush === 0 && this.observed.length === 0) return;
    if (this.dead) {
      this.totals.dropped += this.queue.length;
      this.queue = [];
      this.latencies = [];
      this.observed = [];
      this.queueBytes = 0;
      return;
    }
    const batch = packBatch(this.queue, this.droppedSinceFlush, this.queueBytes, this.take, this.latencies, this.observed);
    this.queue = [];
    this.latencies = [];
    this.observed = [];
    this.queueBytes = 0;
    this.droppedSinceFlush = 0;
    this.inFlight++;
    this.inFlightItems += batch.items.length;
    const msg: ToWriter = { type: 'batch', batch };
    if (this.options.onBatch) this.sentAt.push(performance.now());
    this.worker.postMessage(msg, [batch.bodies]);
  }

  stats(): CaptureWriterStats {
    return { queued: this.queue.length, written: this.totals.written, dropped: this.totals.dropped, pendingBytes: this.pendingBytes };
  }

  /** Resolves when every capture handed over so far is written (or counted as failed). */
  async drain(): Promise<void> {
    this.flush();
    if (this.inFlight === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Flush everything, end the session, close the database, stop the thread. A store that is
   * unreachable is retried until `flushBy` (epoch ms); what is not stored by then counts as dropped.
   */
  close(endedAt = Date.now(), flushBy = Number.POSITIVE_INFINITY): Promise<void> {
    this.closedPromise ??= (async () => {
      if (!this.dead && Number.isFinite(flushBy)) this.worker.postMessage({ type: 'stopBy', at: flushBy } satisfies ToWriter);
      await this.drain();
      this.closed = true;
      if (this.dead) return;
      await new Promise<void>((resolve) => {
        const done = (): void => resolve();
        this.worker.once('exit', done);
        this.worker.on('message', (m: FromWriter) => {
          if (m.type === 'closed') void this.worker.terminate().then(done);
        });
        const msg: ToWriter = { type: 'close', endedAt };
        this.worker.postMessage(msg);
      });
    })();
    return this.closedPromise;
  }

  private onMessage(m: FromWriter): void {
    // Said by the thread once per change (down, back), so a second outage is told too.
    if (m.type === 'warning') this.options.onWarning?.(m.message);
    if (m.type === 'latency') {
      this.lastLatency = m.series;
      this.latencyWaiters.shift()?.(m.series);
    }
    if (m.type !== 'ack') return;
    if (m.buffer.byteLength <= POOLED_BUFFER_BYTES && this.pool.length < POOL_SIZE) this.pool.push(m.buffer);
    this.inFlight--;
    const sent = this.sentAt.shift();
    if (sent !== undefined) this.options.onBatch?.((performance.now() - sent) / 1000);
    this.inFlightItems -= m.written + m.failed;
    this.pendingBytes -= m.bytes;
    this.totals.written += m.written;
    this.totals.dropped += m.failed;
    // Keyed by the cause alone, so a store that keeps failing is reported once, not per batch.
    if (m.error) this.warn(`recording storage failed (${m.error}): captures are dropped and counted until it recovers; the proxy keeps forwarding`);
    if (this.inFlight === 0) this.wakeIdle();
  }

  private answerLatency(series: LatencySeries[]): void {
    const waiters = this.latencyWaiters;
    this.latencyWaiters = [];
    for (const w of waiters) w(series);
  }

  private wakeIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private warn(message: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    this.options.onWarning?.(message);
  }
}
