import type { Config } from '../config/schema.js';
import type { LatencyStats, ReplayResult, RouteLatency } from '../types/run.js';
import { routeKey } from '../routes/route-key.js';

/** Nearest-rank percentile of sorted samples. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

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
 * A route is flagged only against a baseline measured in the same run, interleaved with the candidate.
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
    const { ratio, floorMs, minSamples } = this.config;
    return [...this.routes.values()].map((r) => {
      const recorded = stats(r.recorded);
      const baseline = stats(r.baseline);
      const candidate = stats(r.candidate);
      let flagged = false;
      let reason: string;
      if (!candidate) reason = 'no candidate timings';
      else if (!baseline) reason = 'no baseline: latency is shown, not judged';
      else if (Math.min(baseline.samples, candidate.samples) < minSamples) reason = `fewer than ${minSamples} samples: not judged`;
      else {
        const x = candidate.p95 / Math.max(baseline.p95, 0.001);
        const delta = candidate.p95 - baseline.p95;
        // With few samples the p95 is the slowest one: a single GC pause or a busy moment on the
        // machine would flag a route. Require at least two candidate samples past the line.
        const past = r.candidate.values.filter((v) => v > baseline.p95 * ratio && v - baseline.p95 >= floorMs).length;
        flagged = x > ratio && delta >= floorMs && past >= 2;
        const outlier = x > ratio && delta >= floorMs && !flagged ? ': a single slow sample, not judged slower' : '';
        reason = `p95 ${candidate.p95} ms vs baseline ${baseline.p95} ms (×${x.toFixed(2)}, ${delta >= 0 ? '+' : ''}${delta.toFixed(1)} ms)${flagged ? `: slower than ×${ratio} and +${floorMs} ms` : outlier}`;
      }
      return { method: r.method, route: r.route, recorded, baseline, candidate, flagged, reason };
    });
  }
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
