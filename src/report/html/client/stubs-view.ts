import { stubSections } from '../../stub-lines.js';
import { h } from './dom.js';
import type { ReportContext } from './report-context.js';
import { tableSection } from './table-section.js';

const COLUMNS = [{ title: 'Stub' }, { title: 'What it served' }];

/** The dependencies the targets called (`--stubs`): per stub, faults injected per rule and every miss explained. */
export function stubsView({ summary }: ReportContext): HTMLElement | null {
  const sections = stubSections(summary.stubs);
  if (!sections.length) return null;
  const rows = sections.map((s) =>
    h(
      'tr',
      { class: s.misses.length ? 'ln mk-changed' : null, 'data-misses': String(s.misses.length) },
      h('td', { class: 'mono' }, s.headline),
      h('td', null, h('ul', { class: 'diffs' }, [...s.faults, ...s.misses].map((l) => h('li', { class: l.startsWith('miss ') ? 'stub-miss' : null }, l)))),
    ),
  );
  return tableSection('stubs', 'Dependencies (stubs)', summary.oracle === 'baseline' ? h('p', { class: 'muted' }, 'The candidate was judged against the baseline (--oracle baseline), both calling stubs of their dependencies under the same fault plan.') : null, COLUMNS, rows);
}
