/** Client: the run header (verdict, metadata, totals) and the tables below the groups. */
export const CLIENT_HEADER = String.raw`
function headerView() {
  var c = S.counts;
  var meta = [
    ['Target', RUN.target], ['Baseline', RUN.baseline || 'none'], ['Session', RUN.session],
    ['Started', new Date(RUN.startedAt).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC')],
    ['Duration', dur(S.durationMs)], ['Config fingerprint', RUN.configFingerprint],
    ['Run', '#' + RUN.id], ['Recordings', RUN.recordingsDb]
  ];
  return h('header', { class: 'top' },
    h('h1', null, 'replayguard report'),
    h('div', { class: 'verdict ' + (DATA.verdict.ok ? 'ok' : 'fail'), id: 'verdict' },
      h('span', { class: 'badge', 'aria-hidden': 'true' }, DATA.verdict.ok ? ICON.pass : ICON.regression), DATA.verdict.text),
    h('p', { class: 'reason' }, 'exit ' + S.exitCode + ' \u2014 ' + S.exitReason),
    h('dl', { class: 'meta' }, meta.map(function (m) { return h('div', null, h('dt', null, m[0]), h('dd', null, m[1])); })),
    h('div', { class: 'totals', id: 'totals' }, VERDICTS.map(function (v) {
      return h('span', { class: 'chip', 'data-verdict': v }, h('span', { class: 'v-' + v, 'aria-hidden': 'true' }, ICON[v]),
        h('b', null, fmt(c[v])), v, h('span', { class: 'muted' }, pct(c[v], c.total)));
    })),
    h('div', { class: 'stack', role: 'img', 'aria-label': 'share of exchanges by verdict' }, VERDICTS.map(function (v) {
      var s = h('span', { class: 'bg-' + v, title: v + ' ' + fmt(c[v]) });
      s.style.width = (c.total ? c[v] / c.total * 100 : 0) + '%';
      return s;
    })),
    h('div', { class: 'muted' }, 'Pass rate ' + pct(c.pass + c.noise, c.total) + ' (pass or noise only) of ' + plural(c.total, 'exchange')));
}
function stats(s) { return s ? Math.round(s.p50) + ' / ' + Math.round(s.p95) + ' ms' : '\u2014'; }
function latencyView() {
  if (!S.latency.length) return null;
  return h('section', { id: 'latency' }, h('h2', null, 'Latency per route'),
    h('div', { class: 'panel' }, h('table', null,
      h('thead', null, h('tr', null, h('th', null, 'Route'), h('th', { class: 'num' }, 'Recorded p50 / p95'), h('th', { class: 'num' }, 'Baseline p50 / p95'), h('th', { class: 'num' }, 'Candidate p50 / p95'), h('th', null, 'Judgement'))),
      h('tbody', null, S.latency.map(function (l) {
        return h('tr', { class: l.flagged ? 'ln mk-changed' : null, 'data-flagged': l.flagged ? 'true' : 'false' },
          h('td', { class: 'mono' }, l.method + ' ' + l.route), h('td', { class: 'num' }, stats(l.recorded)),
          h('td', { class: 'num' }, stats(l.baseline)), h('td', { class: 'num' }, stats(l.candidate)),
          h('td', null, l.flagged ? h('strong', null, '\u25b2 slower: ') : '', l.reason));
      })))));
}
function learnedView() {
  if (!S.learnedNoise.length) return null;
  return h('section', { id: 'learned' }, h('h2', null, 'Learned noise'),
    h('p', { class: 'muted' }, 'Patterns seen varying ' + (RUN.baseline ? 'against the baseline' : 'between repeated replays') + '. Shown here, never applied silently: add a rule to keep one.'),
    h('div', { class: 'panel' }, h('table', null,
      h('thead', null, h('tr', null, h('th', null, 'Route'), h('th', null, 'Where'), h('th', null, 'Variation'), h('th', null, 'Source'), h('th', { class: 'num' }, 'Exchanges'), h('th', null, 'Examples'))),
      h('tbody', null, S.learnedNoise.map(function (n) {
        return h('tr', null, h('td', { class: 'mono' }, n.method + ' ' + n.route), h('td', { class: 'mono' }, n.target + ' ' + (n.path || '')),
          h('td', null, n.kind), h('td', null, n.source), h('td', { class: 'num' }, fmt(n.exchanges)),
          h('td', { class: 'mono' }, n.examples.slice(0, 3).map(function (x) { var s = JSON.stringify(x); return s && s.length > 40 ? s.slice(0, 39) + '\u2026' : s; }).join(', ')));
      })))));
}
function routesView(onRoute) {
  if (!S.routes.length) return null;
  var cols = ['total', 'pass', 'noise', 'regression', 'error', 'skipped'];
  return h('section', { id: 'routes' }, h('h2', null, 'All routes'),
    h('div', { class: 'panel' }, h('table', null,
      h('thead', null, h('tr', null, h('th', null, 'Route'), cols.map(function (c) { return h('th', { class: 'num' }, c === 'total' ? 'exchanges' : c); }))),
      h('tbody', null, S.routes.map(function (r) {
        var key = r.method + ' ' + r.route;
        var name = ROUTE_GROUPS[key] ? h('button', { class: 'linkish mono', type: 'button', onclick: function () { onRoute(key); } }, key) : h('span', { class: 'mono' }, key);
        return h('tr', null, h('td', null, name), cols.map(function (c) { return h('td', { class: 'num' + (c !== 'total' && r[c] && c !== 'pass' ? ' v-' + c : '') }, fmt(r[c])); }));
      })))));
}
function footerView() {
  var k = DATA.caps, parts = ['At most ' + k.examplesPerGroup + ' examples per group are embedded; bodies are cut at ' + fmt(k.bodyCapBytes / 1024) + ' KB after decoding.'];
  if (k.examplesNotEmbedded) parts.push(plural(k.examplesNotEmbedded, 'exchange') + ' counted in groups without an embedded example.');
  if (k.budgetReached) parts.push('The page size budget was reached: later groups have no examples; see results.db.');
  if (k.groupsDropped) parts.push(plural(k.groupsDropped, 'further group') + ' beyond the limit counted only in the totals.');
  parts.push('Generated ' + new Date(DATA.generatedAt).toISOString() + '. This file makes no network requests.');
  return h('footer', { id: 'caps' }, parts.join(' '));
}
`;
