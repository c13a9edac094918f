import { METRIC_COLUMNS, metricCells, orderMetricVerdicts } from '../../metric-format.js';
import { h } from './dom.js';
import type { ReportContext } from './report-context.js';
import { tableSection } from './table-section.js';

const COLUMNS = METRIC_COLUMNS.map((title, i) => ({ title, num: i > 0 && i < METRIC_COLUMNS.length - 1 }));

/** The candidate's own metrics judged against the baseline's (`--target-metrics`), worse ones first. */
export function metricsView({ summary }: ReportContext): HTMLElement | null {
  if (!summary.metrics?.length) return null;
  const rows = orderMetricVerdicts(summary.metrics).map((v) => {
    const [name, ...figures] = metricCells(v);
    const judgement = figures.pop()!;
    return h(
      'tr',
      { class: v.flagged ? 'ln mk-changed' : null, 'data-flagged': v.flagged ? 'true' : 'false', 'data-metric': v.name },
      h('td', { class: 'mono' }, name!),
      figures.map((f) => h('td', { class: 'num' }, f)),
      h('td', null, v.flagged ? h('strong', null, '\u25b2 worse: ') : '', judgement),
    );
  });
  const intro = h('p', { class: 'muted' }, 'Scraped during the replay; counters as growth per replayed request. One-sided Mann–Whitney U test and a minimum change of the medians: a single odd sample never flags.');
  return tableSection('metrics', 'Candidate metrics vs baseline', intro, COLUMNS, rows);
}
