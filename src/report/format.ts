import type { Verdict } from '../types.js';

/** Verdicts in the order every reporter lists them: worst first, pass last. */
export const VERDICT_ORDER: readonly Verdict[] = ['regression', 'error', 'noise', 'skipped', 'pass'];

export { routeKey } from '../routes/route-key.js';

export { describeDifference } from '../compare/difference.js';

/** The parts of a signature `${target}:${foldedPath}:${change}` (the path may itself hold colons). */
export function parseSignature(signature: string): { target: string; path: string; change: string } {
  const first = signature.indexOf(':');
  const last = signature.lastIndexOf(':');
  if (first < 0 || last === first) return { target: 'body', path: '', change: signature };
  return { target: signature.slice(0, first), path: signature.slice(first + 1, last), change: signature.slice(last + 1) };
}

/** A signature as people read it: `/items/*\/price number → string`, `status 404 → 500`. */
export function signatureLabel(signature: string): string {
  const { target, path, change } = parseSignature(signature);
  if (target === 'status') return `status ${change}`;
  if (target === 'header') return `header ${path} ${change}`;
  if (path === '') return `body ${change}`;
  if (!path.startsWith('/')) return `body ${path}: ${change}`;
  return `${path} ${change}`;
}

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

/** A value as short JSON for one-line messages; long values end with `…`. */
export function formatValue(v: unknown, max = 80): string {
  let s: string;
  try {
    s = v === undefined ? 'undefined' : (JSON.stringify(v) ?? String(v));
  } catch {
    s = String(v);
  }
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** Pluralise a unit: `1 exchange`, `32 exchanges`. */
export function plural(n: number, unit: string): string {
  return `${formatCount(n)} ${unit}${n === 1 ? '' : 's'}`;
}
