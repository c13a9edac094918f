import type { Config } from '../config/schema.js';
import { judgeMetric, type MetricVerdict } from './metric-judge.js';
import { startMetricSampler } from './metric-sampler.js';

/**
 * `replay --target-metrics URL --baseline-metrics URL`: both services' Prometheus endpoints are
 * sampled for the length of the replay, and each chosen metric judged candidate vs baseline
 * (metric-judge.ts). A flagged metric fails the run like a latency regression.
 */
export interface MetricGate {
  /** Stop sampling and judge (once; later calls return the same verdicts). */
  finish(): Promise<MetricVerdict[]>;
}

export function startMetricGate(config: Readonly<Config['replay']['metrics']>, sent: () => number): MetricGate | null {
  if (!config.target || !config.baseline) return null;
  const perRequest = new Set(Object.entries(config.perMetric).filter(([, m]) => m.perRequest).map(([name]) => name));
  const sampler = (url: string) => startMetricSampler({ url, names: config.names, perRequest, intervalMs: config.interval, minRequests: config.minRequests, sent });
  const candidate = sampler(config.target);
  const baseline = sampler(config.baseline);
  let finished: Promise<MetricVerdict[]> | null = null;
  return {
    finish: () => (finished ??= judge()),
  };
  async function judge(): Promise<MetricVerdict[]> {
    const [c, b] = await Promise.all([candidate.stop(), baseline.stop()]);
    return judgeMetrics(config, c.samples, b.samples);
  }
}

type MetricSettings = Readonly<Pick<Config['replay']['metrics'], 'names' | 'perMetric' | 'significance' | 'minEffect' | 'minSamples'>>;

/** Each configured metric judged on the samples given, which the verdict keeps (for `merge`). */
export function judgeMetrics(config: MetricSettings, candidate: ReadonlyMap<string, readonly number[]>, baseline: ReadonlyMap<string, readonly number[]>): MetricVerdict[] {
  return config.names.map((name) => {
    const own = config.perMetric[name] ?? {};
    const c = [...(candidate.get(name) ?? [])];
    const b = [...(baseline.get(name) ?? [])];
    const verdict = judgeMetric(name, c, b, {
      significance: config.significance,
      minEffect: own.minEffect ?? config.minEffect,
      minSamples: config.minSamples,
      worse: own.worse ?? 'increase',
    });
    return { ...verdict, values: { candidate: c, baseline: b } };
  });
}

/**
 * `replayguard merge`: the metrics judged once over the union of every shard's samples, as one
 * unsharded replay would have judged them, never the shards' verdicts OR-ed (a shard flagged by
 * chance is outvoted by the rest; shards too short to judge alone add up). Null when no shard judged
 * metrics.
 */
export function judgeShardMetrics(config: MetricSettings, shards: ReadonlyArray<readonly MetricVerdict[] | undefined>): MetricVerdict[] | null {
  const judged = shards.filter((s): s is readonly MetricVerdict[] => s !== undefined);
  if (judged.length === 0) return null;
  const union = (side: 'candidate' | 'baseline') => {
    const out = new Map<string, number[]>();
    for (const verdicts of judged) for (const v of verdicts) out.set(v.name, [...(out.get(v.name) ?? []), ...(v.values?.[side] ?? [])]);
    return out;
  };
  return judgeMetrics(config, union('candidate'), union('baseline'));
}

/** The run's exit code and reason once the metric verdicts are in. */
export function withMetricVerdicts(outcome: { exitCode: number; reason: string }, verdicts: readonly MetricVerdict[]): { exitCode: number; reason: string } {
  const worse = verdicts.filter((v) => v.flagged);
  if (worse.length === 0 || outcome.exitCode === 2) return outcome;
  const list = worse.map((v) => `${v.name} ${v.effect >= 0 ? '+' : ''}${(v.effect * 100).toFixed(0)}% (p = ${v.p.toFixed(4)})`).join(', ');
  return { exitCode: Math.max(outcome.exitCode, 1), reason: `${outcome.exitCode === 0 ? '' : `${outcome.reason}; `}candidate metrics worse than the baseline's: ${list}` };
}
