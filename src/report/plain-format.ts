import type { Verdict } from '../types.js';

/**
 * Formatters with no Node dependencies: the Node reporters use them, and so does the HTML report's
 * browser client (bundled into the page), so a number reads the same in the console, the Markdown
 * summary and the page.
 */

/** Verdicts in the order every reporter lists them: worst first, pass last. */
export const VERDICT_ORDER: readonly Verdict[] = ['unreproduced', 'regression', 'error', 'noise', 'skipped', 'pass'];

export { routeKey } from '../routes/route-key.js';

/** `4,210` — fixed locale so CI logs and tests do not depend on the machine. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** Share as a percentage with one decimal, `0%` for an empty total. */
export function formatPercent(part: number, total: number): string {
  if (total <= 0) return '0%';
  const p = (part / total) * 100;
  if (p > 0 && p < 0.1) return '<0.1%';
  return `${Number.isInteger(p) ? p : p.toFixed(1)}%`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - m * 60)} s`;
}

/** Pluralise a unit: `1 exchange`, `32 exchanges`. */
export function plural(n: number, unit: string): string {
  return `${formatCount(n)} ${unit}${n === 1 ? '' : 's'}`;
}

/** Median and 95th percentile of a latency sample, `120 / 340 ms`; `—` when there is none. */
export function formatPercentiles(s: { p50: number; p95: number } | null | undefined): string {
  return s ? `${Math.round(s.p50)} / ${Math.round(s.p95)} ms` : '—';
}
