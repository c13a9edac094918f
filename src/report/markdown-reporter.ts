import { appendFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RunSummary, Verdict } from '../types.js';
import { describeApproval } from '../approve/describe-approval.js';
import { originMappingLine } from './console-reporter.js';
import { describeLearnedNoise, describeNoiseTests, unreproducedLines } from './learned-noise.js';
import { formatCount, formatDuration, formatPercent, formatPercentiles, routeKey, VERDICT_ORDER } from './format.js';
import type { Reporter, ReporterContext } from './reporter.js';
import { verdictLine } from './run-verdict.js';
import { REPORT_FILES } from './report-files.js';
import { stubSections } from './stub-lines.js';
import { METRIC_COLUMNS, metricCells, orderMetricVerdicts } from './metric-format.js';

/**
 * Recorded data (routes, signatures) ends up in a page GitHub renders: neutralise HTML and the
 * Markdown punctuation that could break a table cell or turn into a link/emphasis.
 */
export function escapeMarkdown(s: string): string {
  return s
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
    .replace(/^[#+-]/, '\\$&')
    // An ordered-list marker is digits, then `.` or `)`, then a space or the end; CommonMark escapes
    // only punctuation, so the marker's dot is what gets the backslash ("1\. x"). Escaping the first
    // digit instead wrote "\0.5", which renders with a stray backslash.
    .replace(/^(\d+)([.)])(?=\s|$)/, '$1\\$2');
}

const ICON: Record<Verdict, string> = { unreproduced: '❔', regression: '❌', error: '⚠️', noise: '〰️', skipped: '⏭️', pass: '✅' };

/** The Markdown summary: same text for summary.md and $GITHUB_STEP_SUMMARY. */
export function renderMarkdown(summary: RunSummary, topSignatures = 15): string {
  const e = escapeMarkdown;
  const { run, counts } = summary;
  const v = verdictLine(summary);
  const out: string[] = [];
  out.push(`## ${v.ok ? '✅' : '❌'} replayguard — ${e(v.text)}`, '');
  out.push(`${e(summary.exitReason)}`, '');
  const meta = [
    `**Target** ${e(run.target)}`,
    run.baseline ? `**Baseline** ${e(run.baseline)}` : null,
    `**Session** ${e(run.session)}`,
    `**Run** #${run.id}`,
    `**Started** ${new Date(run.startedAt).toISOString()}`,
    `**Duration** ${formatDuration(summary.durationMs)}`,
    `**Config** \`${run.configFingerprint.replace(/`/g, '')}\``,
  ].filter((x): x is string => x !== null);
  out.push(meta.join(' · '), '');

  const drift = unreproducedLines(summary);
  if (drift.failing.length || drift.harmless.length) {
    out.push('### Not reproduced', '', 'The target and the baseline agree with each other, not with the recording: these exchanges say nothing about the candidate.', '');
    for (const line of drift.failing) out.push(`- ❔ ${e(line)}`);
    for (const line of drift.harmless) out.push(`- 〰️ ${e(line)}`);
    out.push('');
  }

  if (summary.approvals?.length) {
    out.push('### Approvals behind this session', '');
    for (const a of summary.approvals) out.push(`- ${e(describeApproval(a))}`);
    out.push('');
  }
  if (summary.changes.length) {
    out.push('### Changes', '', 'Ranked by what breaks clients: status and transport, body structure, body values, headers.', '', '| # | Change | Kind | Routes | Exchanges | Id |', '| ---: | --- | --- | --- | ---: | --- |');
    summary.changes.slice(0, topSignatures).forEach((c, i) => {
      const routes = c.routes.length <= 3 ? c.routes.join(', ') : `${c.routes.slice(0, 3).join(', ')} +${c.routes.length - 3}`;
      out.push(`| ${i + 1} | ${e(c.title)} | ${c.kind} | ${e(routes)} | ${formatCount(c.exchanges)} | \`${c.id}\` |`);
    });
    if (summary.changes.length > topSignatures) out.push('', `…and ${formatCount(summary.changes.length - topSignatures)} more in report.html.`);
    out.push('');
  }

  out.push('| Verdict | Exchanges | Share |', '| --- | ---: | ---: |');
  for (const verdict of VERDICT_ORDER) {
    out.push(`| ${ICON[verdict]} ${verdict} | ${formatCount(counts[verdict])} | ${formatPercent(counts[verdict], counts.total)} |`);
  }
  out.push(`| **total** | **${formatCount(counts.total)}** | |`, '');

  if (summary.routes.length) {
    out.push('### Routes', '', '| Route | Exchanges | Pass | Noise | Unreproduced | Regression | Error | Skipped |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const r of summary.routes) {
      const cells = [r.total, r.pass, r.noise, r.unreproduced, r.regression, r.error, r.skipped].map(formatCount);
      out.push(`| ${e(routeKey(r.method, r.route))} | ${cells.join(' | ')} |`);
    }
    out.push('');
  }

  const regressions = summary.signatures.filter((s) => s.verdict === 'regression');
  if (regressions.length) {
    out.push('### Top regression signatures', '', '| Route | Signature | Exchanges |', '| --- | --- | ---: |');
    for (const s of regressions.slice(0, topSignatures)) {
      out.push(`| ${e(routeKey(s.method, s.route))} | ${e(s.signature)} | ${formatCount(s.exchanges)} |`);
    }
    if (regressions.length > topSignatures) out.push('', `…and ${formatCount(regressions.length - topSignatures)} more in report.html.`);
    out.push('');
  } else {
    out.push(`No regressions: ${formatCount(counts.pass + counts.noise)} of ${formatCount(counts.total)} exchanges passed (noise included).`, '');
  }

  if (summary.learnedNoise.length) {
    out.push('### Learned noise', '', 'Shown, never applied silently; add rules to replayguard.config.json to keep them.', '');
    for (const n of summary.learnedNoise) out.push(`- ${e(describeLearnedNoise(n))}`);
    out.push('');
  }
  if (summary.noiseTests) out.push(`${e(describeNoiseTests(summary.noiseTests))}.`, '');
  const mapped = originMappingLine(summary);
  if (mapped) out.push(e(mapped), '');

  const latency = summary.latency.filter((l) => l.candidate);
  if (latency.length) {
    out.push('### Latency', '', '| Route | Recorded p50/p95 | Baseline p50/p95 | Candidate p50/p95 | |', '| --- | ---: | ---: | ---: | --- |');
    for (const l of latency) {
      out.push(`| ${e(routeKey(l.method, l.route))} | ${formatPercentiles(l.recorded)} | ${formatPercentiles(l.baseline)} | ${formatPercentiles(l.candidate)} | ${l.flagged ? '🐢 ' : ''}${e(l.reason)} |`);
    }
    out.push('');
  }
  if (summary.metrics?.length) {
    out.push('### Candidate metrics vs baseline', '', 'One-sided Mann–Whitney U on the scraped samples, and a minimum change of the medians.', '');
    out.push(`| ${METRIC_COLUMNS.join(' | ')} |`, '| --- | ---: | ---: | ---: | ---: | ---: | --- |');
    for (const v of orderMetricVerdicts(summary.metrics)) {
      // Only the name and the judgement are text; the figures are numbers this module formatted.
      const cells = metricCells(v).map((c, i) => (i === 0 || i === METRIC_COLUMNS.length - 1 ? e(c) : c));
      out.push(`| ${v.flagged ? '❌ ' : ''}${cells.join(' | ')} |`);
    }
    out.push('');
  }
  for (const [i, st] of stubSections(summary.stubs).entries()) {
    if (i === 0) out.push('### Dependencies (stubs)', '');
    out.push(`- ${st.misses.length ? '❌' : '✅'} ${e(st.headline)}`, ...[...st.faults, ...st.misses].map((l) => `  - ${e(l)}`));
  }
  if (summary.stubs?.length) out.push('');
  return `${out.join('\n')}\n`;
}

/** `summary.md`, and the same text appended to $GITHUB_STEP_SUMMARY when the caller resolved one. */
export function createMarkdownReporter(ctx: ReporterContext): Reporter {
  return {
    name: 'markdown',
    async onRunEnd(summary) {
      const text = renderMarkdown(summary);
      await writeFile(path.join(ctx.outDir, REPORT_FILES.markdown), text, 'utf8');
      // Appended, never overwritten: other steps of the job write to the same file.
      if (ctx.githubStepSummary) await appendFile(ctx.githubStepSummary, text, 'utf8');
    },
  };
}
