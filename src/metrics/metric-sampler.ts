import { request } from 'undici';
import { readExposition, type ExposedMetric } from './exposition.js';

/**
 * Scrapes a service's /metrics at an interval while a replay runs and turns what it reads into
 * samples comparable across two services: a counter becomes its growth per replayed request over the
 * interval (CPU seconds per request, errors per request), a gauge its value (resident memory), or
 * when asked, its growth per request too (bytes a request leaves allocated; a garbage collection in
 * the interval gives one low sample, which the rank test shrugs off). A
 * scrape that fails is skipped (and counted), never fatal: the judge then simply has fewer samples.
 */
export interface MetricSampler {
  /** Stop after a last scrape; the samples per metric name. */
  stop(): Promise<{ samples: Map<string, number[]>; failedScrapes: number }>;
}

export interface MetricSamplerOptions {
  url: string;
  names: readonly string[];
  /** Gauges judged like counters, by their growth per request (memory allocated per request). */
  perRequest?: ReadonlySet<string>;
  intervalMs: number;
  /**
   * A growth per request is measured over at least this many requests (consecutive scrapes joined):
   * a request that lands just before or after a scrape then moves a sample by a small fraction, however
   * slowly the replay runs. @default 1
   */
  minRequests?: number;
  /** Requests this service has been sent so far (read at each scrape). */
  sent: () => number;
  /** @default 5000 */
  timeoutMs?: number;
}

/** The metrics, or null when the endpoint did not answer 200 in time. */
async function scrape(url: string, timeoutMs: number): Promise<Map<string, ExposedMetric> | null> {
  try {
    const res = await request(url, { signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.body.text();
    return res.statusCode === 200 ? readExposition(text) : null;
  } catch {
    return null;
  }
}

export function startMetricSampler(options: MetricSamplerOptions): MetricSampler {
  const samples = new Map<string, number[]>(options.names.map((n) => [n, []]));
  const minRequests = Math.max(1, options.minRequests ?? 1);
  /** The scrape the next growth is measured from: rates span at least `minRequests` requests. */
  let anchor: { values: Map<string, ExposedMetric>; sent: number } | null = null;
  let failedScrapes = 0;
  let busy: Promise<void> = Promise.resolve();
  const take = async (): Promise<void> => {
    const sent = options.sent();
    const values = await scrape(options.url, options.timeoutMs ?? 5000);
    if (!values) {
      failedScrapes++;
      return;
    }
    const requests = anchor ? sent - anchor.sent : 0;
    const ready = anchor !== null && requests >= minRequests;
    for (const name of options.names) {
      const now = values.get(name);
      if (!now) continue;
      if (now.type === 'counter' || options.perRequest?.has(name)) {
        const before = anchor?.values.get(name);
        if (ready && before) samples.get(name)!.push((now.value - before.value) / requests);
      } else {
        samples.get(name)!.push(now.value);
      }
    }
    if (!anchor || ready) anchor = { values, sent };
  };
  busy = take();
  const timer = setInterval(() => {
    busy = busy.then(take);
  }, options.intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await busy;
      await take();
      return { samples, failedScrapes };
    },
  };
}
