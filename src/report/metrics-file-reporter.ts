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
