import { formatCount, plural } from '../../plain-format.js';
import { approvalsView, changesView } from './changes-view.js';
import { controlsView } from './controls-view.js';
import { append, clear, h } from './dom.js';
import { footerView } from './footer-view.js';
import { createGroupViews } from './group-view.js';
import { groupsView } from './groups-view.js';
import { headerView } from './header-view.js';
import { latencyView } from './latency-view.js';
import { metricsView } from './metrics-view.js';
import { stubsView } from './stubs-view.js';
import { learnedView } from './learned-view.js';
import { unreproducedView } from './unreproduced-view.js';
import { readReportContext } from './report-context.js';
import { routesView } from './routes-view.js';
import { createHashWriter, GROUP_VERDICTS, initialViewState, readHash } from './view-state.js';

/**
 * The report page's script (bundled into report.html at build time): builds the page from the
 * embedded JSON, and keeps filters, the open group and the URL hash in step.
 */
function boot(): void {
  const ctx = readReportContext(document);
  const state = initialViewState();
  const hash = createHashWriter(state);
  readHash(state, location.hash);

  const { groupView, setOpen, scrollTo } = createGroupViews(ctx, state, hash.write);
  const clearButton = h('button', { class: 'linkish', type: 'button' }, 'Clear filters');
  const noMatch = h('div', { class: 'empty', id: 'no-match', hidden: true }, 'Nothing matches these filters. ', clearButton);
  const groups = groupsView(ctx, groupView, noMatch);

  const applyFilters = (): void => {
    const q = state.q.trim().toLowerCase();
    let shown = 0;
    for (const card of groups.cards) {
      let any = false;
      for (const ge of card.entries) {
        const ok = state.v[ge.g.verdict] && (!state.r || state.r === ge.key) && (!q || ge.hay.includes(q));
        ge.el.hidden = !ok;
        if (ok) {
          any = true;
          shown++;
        }
      }
      card.el.hidden = !any;
    }
    controls.status.textContent = `Showing ${formatCount(shown)} of ${plural(groups.entries.length, 'group')}`;
    noMatch.hidden = shown > 0 || groups.entries.length === 0;
  };
  const update = (): void => {
    applyFilters();
    hash.write();
  };
  const resetFilters = (): void => {
    for (const v of GROUP_VERDICTS) state.v[v] = true;
    state.r = '';
    state.q = '';
    controls.sync();
    update();
  };
  const controls = controlsView(state, groups.entries, groups.routesWithGroups, update, resetFilters);
  clearButton.addEventListener('click', resetFilters);

  /** Shows what the hash says: filters, and the group (and example) it points at. */
  const applyState = (): void => {
    controls.sync();
    applyFilters();
    const open = groups.entries.find((ge) => ge.g.id === state.g);
    if (open) {
      setOpen(open, true, false);
      scrollTo(open);
    }
  };

  const app = document.getElementById('app')!;
  clear(app);
  const showRoute = (key: string): void => {
    state.r = key;
    controls.sync();
    update();
    controls.route.scrollIntoView({ block: 'nearest' });
  };
  append(app, [
    headerView(ctx),
    controls.el,
    h('main', null, unreproducedView(ctx), changesView(ctx, false), groups.el, changesView(ctx, true), approvalsView(ctx), stubsView(ctx), metricsView(ctx), latencyView(ctx), learnedView(ctx), routesView(ctx, (key) => groups.routesWithGroups.has(key), showRoute)),
    footerView(ctx),
  ]);
  hash.applying(applyState);
  window.addEventListener('hashchange', () =>
    hash.applying(() => {
      readHash(state, location.hash);
      applyState();
    }),
  );
  document.addEventListener('keydown', (e) => {
    const tag = e.target instanceof Element ? e.target.tagName : '';
    if (e.key === '/' && tag !== 'INPUT' && tag !== 'TEXTAREA' && tag !== 'SELECT') {
      e.preventDefault();
      controls.search.focus();
    }
  });
  document.documentElement.setAttribute('data-ready', 'true');
}

boot();
