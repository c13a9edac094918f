/**
 * Client helpers, shipped as source text inside the page. Every recorded value reaches the DOM
 * through `h()`, which only creates text nodes and sets attributes: there is no innerHTML anywhere.
 * Plain ES2019 without template literals, so it embeds in a TS template string unchanged.
 */
export const CLIENT_DOM = String.raw`
function append(el, c) {
  if (c === null || c === undefined || c === false) return;
  if (Array.isArray(c)) { for (var i = 0; i < c.length; i++) append(el, c[i]); return; }
  if (typeof c === 'object' && c.nodeType) { el.appendChild(c); return; }
  el.appendChild(document.createTextNode(String(c)));
}
function h(tag, props) {
  var el = document.createElement(tag);
  if (props) {
    for (var k in props) {
      var v = props[k];
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k.slice(0, 2) === 'on') el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  for (var i = 2; i < arguments.length; i++) append(el, arguments[i]);
  return el;
}
function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); }
function fmt(n) { return Number(n || 0).toLocaleString('en-US'); }
function pct(part, total) {
  if (!total) return '0%';
  var p = part / total * 100;
  if (p > 0 && p < 0.1) return '<0.1%';
  return (Math.round(p * 10) / 10) + '%';
}
function plural(n, unit) { return fmt(n) + ' ' + unit + (n === 1 ? '' : 's'); }
function dur(ms) {
  if (ms < 1000) return Math.round(ms) + ' ms';
  var s = ms / 1000;
  if (s < 60) return s.toFixed(1) + ' s';
  var m = Math.floor(s / 60);
  return m + ' min ' + Math.round(s - m * 60) + ' s';
}
var VERDICTS = ['regression', 'error', 'noise', 'skipped', 'pass'];
var ICON = { regression: '\u2717', error: '\u26a0', noise: '\u2248', skipped: '\u00bb', pass: '\u2713' };
function verdictTag(v) { return h('span', { class: 'v-' + v }, ICON[v] + ' ' + v); }
function headerTable(headers, marked) {
  if (!headers || !headers.length) return h('div', { class: 'note' }, 'no headers');
  return h('table', { class: 'hdrs' }, h('tbody', null, headers.map(function (p) {
    var hit = marked && marked[String(p[0]).toLowerCase()];
    return h('tr', { class: hit ? 'ln mk-changed' : null, title: hit || null },
      h('td', null, hit ? '~ ' : '', p[0]), h('td', null, p[1]));
  })));
}
`;
