import type { MetricVerdict } from '../metrics/metric-judge.js';

/**
 * How a metric verdict reads in every reporter (console, Markdown, JUnit, the HTML page, which bundles
 * this module): the same figures everywhere. No Node dependencies, for the browser client.
 */

/** Four significant digits, `—` for no value (no samples; NaN turns into null in summary.json). */
export function formatMetricValue(n: number | null | undefined): string {
  return typeof n === 'number' && Number.isFinite(n) ? String(Number(n.toPrecision(4))) : '—';
}

/**
 * The candidate median's change against the baseline's, signed so that `+` is always worse:
 * `+30.0%`. A baseline median of 0 gives an infinite change (null once stored as JSON).
 */
export function formatMetricChange(v: Pick<MetricVerdict, 'effect' | 'worse'>): string {
  const e = v.effect as number | null;
  if (e === null || !Number.isFinite(e)) return e === null || e > 0 ? 'worse from 0' : 'better from 0';
  return `${e >= 0 ? '+' : ''}${(e * 100).toFixed(1)}%${v.worse === 'decrease' ? ' (lower is worse)' : ''}`;
}

export const METRIC_COLUMNS = ['metric', 'candidate median', 'baseline median', 'worse by', 'p', 'samples', 'judgement'] as const;

/** One row per metric, in {@link METRIC_COLUMNS} order. */
export function metricCells(v: MetricVerdict): string[] {
  return [
    v.name,
    formatMetricValue(v.candidateMedian),
    formatMetricValue(v.baselineMedian),
    formatMetricChange(v),
    v.p.toFixed(4),
    `${v.samples.candidate}/${v.samples.baseline}`,
    v.flagged ? 'significant and past the minimum effect' : v.note,
  ];
}

/** Flagged metrics first, then by name: the order every reporter lists them in. */
export function orderMetricVerdicts(verdicts: readonly MetricVerdict[]): MetricVerdict[] {
  return [...verdicts].sort((a, b) => Number(b.flagged) - Number(a.flagged) || a.name.localeCompare(b.name));
}

/** One sentence with every figure: a JUnit failure message, a textfile-free CI log line. */
export function describeMetricVerdict(v: MetricVerdict): string {
  const [, candidate, baseline, change, p, samples, judgement] = metricCells(v);
  return `${v.name}: candidate median ${candidate} vs baseline ${baseline} (${change}, one-sided Mann–Whitney p = ${p}, ${samples} samples): ${v.flagged ? 'WORSE, ' : 'not flagged, '}${judgement}`;
}
