import type { Change } from '../../../types.js';
import { describeApproval } from '../../../approve/describe-approval.js';
import { TRANSPORT_PREFIX } from '../../changes/change-kind.js';
import { formatCount, plural } from '../../plain-format.js';
import type { Group } from '../groups.js';
import { h } from './dom.js';
import type { ReportContext } from './report-context.js';

const KIND_LABEL: Record<Change['kind'], string> = { status: 'status', transport: 'transport', structure: 'body structure', value: 'body values', header: 'headers' };

/**
 * The groups behind a change's signatures, by `METHOD /route` and signature. A transport change's
 * signature (`transport::timeout (CODE)`) is the error group's (`error:timeout (CODE)`).
 */
function groupLookup(groups: readonly Group[]): (route: string, signature: string, noise: boolean) => Group[] {
  const map = new Map<string, Group[]>();
  for (const g of groups) {
    const sig = g.verdict === 'error' ? `${TRANSPORT_PREFIX}${g.signature.slice('error:'.length)}` : g.signature;
    const key = `${g.method} ${g.route}\0${g.verdict === 'noise' ? 'noise' : 'change'}\0${sig}`;
    map.set(key, [...(map.get(key) ?? []), g]);
  }
  return (route, signature, noise) => map.get(`${route}\0${noise ? 'noise' : 'change'}\0${signature}`) ?? [];
}

function changeItem(c: Change, rank: number, noise: boolean, groupsOf: ReturnType<typeof groupLookup>): HTMLElement {
  const head = h(
    'button',
    { class: 'chead', type: 'button', 'aria-expanded': 'false', 'aria-controls': `cb-${c.id}` },
    h('span', { class: 'rank' }, `${rank}.`),
    h('span', { class: 'ctitle' }, c.title),
    h('span', { class: 'kind' }, KIND_LABEL[c.kind]),
    h('span', { class: 'count' }, `${c.routes.length === 1 ? c.routes[0] : plural(c.routes.length, 'route')} \u00b7 `, h('b', null, plural(c.exchanges, 'exchange'))),
  );
  const rows = c.signatures.map((s) => {
    const links = groupsOf(s.route, s.signature, noise).map((g) => h('a', { href: `#g=${g.id}`, class: 'open-group' }, 'examples'));
    return h(
      'tr',
      null,
      h('td', { class: 'mono' }, s.route),
      h('td', { class: 'mono' }, s.signature, s.filteredBy?.length ? h('div', { class: 'muted' }, `filtered by ${s.filteredBy.join('; ')}`) : null),
      h('td', { class: 'num' }, formatCount(s.exchanges)),
      h('td', null, links),
    );
  });
  const body = h(
    'div',
    { class: 'cbody', id: `cb-${c.id}`, hidden: true },
    h('p', { class: 'muted' }, `Change ${c.id} on `, h('span', { class: 'mono' }, c.routes.join(', ')), noise ? '' : ` \u00b7 approve it with replayguard approve --change ${c.id}`),
    h('table', null, h('thead', null, h('tr', null, h('th', null, 'Route'), h('th', null, 'Signature'), h('th', { class: 'num' }, 'Exchanges'), h('th', null, ''))), h('tbody', null, rows)),
  );
  head.addEventListener('click', () => {
    const open = head.getAttribute('aria-expanded') !== 'true';
    head.setAttribute('aria-expanded', String(open));
    body.hidden = !open;
  });
  return h('li', { class: 'change', 'data-change': c.id, 'data-kind': c.kind }, head, body);
}

/** The approvals behind the replayed revision (`replayguard approve`), when there are any. */
export function approvalsView(ctx: ReportContext): HTMLElement | null {
  const list = ctx.summary.approvals ?? [];
  if (!list.length) return null;
  return h('section', { id: 'approvals' }, h('h2', null, 'Approved changes behind this session'), h('ul', null, list.map((a) => h('li', { class: 'mono' }, describeApproval(a)))));
}

/**
 * The page's first view: the run's changes, ranked by what breaks clients (status and transport,
 * body structure, body values, headers; then by exchanges), each opening to its routes and
 * signatures, whose groups hold the examples. Noise is grouped the same way, further down.
 */
export function changesView(ctx: ReportContext, noise: boolean): HTMLElement | null {
  const list = noise ? ctx.summary.noiseChanges : ctx.summary.changes;
  if (!list?.length) return null;
  const groupsOf = groupLookup(ctx.data.groups);
  return h(
    'section',
    { id: noise ? 'noise-changes' : 'changes' },
    h('h2', null, noise ? `Noise, grouped into ${plural(list.length, 'change')}` : `${plural(list.length, 'change')}, most breaking first`),
    h('ol', { class: 'changes' }, list.map((c, i) => changeItem(c, i + 1, noise, groupsOf))),
  );
}
