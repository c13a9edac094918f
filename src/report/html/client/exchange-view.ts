import type { DiffView, ExampleView, SideView } from '../example-view.js';
import { bodyElement, headerTable, type Mark, type Marks } from './body-view.js';
import { h } from './dom.js';
import { verdictTag } from './verdict-tag.js';

/**
 * One exchange opened from a group: the request, then recorded / candidate / baseline side by side
 * with each difference marked where it occurs.
 */

type SideKey = 'recorded' | 'candidate' | 'baseline';

const titleOf = (d: DiffView): string => d.label + (d.filteredBy ? ` (noise: ${d.filteredBy})` : '');

function bodyMarks(ex: ExampleView, side: SideKey): Marks {
  const marks: Marks = {};
  const put = (d: DiffView, kind: Mark['kind']): void => {
    if (d.target !== 'body' || !d.path.startsWith('/')) return;
    marks[d.path] ??= { kind, title: titleOf(d) };
  };
  for (const d of ex.differences) {
    if (side === 'recorded' && d.op !== 'add') put(d, d.op === 'remove' ? 'removed' : 'changed');
    if (side === 'candidate' && d.op !== 'remove') put(d, d.op === 'add' ? 'added' : 'changed');
  }
  if (side !== 'baseline') for (const d of ex.filtered) put(d, 'noise');
  return marks;
}

function headerMarks(ex: ExampleView): Record<string, string> {
  const marks: Record<string, string> = {};
  for (const d of [...ex.differences, ...ex.filtered]) if (d.target === 'header') marks[d.path.toLowerCase()] = titleOf(d);
  return marks;
}

function diffItem(d: DiffView, noise: boolean): HTMLLIElement {
  const sym = d.op === 'remove' ? '\u2212' : d.op === 'add' ? '+' : '~';
  const val = (v: string) => h('span', { class: 'changed-val' }, v);
  const values =
    d.before !== undefined && d.after !== undefined
      ? ['  ', val(d.before), ' \u2192 ', val(d.after)]
      : d.before !== undefined
        ? ['  was ', val(d.before)]
        : d.after !== undefined
          ? ['  now ', val(d.after)]
          : [];
  return h(
    'li',
    { class: noise ? 'v-noise' : null },
    h('span', { 'aria-hidden': 'true' }, noise ? '\u2248 ' : `${sym} `),
    d.label,
    values,
    noise ? h('span', { class: 'why' }, `  \u2014 filtered by ${d.filteredBy ?? ''}`) : null,
  );
}

function sideView(title: string, s: SideView | null, ex: ExampleView, key: SideKey, refStatus: number | null): HTMLDivElement {
  if (!s) return h('div', { class: 'side' }, h('h4', null, title), h('div', { class: 'note' }, key === 'candidate' ? 'no response' : 'not recorded'));
  const statusChanged = refStatus !== null && refStatus !== s.status;
  return h(
    'div',
    { class: 'side', 'data-side': key },
    h('h4', null, h('span', null, title), h('span', null, s.totalMs === null ? '' : `${Math.round(s.totalMs)} ms`)),
    h('div', { class: `status${statusChanged ? ' ln mk-changed' : ''}` }, statusChanged ? '~ ' : '', `HTTP ${s.status}`),
    h('details', null, h('summary', null, `headers (${s.headers.length})`), headerTable(s.headers, headerMarks(ex))),
    bodyElement(s.body, bodyMarks(ex, key), key === 'baseline' ? null : ex.textDiff, key === 'recorded' ? -1 : 1),
  );
}

export function exchangeView(ex: ExampleView): HTMLDivElement {
  const ref = ex.recorded ? ex.recorded.status : null;
  const regressions = ex.differences.map((d) => diffItem(d, false));
  const noise = ex.filtered.map((d) => diffItem(d, true));
  return h(
    'div',
    { class: 'exchange', 'data-exchange': ex.id },
    h('div', { class: 'reqline' }, h('span', { class: 'method' }, ex.method), ex.url, h('span', { class: 'muted' }, `  #${ex.seq} \u00b7 exchange ${ex.id} \u00b7 `), verdictTag(ex.verdict)),
    ex.error ? h('div', { class: 'ln mk-changed' }, h('span', { class: 'g' }, '!'), ex.error) : null,
    regressions.length || noise.length ? h('ul', { class: 'diffs' }, regressions, noise) : null,
    ex.notes.map((n) => h('div', { class: 'note' }, n)),
    h(
      'details',
      { class: 'side' },
      h('summary', null, `request: ${ex.request.headers.length} headers${ex.request.body.kind === 'none' ? ', no body' : ', body'}`),
      headerTable(ex.request.headers, null),
      bodyElement(ex.request.body, {}, null, 0),
    ),
    // Stateful replay: what was actually sent, and which recorded values were replaced (secrets as placeholders).
    ex.mappings.length
      ? h(
          'ul',
          { class: 'diffs mappings' },
          ex.mappings.map((m) => h('li', null, h('span', { class: 'muted' }, `sent with ${m.kind} `), m.from, ' \u2192 ', m.to, h('span', { class: 'why' }, `  \u2014 ${m.source}`))),
        )
      : null,
    ex.sent
      ? h('details', { class: 'side' }, h('summary', null, `request as sent: ${ex.sent.url}`), headerTable(ex.sent.headers, null), ex.sent.body === null ? null : h('pre', null, ex.sent.body))
      : null,
    h(
      'div',
      { class: 'sides' },
      sideView('recorded', ex.recorded, ex, 'recorded', null),
      sideView('candidate', ex.candidate, ex, 'candidate', ref),
      ex.baseline ? sideView('baseline', ex.baseline, ex, 'baseline', ref) : null,
    ),
  );
}
