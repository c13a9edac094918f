/**
 * Client: boot, filters and the URL hash. The hash holds the whole view state
 * (`#v=regression&r=GET%20%2Fusers%2F%3Aid&q=email&g=<group>&x=<exchange>`), so a link points at a group.
 */
export const CLIENT_APP = String.raw`
var DATA = JSON.parse(document.getElementById('rg-data').textContent);
var S = DATA.summary, RUN = S.run;
var EX = {}, ROUTE_TOTAL = {}, ROUTE_GROUPS = {};
DATA.examples.forEach(function (e) { EX[e.id] = e; });
S.routes.forEach(function (r) { ROUTE_TOTAL[r.method + ' ' + r.route] = r; });
var GROUP_VERDICTS = ['regression', 'error', 'noise', 'skipped'];
var RANK = { regression: 0, error: 1, noise: 2, skipped: 3 };
var state = { v: { regression: true, error: true, noise: true, skipped: true }, r: '', q: '', g: '', x: '' };
var ALL = [], BY_ID = {}, CARDS = [], controls = {}, applying = false;

function readHash() {
  var p = new URLSearchParams(location.hash.slice(1));
  var vs = p.has('v') ? p.get('v').split(',') : GROUP_VERDICTS;
  GROUP_VERDICTS.forEach(function (v) { state.v[v] = vs.indexOf(v) >= 0; });
  state.r = p.get('r') || ''; state.q = p.get('q') || ''; state.g = p.get('g') || ''; state.x = p.get('x') || '';
}
function writeHash() {
  if (applying) return;
  var p = new URLSearchParams();
  var vs = GROUP_VERDICTS.filter(function (v) { return state.v[v]; });
  if (vs.length !== GROUP_VERDICTS.length) p.set('v', vs.join(','));
  ['r', 'q', 'g', 'x'].forEach(function (k) { if (state[k]) p.set(k, state[k]); });
  var s = p.toString();
  try { history.replaceState(null, '', s ? '#' + s : location.pathname + location.search); } catch (e) { location.hash = s; }
}
function applyFilters() {
  var q = state.q.trim().toLowerCase(), shown = 0;
  CARDS.forEach(function (card) {
    var any = false;
    card.ges.forEach(function (ge) {
      var ok = state.v[ge.g.verdict] && (!state.r || state.r === ge.key) && (!q || ge.hay.indexOf(q) >= 0);
      ge.el.hidden = !ok;
      if (ok) { any = true; shown++; }
    });
    card.el.hidden = !any;
  });
  controls.status.textContent = 'Showing ' + fmt(shown) + ' of ' + plural(ALL.length, 'group');
  controls.none.hidden = shown > 0 || ALL.length === 0;
}
function syncControls() {
  controls.toggles.forEach(function (t) { t.setAttribute('aria-pressed', String(!!state.v[t.getAttribute('data-verdict')])); });
  controls.route.value = ROUTE_GROUPS[state.r] ? state.r : '';
  if (!ROUTE_GROUPS[state.r]) state.r = '';
  controls.search.value = state.q;
}
function openFromState(scroll) {
  var ge = BY_ID[state.g];
  if (!ge) return;
  setOpen(ge, true, false);
  if (scroll) ge.el.scrollIntoView({ block: 'start' });
}
function update() { applyFilters(); writeHash(); }
function controlsView() {
  var counts = {};
  ALL.forEach(function (ge) { counts[ge.g.verdict] = (counts[ge.g.verdict] || 0) + 1; });
  controls.toggles = GROUP_VERDICTS.map(function (v) {
    var b = h('button', { class: 'toggle v-' + v, type: 'button', 'aria-pressed': 'true', 'data-verdict': v, title: 'show or hide ' + v + ' groups' },
      ICON[v] + ' ' + v + ' ', h('b', null, fmt(counts[v] || 0)));
    b.addEventListener('click', function () { state.v[v] = !state.v[v]; syncControls(); update(); });
    return b;
  });
  controls.route = h('select', { 'aria-label': 'route', id: 'route-filter' }, h('option', { value: '' }, 'All routes'),
    Object.keys(ROUTE_GROUPS).sort().map(function (k) { return h('option', { value: k }, k); }));
  controls.route.addEventListener('change', function () { state.r = controls.route.value; update(); });
  controls.search = h('input', { type: 'search', id: 'search', placeholder: 'Search paths, URLs, rules\u2026  ( / )', 'aria-label': 'search paths and URLs', autocomplete: 'off' });
  controls.search.addEventListener('input', function () { state.q = controls.search.value; update(); });
  controls.search.addEventListener('keydown', function (e) { if (e.key === 'Escape') { state.q = ''; controls.search.value = ''; update(); } });
  controls.status = h('span', { class: 'status', role: 'status', 'aria-live': 'polite' });
  var reset = h('button', { class: 'linkish', type: 'button' }, 'Clear filters');
  reset.addEventListener('click', resetFilters);
  return h('nav', { class: 'controls', 'aria-label': 'filters' }, h('div', { class: 'controls-inner' }, controls.toggles, controls.route, controls.search, reset, controls.status));
}
function resetFilters() {
  GROUP_VERDICTS.forEach(function (v) { state.v[v] = true; });
  state.r = ''; state.q = '';
  syncControls(); update();
}
function groupsView() {
  var c = S.counts;
  var byRoute = {};
  DATA.groups.slice().sort(function (a, b) { return RANK[a.verdict] - RANK[b.verdict] || b.exchanges - a.exchanges; }).forEach(function (g) {
    var ge = groupView(g);
    ALL.push(ge); BY_ID[g.id] = ge;
    (byRoute[ge.key] = byRoute[ge.key] || []).push(ge);
    ROUTE_GROUPS[ge.key] = true;
  });
  function weight(k) { var r = ROUTE_TOTAL[k] || {}; return (r.regression || 0) * 1e6 + (r.error || 0) * 1e3 + byRoute[k].length; }
  Object.keys(byRoute).sort(function (a, b) { return weight(b) - weight(a) || (a < b ? -1 : 1); }).forEach(function (k) {
    CARDS.push({ key: k, ges: byRoute[k], el: routeCardView(k, byRoute[k]) });
  });
  var good = !c.regression && !c.error
    ? h('div', { class: 'empty good', id: 'no-regressions' }, ICON.pass + ' No regressions: ' + plural(c.pass + c.noise, 'exchange') + ' passed' + (c.noise ? ' (' + fmt(c.noise) + ' only after filtering noise)' : '') + '.')
    : null;
  var clearBtn = h('button', { class: 'linkish', type: 'button' }, 'Clear filters');
  clearBtn.addEventListener('click', resetFilters);
  controls.none = h('div', { class: 'empty', id: 'no-match', hidden: true }, 'Nothing matches these filters. ', clearBtn);
  return h('section', { id: 'groups' }, h('h2', null, 'Behaviour changes by route'), good,
    ALL.length ? null : h('div', { class: 'empty' }, c.total ? 'Every exchange matched its recording exactly.' : 'This run has no results.'),
    controls.none, CARDS.map(function (card) { return card.el; }));
}
function boot() {
  readHash();
  var groups = groupsView();
  var app = document.getElementById('app');
  clear(app);
  append(app, [headerView(), controlsView(), h('main', null, groups, latencyView(), learnedView(),
    routesView(function (key) { state.r = key; syncControls(); update(); controls.route.scrollIntoView({ block: 'nearest' }); })), footerView()]);
  applying = true;
  syncControls(); applyFilters(); openFromState(true);
  applying = false;
  window.addEventListener('hashchange', function () {
    applying = true;
    readHash(); syncControls(); applyFilters(); openFromState(true);
    applying = false;
  });
  document.addEventListener('keydown', function (e) {
    var t = e.target && e.target.tagName;
    if (e.key === '/' && t !== 'INPUT' && t !== 'TEXTAREA' && t !== 'SELECT') { e.preventDefault(); controls.search.focus(); }
  });
  document.documentElement.setAttribute('data-ready', 'true');
}
boot();
`;
