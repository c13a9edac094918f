/**
 * Client: one exchange opened from a group — the request, then recorded / candidate / baseline
 * side by side with each difference marked where it occurs.
 */
export const CLIENT_EXCHANGE = String.raw`
function bodyMarks(ex, side) {
  var marks = {};
  function put(d, kind) {
    if (d.target !== 'body' || d.path.charAt(0) !== '/') return;
    if (!marks[d.path]) marks[d.path] = { kind: kind, title: d.label + (d.filteredBy ? ' (noise: ' + d.filteredBy + ')' : '') };
  }
  ex.differences.forEach(function (d) {
    if (side === 'recorded' && d.op !== 'add') put(d, d.op === 'remove' ? 'removed' : 'changed');
    if (side === 'candidate' && d.op !== 'remove') put(d, d.op === 'add' ? 'added' : 'changed');
  });
  ex.filtered.forEach(function (d) { if (side !== 'baseline') put(d, 'noise'); });
  return marks;
}
function headerMarks(ex) {
  var marks = {};
  ex.differences.concat(ex.filtered).forEach(function (d) {
    if (d.target === 'header') marks[d.path.toLowerCase()] = d.label + (d.filteredBy ? ' (noise: ' + d.filteredBy + ')' : '');
  });
  return marks;
}
function diffItem(d, noise) {
  var sym = d.op === 'remove' ? '\u2212' : d.op === 'add' ? '+' : '~';
  var vals = [];
  if (d.before !== undefined && d.after !== undefined) vals = ['  ', h('span', { class: 'changed-val' }, d.before), ' \u2192 ', h('span', { class: 'changed-val' }, d.after)];
  else if (d.before !== undefined) vals = ['  was ', h('span', { class: 'changed-val' }, d.before)];
  else if (d.after !== undefined) vals = ['  now ', h('span', { class: 'changed-val' }, d.after)];
  return h('li', { class: noise ? 'v-noise' : null },
    h('span', { 'aria-hidden': 'true' }, noise ? '\u2248 ' : sym + ' '), d.label, vals,
    noise ? h('span', { class: 'why' }, '  \u2014 filtered by ' + d.filteredBy) : null);
}
function sideView(title, s, ex, key, refStatus) {
  if (!s) return h('div', { class: 'side' }, h('h4', null, title), h('div', { class: 'note' }, key === 'candidate' ? 'no response' : 'not recorded'));
  var statusChanged = refStatus !== null && refStatus !== s.status;
  var textDiff = key === 'baseline' ? null : ex.textDiff;
  return h('div', { class: 'side', 'data-side': key },
    h('h4', null, h('span', null, title), h('span', null, s.totalMs === null ? '' : Math.round(s.totalMs) + ' ms')),
    h('div', { class: 'status' + (statusChanged ? ' ln mk-changed' : '') }, statusChanged ? '~ ' : '', 'HTTP ' + s.status),
    h('details', null, h('summary', null, 'headers (' + s.headers.length + ')'), headerTable(s.headers, headerMarks(ex))),
    bodyView(s.body, bodyMarks(ex, key), textDiff, key === 'recorded' ? -1 : 1));
}
function exchangeView(ex) {
  var ref = ex.recorded ? ex.recorded.status : null;
  var regressions = ex.differences.map(function (d) { return diffItem(d, false); });
  var noise = ex.filtered.map(function (d) { return diffItem(d, true); });
  return h('div', { class: 'exchange', 'data-exchange': ex.id },
    h('div', { class: 'reqline' }, h('span', { class: 'method' }, ex.method), ex.url,
      h('span', { class: 'muted' }, '  #' + ex.seq + ' \u00b7 exchange ' + ex.id + ' \u00b7 '), verdictTag(ex.verdict)),
    ex.error ? h('div', { class: 'ln mk-changed' }, h('span', { class: 'g' }, '!'), ex.error) : null,
    regressions.length || noise.length ? h('ul', { class: 'diffs' }, regressions, noise) : null,
    ex.notes.map(function (n) { return h('div', { class: 'note' }, n); }),
    h('details', { class: 'side', style: null },
      h('summary', null, 'request: ' + ex.request.headers.length + ' headers' + (ex.request.body.kind === 'none' ? ', no body' : ', body')),
      headerTable(ex.request.headers, null), bodyView(ex.request.body, {}, null, 0)),
    h('div', { class: 'sides' },
      sideView('recorded', ex.recorded, ex, 'recorded', null),
      sideView('candidate', ex.candidate, ex, 'candidate', ref),
      ex.baseline ? sideView('baseline', ex.baseline, ex, 'baseline', ref) : null));
}
`;
