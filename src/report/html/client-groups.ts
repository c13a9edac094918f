/**
 * Client: route cards and their groups. Groups start collapsed; a group's body (snippet, examples,
 * exchange) is built on first open, which keeps a 20,000-result report quick to load.
 */
export const CLIENT_GROUPS = String.raw`
function copyText(text, btn) {
  function done(ok) {
    btn.textContent = ok ? 'Copied \u2713' : 'Press Ctrl+C to copy';
    setTimeout(function () { btn.textContent = 'Copy'; }, 2000);
  }
  function fallback() {
    var ta = h('textarea', { class: 'sr', 'aria-hidden': 'true' });
    ta.value = text;
    document.body.appendChild(ta);
    ta.select();
    var ok = false;
    try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
    document.body.removeChild(ta);
    btn.focus();
    done(ok);
  }
  if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(text).then(function () { done(true); }, fallback);
  else fallback();
}
function snippetView(g) {
  if (g.verdict === 'noise') return h('div', { class: 'snippet' }, 'Filtered by ', h('code', null, g.filteredBy), h('div', { class: 'muted' }, 'Signature ', h('code', null, g.signature)));
  if (g.verdict !== 'regression') return null;
  if (!g.snippet) return h('div', { class: 'snippet' }, h('strong', null, 'No noise rule for this change. '), g.snippetNote);
  var btn = h('button', { class: 'btn', type: 'button', 'data-copy': 'snippet' }, 'Copy');
  btn.addEventListener('click', function () { copyText(g.snippet, btn); });
  return h('div', { class: 'snippet' },
    h('div', { class: 'row' }, h('strong', null, 'Not a regression? Mark it as noise'), btn),
    h('div', { class: 'muted' }, g.snippetNote + ' Merge into replayguard.config.json.'),
    h('pre', { class: 'snippet-text' }, g.snippet));
}
function renderGroupBody(ge) {
  var g = ge.g;
  var ids = g.exampleIds.filter(function (id) { return EX[id]; });
  var panel = h('div', { role: 'tabpanel', class: 'example-panel' });
  var tabs = ids.map(function (id) {
    var ex = EX[id];
    var b = h('button', { class: 'tab', type: 'button', role: 'tab', 'aria-selected': 'false', 'data-example': id, title: ex.method + ' ' + ex.url }, ex.method + ' ' + ex.url);
    b.addEventListener('click', function () { selectExample(ge, id, true); });
    return b;
  });
  ge.tabs = tabs;
  ge.panel = panel;
  var caption = ids.length
    ? 'Examples: ' + ids.length + ' of ' + plural(g.exchanges, 'exchange') + (ids.length < g.exchanges ? ' (the first ' + ids.length + ' are kept in this file)' : '')
    : 'No example embedded for this group (page size budget reached); counts are complete.';
  append(ge.body, [snippetView(g), h('div', { class: 'muted' }, caption), tabs.length ? h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'examples' }, tabs) : null, panel]);
  ge.rendered = true;
}
function selectExample(ge, id, record) {
  ge.tabs.forEach(function (t) { t.setAttribute('aria-selected', String(t.getAttribute('data-example') === String(id))); });
  clear(ge.panel);
  if (EX[id]) ge.panel.appendChild(exchangeView(EX[id]));
  if (record) { state.g = ge.g.id; state.x = String(id); writeHash(); }
}
function setOpen(ge, open, record) {
  if (open && !ge.rendered) renderGroupBody(ge);
  ge.head.setAttribute('aria-expanded', String(open));
  ge.body.hidden = !open;
  if (open && ge.tabs.length && !ge.panel.firstChild) {
    var want = state.g === ge.g.id && state.x ? state.x : ge.tabs[0].getAttribute('data-example');
    selectExample(ge, ge.g.exampleIds.some(function (i) { return String(i) === String(want); }) ? want : ge.g.exampleIds[0], false);
  }
  if (record) {
    if (open) { state.g = ge.g.id; state.x = ''; }
    else if (state.g === ge.g.id) { state.g = ''; state.x = ''; }
    writeHash();
  }
}
function groupView(g) {
  var key = g.method + ' ' + g.route;
  var total = ROUTE_TOTAL[key] ? ROUTE_TOTAL[key].total : g.exchanges;
  var bar = h('span', { class: 'share', 'aria-hidden': 'true' }, h('span', { class: 'bg-' + g.verdict }));
  bar.firstChild.style.width = (total ? Math.min(100, g.exchanges / total * 100) : 0) + '%';
  var head = h('button', { class: 'ghead', type: 'button', 'aria-expanded': 'false', 'aria-controls': 'b-' + g.id, id: 'h-' + g.id },
    h('span', { class: 'icon v-' + g.verdict, 'aria-hidden': 'true' }, ICON[g.verdict]),
    h('span', { class: 'label' }, h('span', { class: 'sr' }, g.verdict + ': '), g.label),
    h('span', { class: 'count' }, h('b', { class: 'n-exchanges' }, plural(g.exchanges, 'exchange')), ' \u00b7 ' + pct(g.exchanges, total) + ' of route', bar),
    h('span', { class: 'sub' }, g.verdict === 'noise' ? 'noise \u2014 filtered by ' + g.filteredBy : g.verdict + ' \u2014 ' + g.signature));
  var body = h('div', { class: 'gbody', id: 'b-' + g.id, role: 'region', 'aria-labelledby': 'h-' + g.id, hidden: true });
  var el = h('div', { class: 'group', id: g.id, 'data-verdict': g.verdict, 'data-route': key }, head, body);
  var hay = [key, g.label, g.signature, g.filteredBy || ''];
  g.exampleIds.forEach(function (id) {
    var ex = EX[id];
    if (!ex) return;
    hay.push(ex.url);
    ex.differences.concat(ex.filtered).forEach(function (d) { hay.push(d.path); });
  });
  var ge = { g: g, key: key, el: el, head: head, body: body, rendered: false, tabs: [], panel: null, hay: hay.join('\n').toLowerCase() };
  head.addEventListener('click', function () { setOpen(ge, head.getAttribute('aria-expanded') !== 'true', true); });
  return ge;
}
function routeCardView(key, ges) {
  var r = ROUTE_TOTAL[key] || { total: 0 };
  var bits = [plural(r.total, 'exchange')];
  ['regression', 'error', 'noise', 'skipped', 'pass'].forEach(function (v) { if (r[v]) bits.push(fmt(r[v]) + ' ' + v); });
  var sp = key.indexOf(' ');
  return h('section', { class: 'route', 'data-route': key },
    h('div', { class: 'rhead' }, h('h3', null, h('span', { class: 'method' }, key.slice(0, sp)), key.slice(sp + 1)), h('span', { class: 'muted' }, bits.join(' \u00b7 '))),
    ges.map(function (ge) { return ge.el; }));
}
`;
