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
  const sampler = (url: string) => startMetricSampler({ url, names: config.names, intervalMs: config.interval, sent });
  const candidate = sampler(config.target);
  const baseline = sampler(config.baseline);
  let finished: Promise<MetricVerdict[]> | null = null;
  return {
    finish: () => (finished ??= judge()),
  };
  async function judge(): Promise<MetricVerdict[]> {
    const [c, b] = await Promise.all([candidate.stop(), baseline.stop()]);
    return config.names.map((name) => {
      const own = config.perMetric[name] ?? {};
      return judgeMetric(name, c.samples.get(name) ?? [], b.samples.get(name) ?? [], {
        significance: config.significance,
        minEffect: own.minEffect ?? config.minEffect,
        minSamples: config.minSamples,
        worse: own.worse ?? 'increase',
      });
    });
  }
}

/** The run's exit code and reason once the metric verdicts are in. */
export function withMetricVerdicts(outcome: { exitCode: number; reason: string }, verdicts: readonly MetricVerdict[]): { exitCode: number; reason: string } {
  const worse = verdicts.filter((v) => v.flagged);
  if (worse.length === 0 || outcome.exitCode === 2) return outcome;
  const list = worse.map((v) => `${v.name} ${v.effect >= 0 ? '+' : ''}${(v.effect * 100).toFixed(0)}% (p = ${v.p.toFixed(4)})`).join(', ');
  return { exitCode: Math.max(outcome.exitCode, 1), reason: `${outcome.exitCode === 0 ? '' : `${outcome.reason}; `}candidate metrics worse than the baseline's: ${list}` };
}
