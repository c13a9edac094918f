import { h, type Child } from './dom.js';

export interface Column {
  title: string;
  /** Right-aligned, for numbers. */
  num?: boolean;
}

/** A titled section holding one table in a panel: the shape of the latency, learned-noise and route tables. */
export function tableSection(id: string, title: string, intro: Child, columns: readonly Column[], rows: readonly HTMLTableRowElement[]): HTMLElement {
  return h(
    'section',
    { id },
    h('h2', null, title),
    intro,
    h('div', { class: 'panel' }, h('table', null, h('thead', null, h('tr', null, columns.map((c) => h('th', c.num ? { class: 'num' } : null, c.title)))), h('tbody', null, rows))),
  );
}
