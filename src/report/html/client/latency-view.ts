import { formatPercentiles, routeKey } from '../../plain-format.js';
import { h } from './dom.js';
import type { ReportContext } from './report-context.js';
import { tableSection } from './table-section.js';

const COLUMNS = [{ title: 'Route' }, { title: 'Recorded p50 / p95', num: true }, { title: 'Baseline p50 / p95', num: true }, { title: 'Candidate p50 / p95', num: true }, { title: 'Judgement' }];

/** Latency per route: recorded, baseline and candidate percentiles, and the judgement. */
export function latencyView({ summary }: ReportContext): HTMLElement | null {
  if (!summary.latency.length) return null;
  const rows = summary.latency.map((l) =>
    h(
      'tr',
      { class: l.flagged ? 'ln mk-changed' : null, 'data-flagged': l.flagged ? 'true' : 'false' },
      h('td', { class: 'mono' }, routeKey(l.method, l.route)),
      h('td', { class: 'num' }, formatPercentiles(l.recorded)),
      h('td', { class: 'num' }, formatPercentiles(l.baseline)),
      h('td', { class: 'num' }, formatPercentiles(l.candidate)),
      h('td', null, l.flagged ? h('strong', null, '\u25b2 slower: ') : '', l.reason),
    ),
  );
  return tableSection('latency', 'Latency per route', null, COLUMNS, rows);
}
