import type { Change, Difference, ReplayResult, RouteLatency } from '../types.js';
import { describeChange } from './changes/describe-change.js';
import { describeDifference, formatValue, routeKey } from './format.js';
import { escapeXml, escapeXmlAttr } from './xml-escape.js';
import type { MetricVerdict } from '../metrics/metric-judge.js';
import { describeMetricVerdict, orderMetricVerdicts } from './metric-format.js';

const MAX_LISTED = 200; // a failure body past this is noise for whoever reads the CI log

function valueDetail(d: Difference): string {
  if (d.target === 'status') return '';
  if (d.op === 'remove') return ` (was ${formatValue(d.before)})`;
  if (d.op === 'add') return ` (now ${formatValue(d.after)})`;
  return `: ${formatValue(d.before)} → ${formatValue(d.after)}`;
}

/** `/email removed; /total number → string; status 404 → 500` — the failure message. */
export function failureMessage(differences: readonly Difference[], max = 10): string {
  const parts = differences.slice(0, max).map((d) => describeDifference(d));
  if (differences.length > max) parts.push(`… ${differences.length - max} more`);
  return parts.join('; ');
}

/** One `<testcase>` for one exchange; classname is the route key so GET and POST suites stay apart. */
export function testcaseXml(r: ReplayResult): string {
  const time = r.candidate ? (r.candidate.timing.totalMs / 1000).toFixed(3) : '0';
  const open = `    <testcase name="${escapeXmlAttr(`${r.method} ${r.url}`)}" classname="${escapeXmlAttr(routeKey(r.method, r.route))}" time="${time}"`;
  switch (r.verdict) {
    case 'regression':
    case 'unreproduced': {
      if (!r.comparison && r.error) {
        // Not sent at all (a secret nobody supplied): the cause is the whole message.
        const msg = `not reproduced: ${r.error.message}`;
        return `${open}>\n      <failure message="${escapeXmlAttr(msg)}" type="unreproduced">${escapeXml(msg)}</failure>\n    </testcase>\n`;
      }
      const diffs = r.comparison?.differences ?? [];
      const lines = diffs.slice(0, MAX_LISTED).map((d) => `${describeDifference(d)}${valueDetail(d)}${d.unreproduced ? ' (on the baseline too: not reproduced)' : ''}`);
      if (diffs.length > MAX_LISTED) lines.push(`… ${diffs.length - MAX_LISTED} more differences`);
      const message = r.verdict === 'unreproduced' ? `not reproduced (the target and the baseline agree, the recording does not): ${failureMessage(diffs)}` : failureMessage(diffs);
      return `${open}>\n      <failure message="${escapeXmlAttr(message)}" type="${r.verdict}">${escapeXml(lines.join('\n'))}</failure>\n    </testcase>\n`;
    }
    case 'error': {
      const e = r.error;
      const msg = e ? `${e.kind}: ${e.code} ${e.message}`.trim() : 'transport error';
      return `${open}>\n      <error message="${escapeXmlAttr(msg)}" type="${escapeXmlAttr(e?.kind ?? 'error')}">${escapeXml(msg)}</error>\n    </testcase>\n`;
    }
    case 'skipped':
      return `${open}>\n      <skipped message="${escapeXmlAttr(r.skippedReason ?? r.error?.message ?? 'skipped')}"/>\n    </testcase>\n`;
    default:
      return `${open}/>\n`;
  }
}

/** A failing testcase per flagged route, so a latency regression shows up in the CI test view too. */
export function latencySuiteXml(latency: readonly RouteLatency[]): string {
  const flagged = latency.filter((l) => l.flagged);
  if (!flagged.length) return '';
  const cases = flagged
    .map((l) => {
      const name = `latency ${routeKey(l.method, l.route)}`;
      return `    <testcase name="${escapeXmlAttr(name)}" classname="latency">\n      <failure message="${escapeXmlAttr(l.reason)}" type="latency">${escapeXml(l.reason)}</failure>\n    </testcase>\n`;
    })
    .join('');
  return `  <testsuite name="latency" tests="${flagged.length}" failures="${flagged.length}" errors="0" skipped="0">\n${cases}  </testsuite>\n`;
}

/**
 * The `metrics` suite: a testcase per judged metric (`--target-metrics`), failing when the candidate's
 * metric is significantly and materially worse; a passing one keeps its figures in system-out, so the CI
 * test view shows what was judged, not only what failed.
 */
export function metricsSuiteXml(verdicts: readonly MetricVerdict[] | undefined): string {
  if (!verdicts?.length) return '';
  const cases = orderMetricVerdicts(verdicts)
    .map((v) => {
      const open = `    <testcase name="${escapeXmlAttr(`metric ${v.name}`)}" classname="metrics">\n`;
      const text = describeMetricVerdict(v);
      const body = v.flagged ? `      <failure message="${escapeXmlAttr(text)}" type="metric">${escapeXml(text)}</failure>\n` : `      <system-out>${escapeXml(text)}</system-out>\n`;
      return `${open}${body}    </testcase>\n`;
    })
    .join('');
  const failures = verdicts.filter((v) => v.flagged).length;
  return `  <testsuite name="metrics" tests="${verdicts.length}" failures="${failures}" errors="0" skipped="0">\n${cases}  </testsuite>\n`;
}

/**
 * The `changes` suite, written first: one failing testcase per change, ranked, so a CI test view
 * opens on the few behaviour changes before the per-exchange failures behind them.
 */
export function changesSuiteXml(changes: readonly Change[]): string {
  if (!changes.length) return '';
  const cases = changes
    .map((c) => {
      const lines = [`${c.kind} change on ${c.routes.join(', ')}`, ...c.signatures.slice(0, MAX_LISTED).map((s) => `${s.route}  ${s.signature}  (${s.exchanges})`)];
      if (c.signatures.length > MAX_LISTED) lines.push(`… ${c.signatures.length - MAX_LISTED} more signatures`);
      return `    <testcase name="${escapeXmlAttr(`${c.title} [${c.id}]`)}" classname="changes">\n      <failure message="${escapeXmlAttr(describeChange(c))}" type="${c.kind}">${escapeXml(lines.join('\n'))}</failure>\n    </testcase>\n`;
    })
    .join('');
  return `  <testsuite name="changes" tests="${changes.length}" failures="${changes.length}" errors="0" skipped="0">\n${cases}  </testsuite>\n`;
}
