import type { Config } from '../config/schema.js';
import { judgeShift, percentile, type ShiftCriteria } from '../metrics/mann-whitney.js';
import type { LatencyStats, ReplayResult, RouteLatency } from '../types/run.js';
import { routeKey } from '../routes/route-key.js';

function stats(samples: Reservoir): LatencyStats | null {
  if (samples.count === 0) return null;
  const sorted = [...samples.values].sort((a, b) => a - b);
  const round = (n: number): number => Math.round(n * 10) / 10;
  return { samples: samples.count, p50: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95)) };
}

/**
 * Samples kept per route and side. Past it, reservoir sampling keeps a uniform sample, so memory stays
 * flat on a million-exchange replay and percentiles stay within a fraction of a percent.
 */
const RESERVOIR = 10_000;

class Reservoir {
  readonly values: number[] = [];
  private seen = 0;

  add(v: number): void {
    this.seen++;
    if (this.values.length < RESERVOIR) this.values.push(v);
    else {
      const j = Math.floor(Math.random() * this.seen);
      if (j < RESERVOIR) this.values[j] = v;
    }
  }

  get count(): number {
    return this.seen;
  }
}

/** One exchange's timings, in ms. */
export interface LatencySample {
  recorded?: number | null;
  baseline?: number | null;
  candidate?: number | null;
}

interface RouteSamples {
  method: string;
  route: string;
  recorded: Reservoir;
  baseline: Reservoir;
  candidate: Reservoir;
}

/**
 * Latency per route. Recorded latencies come from another environment: they are shown, never judged.
 * A route is flagged only against a baseline measured in the same run, interleaved with the candidate
 * (see {@link latencyCriteria}).
 */
export class LatencyTracker {
  private readonly routes = new Map<string, RouteSamples>();

  constructor(private readonly config: Readonly<Config['latency']>) {}

  add(method: string, route: string, sample: LatencySample): void {
    const key = routeKey(method, route);
    let r = this.routes.get(key);
    if (!r) {
      r = { method, route, recorded: new Reservoir(), baseline: new Reservoir(), candidate: new Reservoir() };
      this.routes.set(key, r);
    }
    if (sample.recorded != null) r.recorded.add(sample.recorded);
    if (sample.baseline != null) r.baseline.add(sample.baseline);
    if (sample.candidate != null) r.candidate.add(sample.candidate);
  }

  summarize(): RouteLatency[] {
    return [...this.routes.values()].map((r) => {
      const recorded = stats(r.recorded);
      const baseline = stats(r.baseline);
      const candidate = stats(r.candidate);
      const criteria = latencyCriteria(this.config, r.method, r.route);
      let flagged = false;
      let reason: string;
      if (!candidate) reason = 'no candidate timings';
      else if (!baseline) reason = 'no baseline: latency is shown, not judged';
      else if (Math.min(baseline.samples, candidate.samples) < criteria.minSamples) reason = `fewer than ${criteria.minSamples} samples: not judged`;
      else {
        const j = judgeShift(r.candidate.values, r.baseline.values, criteria);
        flagged = j.flagged;
        const ms = (n: number) => Math.round(n * 10) / 10;
        const [c, b] = j.at === 'median' ? [j.candidateMedian, j.baselineMedian] : [candidate.p95, baseline.p95];
        const figures = `${j.at} ${ms(c)} ms vs baseline ${ms(b)} ms (×${(1 + j.effect).toFixed(2)}, ${j.change >= 0 ? '+' : ''}${j.change.toFixed(1)} ms, p = ${j.p.toFixed(4)})`;
        reason = `${figures}${flagged ? `: slower than ×${criteria.ratio} and +${criteria.minChange} ms` : `: ${j.note}`}`;
      }
      return { method: r.method, route: r.route, recorded, baseline, candidate, flagged, reason };
    });
  }
}

/**
 * How one route is judged: the global settings, then a `* /route` entry, then a `METHOD /route` one.
 * The rule is the metric judge's (metrics/mann-whitney.ts judgeShift): significantly slower by a
 * one-sided Mann–Whitney U test, and materially so, the median or the p95 past the ratio and the ms floor.
 */
export function latencyCriteria(config: Readonly<Config['latency']>, method: string, route: string): ShiftCriteria & { minChange: number; ratio: number } {
  const own = { ...config.routes[routeKey('*', route)], ...config.routes[routeKey(method.toUpperCase(), route)] };
  const ratio = own.ratio ?? config.ratio;
  return {
    ratio,
    significance: own.significance ?? config.significance,
    minEffect: ratio - 1,
    minChange: own.floorMs ?? config.floorMs,
    minSamples: own.minSamples ?? config.minSamples,
    worse: 'increase',
    tail: true,
  };
}

/** The latency stage: samples each result's timings on its way through (and tells `onSample`, for shard evidence). */
export async function* trackLatency<T extends { result: ReplayResult }>(
  items: AsyncIterable<T>,
  tracker: LatencyTracker,
  onSample?: (method: string, route: string, sample: LatencySample) => void,
): AsyncGenerator<T> {
  for await (const item of items) {
    const r = item.result;
    if (r.candidate) {
      const sample = { recorded: r.recordedTiming.totalMs, candidate: r.candidate.timing.totalMs, baseline: r.baseline?.timing.totalMs ?? null };
      tracker.add(r.method, r.route, sample);
      onSample?.(r.method, r.route, sample);
    }
    yield item;
  }
}
