import { formatCount, formatDuration, formatPercent, plural, VERDICT_ORDER } from '../../plain-format.js';
import { h } from './dom.js';
import type { ReportContext } from './report-context.js';
import { ICON } from './verdict-tag.js';

/** The run header: verdict, metadata, totals and the share of each verdict. */
export function headerView({ data, summary, run }: ReportContext): HTMLElement {
  const c = summary.counts;
  const meta: Array<[string, string]> = [
    ['Target', run.target],
    ['Baseline', run.baseline || 'none'],
    ['Session', run.session],
    ['Started', new Date(run.startedAt).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC')],
    ['Duration', formatDuration(summary.durationMs)],
    ['Config fingerprint', run.configFingerprint],
    ['Run', `#${run.id}`],
    ['Recordings', run.recordingsDb],
  ];
  return h(
    'header',
    { class: 'top' },
    h('h1', null, 'replayguard report'),
    h(
      'div',
      { class: `verdict ${data.verdict.ok ? 'ok' : 'fail'}`, id: 'verdict' },
      h('span', { class: 'badge', 'aria-hidden': 'true' }, data.verdict.ok ? ICON.pass : ICON.regression),
      data.verdict.text,
    ),
    h('p', { class: 'reason' }, `exit ${summary.exitCode} \u2014 ${summary.exitReason}`),
    h('dl', { class: 'meta' }, meta.map(([term, value]) => h('div', null, h('dt', null, term), h('dd', null, value)))),
    h(
      'div',
      { class: 'totals', id: 'totals' },
      VERDICT_ORDER.map((v) =>
        h('span', { class: 'chip', 'data-verdict': v }, h('span', { class: `v-${v}`, 'aria-hidden': 'true' }, ICON[v]), h('b', null, formatCount(c[v])), v, h('span', { class: 'muted' }, formatPercent(c[v], c.total))),
      ),
    ),
    h(
      'div',
      { class: 'stack', role: 'img', 'aria-label': 'share of exchanges by verdict' },
      VERDICT_ORDER.map((v) => {
        const s = h('span', { class: `bg-${v}`, title: `${v} ${formatCount(c[v])}` });
        s.style.width = `${c.total ? (c[v] / c.total) * 100 : 0}%`;
        return s;
      }),
    ),
    h('div', { class: 'muted' }, `Pass rate ${formatPercent(c.pass + c.noise, c.total)} (pass or noise only) of ${plural(c.total, 'exchange')}`),
  );
}
