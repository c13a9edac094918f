/**
 * The upstream latency histogram of the recorder's /metrics, kept in the writer thread: it redacts and
 * templates every captured URL anyway, so the proxy thread hands over a raw latency with each capture
 * and pays nothing per request for route templating or label hashing. Routes are templated from
 * redacted URLs only: labels leave the recorder in every scrape. Requests that are not captured (filtered
 * out, endless streams, dropped captures) travel in the next batch as bare observations.
 */

/** Distinct route labels kept; past it new routes share one label, so odd paths cannot explode the series count. */
export const MAX_ROUTE_LABELS = 500;
export const OTHER_ROUTE = '(other)';

/** Upstream latency buckets, seconds: a fast API's milliseconds up to the default 30 s timeout. */
export const LATENCY_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** `2xx` … as constants: no string is built per request. `error`: no HTTP answer at all. */
const STATUS_CLASSES = ['0xx', '1xx', '2xx', '3xx', '4xx', '5xx', '6xx', '7xx', '8xx', '9xx'];
export function statusClass(status: number | null): string {
  return status === null ? 'error' : (STATUS_CLASSES[Math.floor(status / 100)] ?? 'error');
}

/** A forwarded request that was not captured: what the histogram needs of it. */
export type UpstreamObservation = [method: string, url: string, status: number | null, seconds: number];

/** One series of the histogram; `buckets[i]` counts observations ≤ LATENCY_BUCKETS[i] (not cumulative). */
export interface LatencySeries {
  method: string;
  route: string;
  statusClass: string;
  buckets: number[];
  sum: number;
  count: number;
}

export class UpstreamLatencyBook {
  private readonly series = new Map<string, LatencySeries>();
  private readonly routes = new Set<string>();

  observe(method: string, route: string, status: number | null, seconds: number): void {
    if (!this.routes.has(route)) {
      if (this.routes.size >= MAX_ROUTE_LABELS) route = OTHER_ROUTE;
      else this.routes.add(route);
    }
    const cls = statusClass(status);
    const key = `${method} ${cls} ${route}`;
    let s = this.series.get(key);
    if (!s) {
      s = { method, route, statusClass: cls, buckets: new Array<number>(LATENCY_BUCKETS.length).fill(0), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    let i = 0;
    while (i < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[i]!) i++;
    if (i < LATENCY_BUCKETS.length) s.buckets[i]!++;
    s.sum += seconds;
    s.count++;
  }

  snapshot(): LatencySeries[] {
    return [...this.series.values()].map((s) => ({ ...s, buckets: [...s.buckets] }));
  }
}
