import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry, type Metric } from 'prom-client';
import { LATENCY_BUCKETS, type LatencySeries } from './upstream-latency.js';

/**
 * The recorder's Prometheus metrics, served at `<adminPrefix>/metrics`. One registry per recorder
 * (never prom-client's global one), so several recorders in one process, and tests, do not share
 * series. Counts that storage already keeps (captured, written, dropped, queue bytes) are read from
 * it at scrape time, and the upstream latency histogram is kept by the writer thread (see
 * upstream-latency.ts) and fetched from it at scrape time, so the proxy thread pays nothing per request.
 */

/** What storage reports; read on each scrape. */
export interface CaptureCounts {
  /** Requests forwarded to the upstream that got an answer or a transport failure. */
  forwarded: number;
  captured: number;
  written: number;
  dropped: number;
  /** Bytes of captures queued or in a batch not yet acknowledged. */
  pendingBytes: number;
}

export interface RecorderMetrics {
  readonly registry: Registry;
  /** One write batch acknowledged `seconds` after it was sent to the writer. */
  observeBatch(seconds: number): void;
  /** The text exposition format. */
  scrape(): Promise<string>;
  readonly contentType: string;
}

const BATCH_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

const UPSTREAM_HISTOGRAM = 'replayguard_upstream_duration_seconds';

/**
 * The upstream latency histogram in prom-client's exposition, from the writer thread's series: a
 * metric of our own because prom-client's Histogram can only be fed one observation at a time.
 */
function upstreamHistogram(read: () => Promise<LatencySeries[]>): Metric {
  const help = 'Time from a request reaching the proxy to the upstream response head (or the transport failure), by route template and status class';
  const metric = {
    name: UPSTREAM_HISTOGRAM,
    help,
    type: 'histogram',
    aggregator: 'sum',
    reset() {},
    async get() {
      const values: Array<{ metricName: string; labels: Record<string, string | number>; value: number }> = [];
      for (const s of await read()) {
        const labels = { method: s.method, route: s.route, status_class: s.statusClass };
        let cumulative = 0;
        LATENCY_BUCKETS.forEach((le, i) => {
          cumulative += s.buckets[i]!;
          values.push({ metricName: `${UPSTREAM_HISTOGRAM}_bucket`, labels: { ...labels, le }, value: cumulative });
        });
        values.push({ metricName: `${UPSTREAM_HISTOGRAM}_bucket`, labels: { ...labels, le: '+Inf' }, value: s.count });
        values.push({ metricName: `${UPSTREAM_HISTOGRAM}_sum`, labels, value: s.sum });
        values.push({ metricName: `${UPSTREAM_HISTOGRAM}_count`, labels, value: s.count });
      }
      return { name: UPSTREAM_HISTOGRAM, help, type: 'histogram', values, aggregator: 'sum' };
    },
  };
  return metric as unknown as Metric;
}

/**
 * A counter whose value is a running total kept elsewhere, read at scrape time, so whoever counts
 * pays nothing per event for the metric (reset + inc keeps it monotonic: the total is).
 */
export function totalCounter(registry: Registry, name: string, help: string, read: () => number): void {
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.reset();
      this.inc(read());
    },
  });
}

export function createRecorderMetrics(options: { counts: () => CaptureCounts; upstreamLatency: () => Promise<LatencySeries[]> }): RecorderMetrics {
  const registry = new Registry();
  // process_cpu_seconds_total, process_resident_memory_bytes, nodejs_*: what a dashboard (or a
  // candidate-vs-baseline judge) expects from any Node service.
  collectDefaultMetrics({ register: registry });
  const { counts } = options;
  registry.registerMetric(upstreamHistogram(options.upstreamLatency));
  const batches = new Histogram({ name: 'replayguard_writer_batch_duration_seconds', help: 'Time from a batch of captures sent to the writer thread to its write acknowledged', buckets: BATCH_BUCKETS, registers: [registry] });
  const fromStorage = (name: string, help: string, read: (c: CaptureCounts) => number): void => totalCounter(registry, name, help, () => read(counts()));
  fromStorage('replayguard_requests_forwarded_total', 'Requests forwarded to the upstream (recorded or not)', (c) => c.forwarded);
  fromStorage('replayguard_captures_total', 'Exchanges captured and handed to storage', (c) => c.captured);
  fromStorage('replayguard_captures_recorded_total', 'Captures written to the recordings database', (c) => c.written);
  fromStorage('replayguard_captures_dropped_total', 'Captures dropped (storage behind or failing); clients were served regardless', (c) => c.dropped);
  new Gauge({
    name: 'replayguard_capture_queue_bytes',
    help: 'Bytes of captures waiting to be written (bounded by record.queue.maxBytes)',
    registers: [registry],
    collect() {
      this.set(counts().pendingBytes);
    },
  });

  return {
    registry,
    contentType: registry.contentType,
    observeBatch(seconds) {
      batches.observe(seconds);
    },
    scrape: () => registry.metrics(),
  };
}
