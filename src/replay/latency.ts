import type { Config } from '../config/schema.js';
import type { LatencyStats, RouteLatency } from '../types.js';

/** Nearest-rank percentile of sorted samples. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

function stats(samples: number[]): LatencyStats | null {
  if (samples.length === 0) return null;
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (n: number): number => Math.round(n * 10) / 10;
  return { samples: sorted.length, p50: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95)) };
}

interface RouteSamples {
  method: string;
  route: string;
  recorded: number[];
  baseline: number[];
  candidate: number[];
}

/**
 * Latency per route. Recorded latencies come from another environment: they are shown, never judged.
 * A route is flagged only against a baseline measured in the same run, interleaved with the candidate.
 */
export class LatencyTracker {
  private readonly routes = new Map<string, RouteSamples>();

  constructor(private readonly config: Readonly<Config['latency']>) {}

  add(method: string, route: string, sample: { recorded?: number | null; baseline?: number | null; candidate?: number | null }): void {
    const key = `${method} ${route}`;
    let r = this.routes.get(key);
    if (!r) {
      r = { method, route, recorded: [], baseline: [], candidate: [] };
      this.routes.set(key, r);
    }
    if (sample.recorded != null) r.recorded.push(sample.recorded);
    if (sample.baseline != null) r.baseline.push(sample.baseline);
    if (sample.candidate != null) r.candidate.push(sample.candidate);
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
        flagged = x > ratio && delta >= floorMs;
        reason = `p95 ${candidate.p95} ms vs baseline ${baseline.p95} ms (×${x.toFixed(2)}, ${delta >= 0 ? '+' : ''}${delta.toFixed(1)} ms)${flagged ? `: slower than ×${ratio} and +${floorMs} ms` : ''}`;
      }
      return { method: r.method, route: r.route, recorded, baseline, candidate, flagged, reason };
    });
  }
}
