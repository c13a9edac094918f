import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { createRouteTemplater } from '../routes/route-template.js';

/**
 * The recorder's Prometheus metrics, served at `<adminPrefix>/metrics`. One registry per recorder
 * (never prom-client's global one), so several recorders in one process, and tests, do not share
 * series. Counts that storage already keeps (captured, written, dropped, queue bytes) are read from
 * it at scrape time, so the hot path pays for them nothing; per request there is one counter
 * increment and one histogram observation.
 */

/** What storage reports; read on each scrape. */
export interface CaptureCounts {
  captured: number;
  written: number;
  dropped: number;
  /** Bytes of captures queued or in a batch not yet acknowledged. */
  pendingBytes: number;
}

export interface RecorderMetrics {
  readonly registry: Registry;
  /** One forwarded request: its upstream answered `status` (null: a transport failure) after `seconds`. */
  observeUpstream(method: string, url: string, status: number | null, seconds: number): void;
  /** One write batch acknowledged `seconds` after it was sent to the writer. */
  observeBatch(seconds: number): void;
  /** The text exposition format. */
  scrape(): Promise<string>;
  readonly contentType: string;
}

/** Distinct route labels kept; past it new routes share one label, so odd paths cannot explode the series count. */
export const MAX_ROUTE_LABELS = 500;
export const OTHER_ROUTE = '(other)';

/** Upstream latency buckets, seconds: a fast API's milliseconds up to the default 30 s timeout. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const BATCH_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** `2xx` … as constants: no string is built per request. `error`: no HTTP answer at all. */
const STATUS_CLASSES = ['0xx', '1xx', '2xx', '3xx', '4xx', '5xx', '6xx', '7xx', '8xx', '9xx'];
export function statusClass(status: number | null): string {
  return status === null ? 'error' : (STATUS_CLASSES[Math.floor(status / 100)] ?? 'error');
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

export function createRecorderMetrics(options: { counts: () => CaptureCounts; routeTemplates?: readonly string[] }): RecorderMetrics {
  const registry = new Registry();
  // process_cpu_seconds_total, process_resident_memory_bytes, nodejs_*: what a dashboard (or a
  // candidate-vs-baseline judge) expects from any Node service.
  collectDefaultMetrics({ register: registry });
  const { counts } = options;
  const templater = createRouteTemplater(options.routeTemplates ?? []);
  const routes = new Set<string>();

  const forwarded = new Counter({ name: 'replayguard_requests_forwarded_total', help: 'Requests forwarded to the upstream (recorded or not)', registers: [registry] });
  const upstream = new Histogram({
    name: 'replayguard_upstream_duration_seconds',
    help: 'Time from a request reaching the proxy to the upstream response head (or the transport failure), by route template and status class',
    labelNames: ['method', 'route', 'status_class'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const batches = new Histogram({ name: 'replayguard_writer_batch_duration_seconds', help: 'Time from a batch of captures sent to the writer thread to its write acknowledged', buckets: BATCH_BUCKETS, registers: [registry] });
  const fromStorage = (name: string, help: string, read: (c: CaptureCounts) => number): void => totalCounter(registry, name, help, () => read(counts()));
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
    observeUpstream(method, url, status, seconds) {
      forwarded.inc();
      let route = templater.templateOf(url);
      if (!routes.has(route)) {
        if (routes.size >= MAX_ROUTE_LABELS) route = OTHER_ROUTE;
        else routes.add(route);
      }
      upstream.observe({ method, route, status_class: statusClass(status) }, seconds);
    },
    observeBatch(seconds) {
      batches.observe(seconds);
    },
    scrape: () => registry.metrics(),
  };
}
