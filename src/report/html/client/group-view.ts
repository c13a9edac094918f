import { formatCount, formatPercent, plural, routeKey } from '../../plain-format.js';
import type { Group } from '../groups.js';
import { append, h } from './dom.js';
import { exampleTabs, type ExampleTabs } from './example-tabs.js';
import { exchangeView } from './exchange-view.js';
import type { ReportContext } from './report-context.js';
import { snippetView } from './snippet-view.js';
import { ICON } from './verdict-tag.js';
import type { ViewState } from './view-state.js';

/** One group on the page, with what the filters and the hash need to reach it. */
export interface GroupEntry {
  g: Group;
  /** `METHOD /route` */
  key: string;
  el: HTMLDivElement;
  head: HTMLButtonElement;
  body: HTMLDivElement;
  /** The body (snippet, examples) is built on first open. */
  rendered: boolean;
  /** The examples' tabs, once rendered and when the group has any. */
  tabs: ExampleTabs | null;
  panel: HTMLDivElement | null;
  /** Lower-case text the search looks through. */
  hay: string;
}

/**
 * Groups start collapsed; a group's body (snippet, a page of example tabs, one exchange) is built on
 * first open, which keeps a 100,000-result report quick to load and a group quick to open. Opening a
 * group or picking an example is written to the hash through `writeHash`.
 */
export function createGroupViews(ctx: ReportContext, state: ViewState, writeHash: () => void) {
  function selectExample(ge: GroupEntry, id: number, record: boolean): void {
    if (!ge.tabs?.select(id) || !ge.panel) return;
    const ex = ctx.examples.get(id);
    // One replaceChildren: the old exchange goes and the new one comes in a single DOM change.
    ge.panel.replaceChildren(...(ex ? [exchangeView(ex)] : []));
    if (record) {
      state.g = ge.g.id;
      state.x = String(id);
      writeHash();
    }
  }

  function renderBody(ge: GroupEntry): void {
    const g = ge.g;
    const ids = g.exampleIds.filter((id) => ctx.examples.has(id));
    const panel = h('div', { role: 'tabpanel', class: 'example-panel' });
    ge.tabs = ids.length ? exampleTabs(ids, ctx.examples, (id) => selectExample(ge, id, true)) : null;
    ge.panel = panel;
    const caption = ids.length
      ? `Examples: ${formatCount(ids.length)} of ${plural(g.exchanges, 'exchange')}${ids.length < g.exchanges ? ` (the first ${formatCount(ids.length)} are kept in this file)` : ''}`
      : 'No example embedded for this group (page size budget reached); counts are complete.';
    const frag = document.createDocumentFragment();
    append(frag, [snippetView(g), h('div', { class: 'muted' }, caption), ge.tabs?.el, panel]);
    ge.body.appendChild(frag);
    ge.rendered = true;
  }

  /**
   * Opens or closes a group. Opening shows the example a link names (`state.x`, when `state.g` is
   * this group), else keeps the one shown, else shows the first.
   */
  function setOpen(ge: GroupEntry, open: boolean, record: boolean): void {
    if (open && !ge.rendered) renderBody(ge);
    ge.head.setAttribute('aria-expanded', String(open));
    ge.body.hidden = !open;
    const tabs = ge.tabs;
    if (open && tabs) {
      const linked = state.g === ge.g.id && state.x ? Number(state.x) : NaN;
      if (tabs.has(linked) && tabs.selected !== linked) selectExample(ge, linked, false);
      else if (tabs.selected === null) selectExample(ge, ge.g.exampleIds.find((id) => tabs.has(id))!, false);
    }
    if (record) {
      if (open) {
        state.g = ge.g.id;
        state.x = '';
      } else if (state.g === ge.g.id) {
        state.g = '';
        state.x = '';
      }
      writeHash();
    }
  }

  /** Brings an open group to the top of the page, its selected example's tab in view within the strip. */
  function scrollTo(ge: GroupEntry): void {
    ge.tabs?.reveal();
    ge.el.scrollIntoView({ block: 'start' });
  }

  function groupView(g: Group): GroupEntry {
    const key = routeKey(g.method, g.route);
    const total = ctx.routes.get(key)?.total ?? g.exchanges;
    const fill = h('span', { class: `bg-${g.verdict}` });
    fill.style.width = `${total ? Math.min(100, (g.exchanges / total) * 100) : 0}%`;
    const head = h(
      'button',
      { class: 'ghead', type: 'button', 'aria-expanded': 'false', 'aria-controls': `b-${g.id}`, id: `h-${g.id}` },
      h('span', { class: `icon v-${g.verdict}`, 'aria-hidden': 'true' }, ICON[g.verdict]),
      h('span', { class: 'label' }, h('span', { class: 'sr' }, `${g.verdict}: `), g.label),
      h('span', { class: 'count' }, h('b', { class: 'n-exchanges' }, plural(g.exchanges, 'exchange')), ` \u00b7 ${formatPercent(g.exchanges, total)} of route`, h('span', { class: 'share', 'aria-hidden': 'true' }, fill)),
      h('span', { class: 'sub' }, g.verdict === 'noise' ? `noise \u2014 filtered by ${g.filteredBy ?? ''}` : `${g.verdict} \u2014 ${g.signature}`),
    );
    const body = h('div', { class: 'gbody', id: `b-${g.id}`, role: 'region', 'aria-labelledby': `h-${g.id}`, hidden: true });
    const el = h('div', { class: 'group', id: g.id, 'data-verdict': g.verdict, 'data-route': key }, head, body);
    const hay = [key, g.label, g.signature, g.filteredBy ?? ''];
    for (const id of g.exampleIds) {
      const ex = ctx.examples.get(id);
      if (!ex) continue;
      hay.push(ex.url);
      for (const d of [...ex.differences, ...ex.filtered]) hay.push(d.path);
    }
    const ge: GroupEntry = { g, key, el, head, body, rendered: false, tabs: null, panel: null, hay: hay.join('\n').toLowerCase() };
    head.addEventListener('click', () => setOpen(ge, head.getAttribute('aria-expanded') !== 'true', true));
    return ge;
  }

  return { groupView, setOpen, scrollTo };
}
