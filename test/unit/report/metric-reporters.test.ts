import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MetricVerdict } from '../../../src/metrics/metric-judge.js';
import { renderConsoleSummary } from '../../../src/report/console-reporter.js';
import { createMarkdownReporter } from '../../../src/report/markdown-reporter.js';
import { createMetricsFileReporter } from '../../../src/report/metrics-file-reporter.js';
import { verdictLine } from '../../../src/report/run-verdict.js';
import { makeSummary } from '../../helpers/factories.js';
import { parseMetrics } from '../../helpers/prometheus.js';
import { testContext } from './context.js';

const verdict = (over: Partial<MetricVerdict>): MetricVerdict => ({
  name: 'm',
  worse: 'increase',
  candidateMedian: 1,
  baselineMedian: 1,
  effect: 0,
  p: 0.5,
  samples: { candidate: 10, baseline: 10 },
  flagged: false,
  note: 'not significant (p = 0.500)',
  ...over,
});

// As summary.json gives them back: an infinite change (a baseline median of 0) is stored as null.
const stored = JSON.parse(
  JSON.stringify([
    verdict({ name: 'process_resident_memory_bytes', candidateMedian: 5.2e7, baselineMedian: 5.1e7, effect: 0.0196, p: 0.21, note: 'not significant (p = 0.210)' }),
    verdict({ name: 'process_cpu_seconds_total', candidateMedian: 0.002, baselineMedian: 0.001, effect: 1, p: 0.0002, flagged: true, note: '' }),
    verdict({ name: 'http_errors_total', candidateMedian: 0.01, baselineMedian: 0, effect: Infinity, p: 0.001, flagged: true, note: '' }),
    verdict({ name: 'a|b<i>*', candidateMedian: NaN, baselineMedian: NaN, effect: NaN, p: 1, samples: { candidate: 0, baseline: 0 }, note: 'too few samples (0 and 0; 5 needed a side)' }),
  ]),
) as MetricVerdict[];
const summary = makeSummary({ metrics: stored, exitCode: 1, exitReason: 'candidate metrics worse than the baseline\'s' });

describe('metric verdicts in the reporters', () => {
  it('leads the verdict line and the console table with the worse metrics, with every figure', () => {
    expect(verdictLine(summary).text).toMatch(/^FAIL: 2 worse metrics in /);
    const text = renderConsoleSummary(summary, 10, null);
    const rows = text.split('\n').filter((l) => /^\s+(WORSE )?(process_|http_|a\|b)/.test(l));
    expect(rows.map((r) => r.trim().split(/\s+/)[0] === 'WORSE' ? `WORSE ${r.trim().split(/\s+/)[1]}` : r.trim().split(/\s+/)[0])).toEqual([
      'WORSE http_errors_total',
      'WORSE process_cpu_seconds_total',
      'a|b<i>*',
      'process_resident_memory_bytes',
    ]);
    expect(rows[0]).toMatch(/0\.01\s+0\s+worse from 0\s+0\.0010\s+10\/10/);
    expect(rows[1]).toMatch(/0\.002\s+0\.001\s+\+100\.0%\s+0\.0002\s+10\/10/);
    expect(rows[2]).toMatch(/—\s+—\s+.*too few samples/);
  });

  it('writes them to summary.md as an escaped table', async () => {
    const ctx = await testContext();
    await createMarkdownReporter(ctx).onRunEnd!(summary);
    const md = await readFile(path.join(ctx.outDir, 'summary.md'), 'utf8');
    const section = md.slice(md.indexOf('### Candidate metrics vs baseline'));
    const rows = section.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| metric') && !l.startsWith('| ---'));
    expect(rows).toHaveLength(4);
    expect(rows[1]).toBe('| ❌ process\\_cpu\\_seconds\\_total | 0.002 | 0.001 | +100.0% | 0.0002 | 10/10 | significant and past the minimum effect |');
    expect(rows[2]).toContain('a\\|b&lt;i&gt;\\*');
    expect(md).toMatch(/FAIL: 2 worse metrics/);
  });

  it('writes them to the metrics textfile, one series per metric and side', async () => {
    const ctx = await testContext();
    const file = path.join(ctx.outDir, 'run.prom');
    await createMetricsFileReporter({ ...ctx, config: { ...ctx.config, replay: { ...ctx.config.replay, metricsFile: file } } }).onRunEnd!(summary);
    const text = await readFile(file, 'utf8');
    const m = parseMetrics(text);
    const value = (name: string, labels: Record<string, string>) => m.samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
    expect(m.families.get('replayguard_replay_metric_worse')?.type).toBe('GAUGE');
    expect(value('replayguard_replay_metric_worse', { metric: 'process_cpu_seconds_total' })).toBe(1);
    expect(value('replayguard_replay_metric_worse', { metric: 'process_resident_memory_bytes' })).toBe(0);
    expect(value('replayguard_replay_metric_change_ratio', { metric: 'process_cpu_seconds_total' })).toBe(1);
    expect(text).toMatch(/^replayguard_replay_metric_change_ratio\{[^}]*metric="http_errors_total"[^}]*\} \+Inf$/m);
    expect(value('replayguard_replay_metric_p_value', { metric: 'process_cpu_seconds_total' })).toBe(0.0002);
    expect(value('replayguard_replay_metric_median', { metric: 'process_resident_memory_bytes', side: 'baseline' })).toBe(5.1e7);
    expect(value('replayguard_replay_metric_samples', { metric: 'process_cpu_seconds_total', side: 'candidate' })).toBe(10);
  });
});
