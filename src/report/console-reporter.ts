import type { MetricVerdict } from '../metrics/metric-judge.js';
import type { ReplayResult, RunSummary } from '../types.js';
import { stubSections } from './stub-lines.js';
import { describeApproval } from '../approve/describe-approval.js';
import { describeChange } from './changes/describe-change.js';
import { describeLearnedNoise, describeNoiseTests, unreproducedLines } from './learned-noise.js';
import { formatCount, formatDuration, formatPercent, plural, routeKey } from './format.js';
import type { Reporter, ReporterContext } from './reporter.js';
import { verdictLine } from './run-verdict.js';
import { textTable } from './text-table.js';
import { METRIC_COLUMNS, metricCells, orderMetricVerdicts } from './metric-format.js';

export interface ConsoleReporterOptions {
  /** Where report.html is written, printed last; `null` when the html reporter is off. */
  reportPath?: string | null;
  /** Clock, injectable for tests. @default Date.now */
  now?: () => number;
  /** Regression signatures listed at the end. @default 10 */
  topSignatures?: number;
}

const TTY_INTERVAL_MS = 100; // ≤ 10 redraws a second: fast enough to feel live, cheap on slow terminals
const PLAIN_INTERVAL_MS = 5000; // CI logs keep every line, so print rarely

/**
 * Progress while replaying, then a compact summary. On a TTY one line is rewritten in place; in CI
 * a plain line every few seconds, because `\r` turns into one log line per redraw there.
 */
export function createConsoleReporter(ctx: ReporterContext, options: ConsoleReporterOptions = {}): Reporter {
  const now = options.now ?? Date.now;
  const out = (s: string) => void ctx.stdout.write(s);
  let total = 0;
  let done = 0;
  let regressions = 0;
  let errors = 0;
  let startedAt = 0;
  let lastPrint = 0;
  let progressShown = false;
  // While noise is learned, results arrive first as provisional progress, then once more as final.
  let provisional = false;

  function progressLine(): string {
    const elapsed = Math.max(now() - startedAt, 1) / 1000;
    const rate = Math.round(done / elapsed);
    const pct = total > 0 ? ` (${formatPercent(done, total)})` : '';
    const bad = `${plural(regressions, 'regression')}${errors ? `, ${plural(errors, 'error')}` : ''}`;
    return `replaying ${formatCount(done)}/${formatCount(total)}${pct}  ${formatCount(rate)}/s  ${bad}${provisional ? ' (before noise learning)' : ''}`;
  }

  function maybePrint(force: boolean): void {
    const t = now();
    if (!force && t - lastPrint < (ctx.isTTY ? TTY_INTERVAL_MS : PLAIN_INTERVAL_MS)) return;
    lastPrint = t;
    if (ctx.isTTY) {
      out(`\r${progressLine()}\x1b[K`);
      progressShown = true;
    } else {
      out(`${progressLine()}\n`);
    }
  }

  function count(result: ReplayResult): void {
    done++;
    if (result.verdict === 'regression') regressions++;
    else if (result.verdict === 'error') errors++;
    maybePrint(false);
  }

  return {
    name: 'console',
    onRunStart(run, expected) {
      total = expected;
      startedAt = now();
      lastPrint = startedAt;
      out(`replayguard: replaying ${plural(expected, 'exchange')} from session "${run.session}" against ${run.target}${run.baseline ? ` (baseline ${run.baseline})` : ''}\n`);
    },
    onProgress(result: ReplayResult) {
      provisional = true;
      count(result);
    },
    onResult(result: ReplayResult) {
      if (!provisional) count(result);
    },
    onRunEnd(summary) {
      if (progressShown) out(`\r${progressLine()}\x1b[K\n`);
      out(renderConsoleSummary(summary, options.topSignatures ?? 10, options.reportPath ?? null));
    },
  };
}

/** Candidate vs baseline metrics: flagged ones first, each with its medians, change and p-value. */
function metricLines(verdicts: readonly MetricVerdict[]): string[] {
  const rows = orderMetricVerdicts(verdicts).map((v) => {
    const cells = metricCells(v);
    return v.flagged ? [`WORSE ${cells[0]}`, ...cells.slice(1)] : cells;
  });
  return ['Candidate metrics vs baseline (Mann–Whitney U):', textTable([...METRIC_COLUMNS], rows, 'lrrrrrl')];
}

/**
 * One line when origin mapping filtered anything: the target echoed its own address where the
 * recording had the upstream's (src/compare/origin-map.ts). Shown so a filter is never silent.
 */
