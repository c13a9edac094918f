import type { RunSummary } from '../types.js';
import { formatCount, plural } from './format.js';

/**
 * The one-line verdict every reporter leads with, so console, Markdown and HTML agree:
 * `FAIL: 39 unreproduced, 32 regressions, 1 error in 4,210 exchanges` or `PASS: no regressions in 4,210 exchanges`.
 */
export function verdictLine(summary: RunSummary): { ok: boolean; text: string } {
  const c = summary.counts;
  const bad: string[] = [];
  if (c.unreproduced) bad.push(`${formatCount(c.unreproduced)} unreproduced`);
  if (c.regression) bad.push(plural(c.regression, 'regression'));
  if (c.error) bad.push(plural(c.error, 'error'));
  const flagged = summary.latency.filter((l) => l.flagged).length;
  if (flagged) bad.push(`${flagged} slower ${flagged === 1 ? 'route' : 'routes'}`);
  const worse = summary.metrics?.filter((m) => m.flagged).length ?? 0;
  if (worse) bad.push(`${worse} worse ${worse === 1 ? 'metric' : 'metrics'}`);
  const ok = summary.exitCode === 0;
  const what = bad.length ? bad.join(', ') : 'no regressions';
  return { ok, text: `${ok ? 'PASS' : 'FAIL'}: ${what} in ${plural(c.total, 'exchange')} (exit ${formatCount(summary.exitCode)})` };
}
