// The plain formatters live on their own so the HTML report's browser client can share them.
export { formatCount, formatDuration, formatPercent, formatPercentiles, plural, routeKey, VERDICT_ORDER } from './plain-format.js';

import { parseSignature } from '../compare/difference.js';

export { describeDifference, parseSignature } from '../compare/difference.js';

/** A signature as people read it: `/items/*\/price number → string`, `status 404 → 500`. */
export function signatureLabel(signature: string): string {
  const { target, pattern: path, change } = parseSignature(signature);
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
