import { request } from 'undici';
import { readExposition, type ExposedMetric } from './exposition.js';

/**
 * Scrapes a service's /metrics at an interval while a replay runs and turns what it reads into
 * samples comparable across two services: a counter becomes its growth per replayed request over the
 * interval (CPU seconds per request, errors per request), a gauge its value (resident memory). A
 * scrape that fails is skipped (and counted), never fatal: the judge then simply has fewer samples.
 */
export interface MetricSampler {
  /** Stop after a last scrape; the samples per metric name. */
  stop(): Promise<{ samples: Map<string, number[]>; failedScrapes: number }>;
}

export interface MetricSamplerOptions {
  url: string;
  names: readonly string[];
  intervalMs: number;
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
  let last: { values: Map<string, ExposedMetric>; sent: number } | null = null;
  let failedScrapes = 0;
  let busy: Promise<void> = Promise.resolve();
  const take = async (): Promise<void> => {
    const sent = options.sent();
    const values = await scrape(options.url, options.timeoutMs ?? 5000);
    if (!values) {
      failedScrapes++;
      return;
    }
    for (const name of options.names) {
      const now = values.get(name);
      if (!now) continue;
      if (now.type === 'counter') {
        const before = last?.values.get(name);
        const requests = sent - (last?.sent ?? 0);
        if (before && requests > 0) samples.get(name)!.push((now.value - before.value) / requests);
      } else {
        samples.get(name)!.push(now.value);
      }
    }
    last = { values, sent };
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
