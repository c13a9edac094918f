import type { Change } from '../../types/run.js';
import { plural } from '../plain-format.js';

/**
 * One line for a change, the same in the console, summary.md and JUnit:
 * `/id number → string — 5 routes, 27 exchanges [c1a2b3c4d5]`. No Node dependencies (the page uses it).
 */
export function describeChange(c: Change): string {
  return `${c.title} — ${c.routes.length === 1 ? c.routes[0] : plural(c.routes.length, 'route')}, ${plural(c.exchanges, 'exchange')} [${c.id}]`;
}
