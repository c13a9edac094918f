import { formatCount, routeKey } from '../../plain-format.js';
import { h } from './dom.js';
import type { ReportContext } from './report-context.js';
import { tableSection } from './table-section.js';

const COLUMNS = [{ title: 'Route' }, { title: 'Where' }, { title: 'Variation' }, { title: 'Source' }, { title: 'Exchanges', num: true }, { title: 'Examples' }];

function shortJson(x: unknown): string {
  const s = JSON.stringify(x);
  return s && s.length > 40 ? `${s.slice(0, 39)}\u2026` : s;
}

/** Noise patterns learned during the run: shown, never applied silently. */
export function learnedView({ summary, run }: ReportContext): HTMLElement | null {
  if (!summary.learnedNoise.length) return null;
  const intro = h('p', { class: 'muted' }, `Patterns seen varying ${run.baseline ? 'against the baseline' : 'between repeated replays'}. Shown here, never applied silently: add a rule to keep one.`);
  const rows = summary.learnedNoise.map((n) =>
    h(
      'tr',
      null,
      h('td', { class: 'mono' }, routeKey(n.method, n.route)),
      h('td', { class: 'mono' }, `${n.target} ${n.path || ''}`),
      h('td', null, n.kind),
      h('td', null, n.source),
      h('td', { class: 'num' }, formatCount(n.exchanges)),
      h('td', { class: 'mono' }, n.examples.slice(0, 3).map(shortJson).join(', ')),
    ),
  );
  return tableSection('learned', 'Learned noise', intro, COLUMNS, rows);
}
