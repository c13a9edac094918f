// The plain formatters live on their own so the HTML report's browser client can share them.
export { formatCount, formatDuration, formatPercent, formatPercentiles, plural, routeKey, VERDICT_ORDER } from './plain-format.js';

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
