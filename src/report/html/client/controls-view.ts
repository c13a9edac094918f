import { formatCount } from '../../plain-format.js';
import { h } from './dom.js';
import type { GroupEntry } from './group-view.js';
import { ICON } from './verdict-tag.js';
import { GROUP_VERDICTS, type ViewState } from './view-state.js';

export interface Controls {
  el: HTMLElement;
  route: HTMLSelectElement;
  search: HTMLInputElement;
  status: HTMLElement;
  /** Shows the state in the controls (and drops a route filter that names no group). */
  sync(): void;
}

/** The filter bar: a toggle per verdict with its group count, the route select, the search box. */
export function controlsView(state: ViewState, entries: readonly GroupEntry[], routes: ReadonlySet<string>, onChange: () => void, onReset: () => void): Controls {
  const counts = new Map<string, number>();
  for (const ge of entries) counts.set(ge.g.verdict, (counts.get(ge.g.verdict) ?? 0) + 1);
  const toggles = GROUP_VERDICTS.map((v) => {
    const b = h(
      'button',
      { class: `toggle v-${v}`, type: 'button', 'aria-pressed': 'true', 'data-verdict': v, title: `show or hide ${v} groups` },
      `${ICON[v]} ${v} `,
      h('b', null, formatCount(counts.get(v) ?? 0)),
    );
    b.addEventListener('click', () => {
      state.v[v] = !state.v[v];
      controls.sync();
      onChange();
    });
    return b;
  });
  const route = h('select', { 'aria-label': 'route', id: 'route-filter' }, h('option', { value: '' }, 'All routes'), [...routes].sort().map((k) => h('option', { value: k }, k)));
  route.addEventListener('change', () => {
    state.r = route.value;
    onChange();
  });
  const search = h('input', { type: 'search', id: 'search', placeholder: 'Search paths, URLs, rules\u2026  ( / )', 'aria-label': 'search paths and URLs', autocomplete: 'off' });
  search.addEventListener('input', () => {
    state.q = search.value;
    onChange();
  });
  search.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape') return;
    state.q = '';
    search.value = '';
    onChange();
  });
  const status = h('span', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const reset = h('button', { class: 'linkish', type: 'button' }, 'Clear filters');
  reset.addEventListener('click', onReset);
  const controls: Controls = {
    el: h('nav', { class: 'controls', 'aria-label': 'filters' }, h('div', { class: 'controls-inner' }, toggles, route, search, reset, status)),
    route,
    search,
    status,
    sync() {
      for (const t of toggles) t.setAttribute('aria-pressed', String(state.v[t.getAttribute('data-verdict') as keyof ViewState['v']]));
      if (!routes.has(state.r)) state.r = '';
      route.value = state.r;
      search.value = state.q;
    },
  };
  return controls;
}
