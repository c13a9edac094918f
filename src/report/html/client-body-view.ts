/**
 * Client: bodies as DOM. JSON is pretty-printed line by line from the parsed value so a difference's
 * pointer can mark its own lines (gutter symbol, strike or underline, background) in place.
 */
export const CLIENT_BODY_VIEW = String.raw`
var MARK_SYM = { removed: '\u2212', added: '+', changed: '~', noise: '\u2248' };
function escPtr(k) { return String(k).replace(/~/g, '~0').replace(/\//g, '~1'); }
function line(depth, mark, parts) {
  var el = h('div', { class: 'ln' + (mark ? ' mk-' + mark.kind : ''), title: mark ? mark.title : null },
    h('span', { class: 'g', 'aria-hidden': 'true' }, mark ? MARK_SYM[mark.kind] : ' '),
    h('span', { class: 'c' }, parts));
  el.style.paddingLeft = (depth * 2) + 'ch';
  if (mark) el.setAttribute('data-mark', mark.kind);
  return el;
}
function scalar(v) {
  if (typeof v === 'string') return h('span', { class: 's' }, JSON.stringify(v));
  if (typeof v === 'number') return h('span', { class: 'n' }, String(v));
  return h('span', { class: 'b' }, String(v));
}
function jsonView(value, marks) {
  var out = h('div', { class: 'code json' });
  var count = 0;
  function walk(v, ptr, key, depth, comma, inherited) {
    if (++count > 20000) return;
    var mark = marks[ptr] || inherited;
    var label = key === null ? null : [h('span', { class: 'k' }, JSON.stringify(key)), ': '];
    var tail = comma ? ',' : '';
    if (v !== null && typeof v === 'object') {
      var isArr = Array.isArray(v);
      var keys = isArr ? v.map(function (_, i) { return i; }) : Object.keys(v);
      if (!keys.length) { out.appendChild(line(depth, mark, [label, isArr ? '[]' : '{}', tail])); return; }
      out.appendChild(line(depth, mark, [label, isArr ? '[' : '{']));
      keys.forEach(function (k, i) { walk(v[k], ptr + '/' + escPtr(k), isArr ? null : k, depth + 1, i < keys.length - 1, mark); });
      out.appendChild(line(depth, mark, [isArr ? ']' : '}', tail]));
    } else {
      out.appendChild(line(depth, mark, [label, scalar(v), tail]));
    }
  }
  walk(value, '', null, 0, false, null);
  if (count > 20000) out.appendChild(h('div', { class: 'note' }, 'long body: first 20,000 values shown'));
  return out;
}
function textView(text) {
  return h('div', { class: 'code' }, text.split('\n').map(function (t) { return line(0, null, t); }));
}
// side: -1 shows the recorded text (removed parts marked), 1 the candidate text (added parts marked).
function textDiffView(parts, side) {
  var out = h('div', { class: 'code' });
  parts.forEach(function (p) {
    if (p[0] === -side) return;
    var lines = p[1].replace(/\n$/, '').split('\n');
    var mark = p[0] === 0 ? null : (p[0] < 0 ? { kind: 'removed', title: 'only in recorded' } : { kind: 'added', title: 'only in candidate' });
    lines.forEach(function (t) { out.appendChild(line(0, mark, t)); });
  });
  return out;
}
function hexHead(b64) {
  var bin = atob(b64), rows = [];
  for (var i = 0; i < bin.length; i += 16) {
    var hex = [], asc = '';
    for (var j = i; j < Math.min(i + 16, bin.length); j++) {
      var c = bin.charCodeAt(j);
      hex.push((c < 16 ? '0' : '') + c.toString(16));
      asc += c >= 32 && c < 127 ? bin[j] : '.';
    }
    rows.push(line(0, null, ('0000' + i.toString(16)).slice(-4) + '  ' + hex.join(' ') + '  ' + asc));
  }
  return h('div', { class: 'code' }, rows);
}
function bodyView(body, marks, textDiff, side) {
  var notes = (body.notes || []).map(function (n) { return h('div', { class: 'note' }, n); });
  if (body.kind === 'none') return h('div', { class: 'note' }, 'no body');
  if (body.kind === 'json') return h('div', null, notes, jsonView(body.value, marks || {}));
  if (body.kind === 'text') return h('div', null, notes, textDiff ? textDiffView(textDiff, side) : textView(body.text));
  return h('div', null, notes,
    h('div', { class: 'note' }, 'binary body, ' + fmt(body.size) + ' bytes, sha256 ' + body.sha256),
    hexHead(body.headBase64));
}
`;
