import { formatCount, plural, VERDICT_ORDER } from '../../plain-format.js';
import type { GroupVerdict } from '../groups.js';
import { h } from './dom.js';
import type { GroupEntry } from './group-view.js';
import type { ReportContext } from './report-context.js';
import { ICON } from './verdict-tag.js';

/** A route's card: its counts and its groups. */
export interface RouteCard {
  key: string;
  entries: GroupEntry[];
  el: HTMLElement;
}

const RANK: Record<GroupVerdict, number> = { unreproduced: 0, regression: 1, error: 2, noise: 3, skipped: 4 };

function routeCardView(ctx: ReportContext, key: string, entries: GroupEntry[]): HTMLElement {
  const r = ctx.routes.get(key);
  const bits = [plural(r?.total ?? 0, 'exchange')];
  for (const v of VERDICT_ORDER) if (r?.[v]) bits.push(`${formatCount(r[v])} ${v}`);
  const sp = key.indexOf(' ');
  return h(
    'section',
    { class: 'route', 'data-route': key },
    h('div', { class: 'rhead' }, h('h3', null, h('span', { class: 'method' }, key.slice(0, sp)), key.slice(sp + 1)), h('span', { class: 'muted' }, bits.join(' \u00b7 '))),
    entries.map((ge) => ge.el),
  );
}

/**
 * Behaviour changes by route: regression groups first, and routes with the most regressions (then
 * errors) on top. `noMatch` is shown by the filters when they hide everything.
 */
export function groupsView(ctx: ReportContext, makeEntry: (g: ReportContext['data']['groups'][number]) => GroupEntry, noMatch: HTMLElement) {
  const c = ctx.summary.counts;
  const entries: GroupEntry[] = [];
  const byRoute = new Map<string, GroupEntry[]>();
  const sorted = [...ctx.data.groups].sort((a, b) => RANK[a.verdict] - RANK[b.verdict] || b.exchanges - a.exchanges);
  for (const g of sorted) {
    const ge = makeEntry(g);
    entries.push(ge);
    byRoute.set(ge.key, [...(byRoute.get(ge.key) ?? []), ge]);
  }
  const weight = (k: string): number => {
    const r = ctx.routes.get(k);
    return (r?.regression ?? 0) * 1e6 + (r?.error ?? 0) * 1e3 + (byRoute.get(k)?.length ?? 0);
  };
  const cards: RouteCard[] = [...byRoute.keys()]
    .sort((a, b) => weight(b) - weight(a) || (a < b ? -1 : 1))
    .map((key) => ({ key, entries: byRoute.get(key)!, el: routeCardView(ctx, key, byRoute.get(key)!) }));
  const good =
    !c.regression && !c.error
      ? h('div', { class: 'empty good', id: 'no-regressions' }, `${ICON.pass} No regressions: ${plural(c.pass + c.noise, 'exchange')} passed${c.noise ? ` (${formatCount(c.noise)} only after filtering noise)` : ''}.`)
      : null;
  const el = h(
    'section',
    { id: 'groups' },
    h('h2', null, 'Behaviour changes by route'),
    good,
    entries.length ? null : h('div', { class: 'empty' }, c.total ? 'Every exchange matched its recording exactly.' : 'This run has no results.'),
    noMatch,
    cards.map((card) => card.el),
  );
  return { el, entries, cards, routesWithGroups: new Set(byRoute.keys()) };
}
