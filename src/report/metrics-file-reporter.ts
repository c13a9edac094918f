import { rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Gauge } from 'prom-client';
import type { RunSummary } from '../types.js';
import type { Reporter, ReporterContext } from './reporter.js';

const VERDICTS = ['pass', 'noise', 'regression', 'unreproduced', 'error', 'skipped'] as const;

/** The run as Prometheus samples: gauges, since a textfile describes the last run, not a running total. */
export async function renderRunMetrics(summary: RunSummary): Promise<string> {
  // Loaded only when a metrics file is asked for: every replay imports the reporter registry, and
  // prom-client costs resident memory the 10,000-exchange memory bound counts.
  const { Gauge, Registry } = await import('prom-client');
  const registry = new Registry();
  const session = summary.run.session;
  const gauge = (name: string, help: string, labelNames: string[] = []): Gauge<string> => new Gauge({ name, help, labelNames: ['session', ...labelNames], registers: [registry] });
  const exchanges = gauge('replayguard_replay_exchanges', 'Exchanges of the last replay run by verdict', ['verdict']);
  for (const verdict of VERDICTS) exchanges.set({ session, verdict }, summary.counts[verdict]);
  gauge('replayguard_replay_duration_seconds', 'Wall-clock duration of the last replay run').set({ session }, summary.durationMs / 1000);
  gauge('replayguard_replay_latency_flagged_routes', 'Routes whose latency the last run flagged as a regression').set({ session }, summary.latency.filter((l) => l.flagged).length);
  if (summary.metrics?.length) {
    // One series per judged metric, labelled by its name: an alert can fire on `…_metric_worse == 1`.
    const worse = gauge('replayguard_replay_metric_worse', 'Candidate metric judged worse than the baseline\'s (1) or not (0), by metric', ['metric']);
    const change = gauge('replayguard_replay_metric_change_ratio', 'Relative change of the candidate median against the baseline median, positive when worse', ['metric']);
    const p = gauge('replayguard_replay_metric_p_value', 'One-sided Mann-Whitney U p-value for the candidate being worse', ['metric']);
    const medians = gauge('replayguard_replay_metric_median', 'Median of the scraped samples (counters as growth per request), by side', ['metric', 'side']);
    const samples = gauge('replayguard_replay_metric_samples', 'Samples scraped, by side', ['metric', 'side']);
    for (const v of summary.metrics) {
      const metric = v.name;
      worse.set({ session, metric }, v.flagged ? 1 : 0);
      // A baseline median of 0 gives an infinite change; summary.json stores it as null.
      change.set({ session, metric }, typeof v.effect === 'number' ? v.effect : v.flagged ? Infinity : NaN);
      p.set({ session, metric }, v.p);
      medians.set({ session, metric, side: 'candidate' }, v.candidateMedian ?? NaN);
      medians.set({ session, metric, side: 'baseline' }, v.baselineMedian ?? NaN);
      samples.set({ session, metric, side: 'candidate' }, v.samples.candidate);
      samples.set({ session, metric, side: 'baseline' }, v.samples.baseline);
    }
  }
  gauge('replayguard_replay_exit_code', 'Exit code of the last run: 0 passed, 1 a failOn policy tripped, 2 stopped by an infrastructure error').set({ session }, summary.exitCode);
  gauge('replayguard_replay_last_run_timestamp_seconds', 'When the last run ended (Unix time)').set({ session }, (summary.run.endedAt ?? Date.now()) / 1000);
  return registry.metrics();
}

/**
 * `--metrics-file FILE`: the run in Prometheus text format, for node_exporter's textfile collector or
 * a Pushgateway (`curl --data-binary @FILE`). Written to a temporary name and renamed, so a collector
 * never reads half a file.
 */
export function createMetricsFileReporter(ctx: ReporterContext): Reporter {
  const file = path.resolve(ctx.config.replay.metricsFile ?? path.join(ctx.outDir, 'metrics.prom'));
  return {
    name: 'prometheus',
    async onRunEnd(summary) {
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, await renderRunMetrics(summary), 'utf8');
      await rename(tmp, file);
    },
  };
}
