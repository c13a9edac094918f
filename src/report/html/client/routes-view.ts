import type { RouteCounts } from '../../../types.js';
import { formatCount, routeKey } from '../../plain-format.js';
import { h } from './dom.js';
import type { ReportContext } from './report-context.js';
import { tableSection } from './table-section.js';

const COUNTS = ['total', 'pass', 'noise', 'unreproduced', 'regression', 'error', 'skipped'] as const satisfies ReadonlyArray<keyof RouteCounts>;
const COLUMNS = [{ title: 'Route' }, ...COUNTS.map((c) => ({ title: c === 'total' ? 'exchanges' : c, num: true }))];

/** Every route with its counts; a route that has groups links to them through `onRoute`. */
export function routesView({ summary }: ReportContext, hasGroups: (key: string) => boolean, onRoute: (key: string) => void): HTMLElement | null {
  if (!summary.routes.length) return null;
  const rows = summary.routes.map((r) => {
    const key = routeKey(r.method, r.route);
    const name = hasGroups(key) ? h('button', { class: 'linkish mono', type: 'button', onclick: () => onRoute(key) }, key) : h('span', { class: 'mono' }, key);
    return h('tr', null, h('td', null, name), COUNTS.map((c) => h('td', { class: `num${c !== 'total' && c !== 'pass' && r[c] ? ` v-${c}` : ''}` }, formatCount(r[c]))));
  });
  return tableSection('routes', 'All routes', null, COLUMNS, rows);
}