export function originMappingLine(summary: RunSummary): string | null {
  const hits = summary.signatures.filter((s) => s.verdict === 'noise' && s.filteredBy?.startsWith('origin mapping'));
  if (!hits.length) return null;
  const routes = new Set(hits.map((s) => routeKey(s.method, s.route)));
  const rules = [...new Set(hits.map((s) => s.filteredBy!))].join('; ');
  return `Origin mapping applied on ${plural(routes.size, 'route')} (${plural(hits.length, 'signature')}): ${rules}. Turn it off with compare.mapOrigins: false.`;
}

/** The end-of-run text; exported so `replayguard report` can print it without a live run. */
export function renderConsoleSummary(summary: RunSummary, top: number, reportPath: string | null): string {
  const lines: string[] = [''];
  const drift = unreproducedLines(summary);
  if (drift.failing.length) {
    lines.push('Not reproduced (the target and the baseline agree with each other, not with the recording):');
    for (const line of drift.failing) lines.push(`  ${line}`);
    lines.push('');
  }
  if (summary.approvals?.length) {
    lines.push(`Approved changes behind session "${summary.run.session}":`);
    for (const a of summary.approvals) lines.push(`  ${describeApproval(a)}`);
    lines.push('');
  }
  if (summary.changes.length) {
    lines.push(`Changes (${formatCount(summary.changes.length)}, most breaking first):`);
    for (const c of summary.changes.slice(0, top)) {
      lines.push(`  ${describeChange(c)}`);
      for (const s of c.signatures.slice(0, 3)) lines.push(`      ${s.route}  ${s.signature}  (${plural(s.exchanges, 'exchange')})`);
      if (c.signatures.length > 3) lines.push(`      … ${plural(c.signatures.length - 3, 'more signature')}`);
    }
    if (summary.changes.length > top) lines.push(`  … and ${formatCount(summary.changes.length - top)} more (see the report)`);
    lines.push('');
  }
  if (summary.routes.length) {
    const rows = summary.routes.map((r) => [
      routeKey(r.method, r.route),
      formatCount(r.total),
      formatCount(r.pass),
      formatCount(r.noise),
      formatCount(r.unreproduced),
      formatCount(r.regression),
      formatCount(r.error),
      formatCount(r.skipped),
    ]);
    lines.push(textTable(['route', 'exchanges', 'pass', 'noise', 'unreproduced', 'regression', 'error', 'skipped'], rows), '');
  }
  const regressions = summary.signatures.filter((s) => s.verdict === 'regression');
  if (regressions.length) {
    lines.push(`Top regressions (${formatCount(regressions.length)} distinct):`);
    const shown = regressions.slice(0, top);
    lines.push(textTable(null, shown.map((s) => [routeKey(s.method, s.route), s.signature, plural(s.exchanges, 'exchange')]), 'llr'));
    if (regressions.length > shown.length) lines.push(`  … and ${formatCount(regressions.length - shown.length)} more (see the report)`);
    lines.push('');
  }
  if (summary.learnedNoise.length) {
    lines.push('Learned noise (filtered in this run, not written to your config: `replayguard noise` prints it as a snippet):');
    for (const n of summary.learnedNoise.slice(0, top)) lines.push(`  ${describeLearnedNoise(n)}`);
    if (summary.learnedNoise.length > top) lines.push(`  … and ${formatCount(summary.learnedNoise.length - top)} more`);
    lines.push('');
  }
  if (summary.noiseTests) lines.push(`${describeNoiseTests(summary.noiseTests)}`, '');
  const mapped = originMappingLine(summary);
  if (mapped) lines.push(mapped, '');
  if (drift.harmless.length) {
    lines.push('Harmless drift (filtered, explained):');
    for (const line of drift.harmless) lines.push(`  ${line}`);
    lines.push('');
  }
  if (summary.metrics?.length) lines.push(...metricLines(summary.metrics), '');
  const slow = summary.latency.filter((l) => l.flagged);
  if (slow.length) {
    lines.push('Slower routes:');
    for (const l of slow) lines.push(`  ${routeKey(l.method, l.route)}  ${l.reason}`);
    lines.push('');
  }
  for (const st of stubSections(summary.stubs)) lines.push(`Stub ${st.headline}`, ...[...st.faults, ...st.misses].map((l) => `  ${l}`), '');
  lines.push(verdictLine(summary).text);
  lines.push(`  ${summary.exitReason} (took ${formatDuration(summary.durationMs)})`);
  if (reportPath) lines.push(`  report: ${reportPath}`);
  return `${lines.join('\n')}\n`;
}
