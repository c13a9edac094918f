import type { Difference, ReplayResult } from '../../src/types.js';
import { makeComparison, makeDifference, makeObserved, makeRecorded, makeResult } from './factories.js';

/**
 * A run with three planted behaviour changes behind 15 route-level signatures, and the order a
 * reviewer must see them in:
 * 1. `POST /login` answers 500 instead of 200 (3 exchanges), its body losing `/token` with it;
 * 2. ids turned from numbers into strings on five routes, as `/id` on item routes and `/*\/id` on
 *    list routes (30 exchanges);
 * 3. four header differences that always come together (a new framework underneath) on every
 *    response of two routes (16 exchanges).
 * Plus noise (`/updatedAt` filtered on two routes): one noise change.
 */
export const PLANTED_ORDER = ['status 200 → 500', '/id number → string', '4 header differences, always together'] as const;

const HEADER_BUNDLE: Difference[] = [
  makeDifference({ target: 'header', op: 'add', path: 'x-powered-by', after: 'Express', change: 'added' }),
  makeDifference({ target: 'header', op: 'replace', path: 'server', before: 'nginx', after: 'node', change: 'value changed' }),
  makeDifference({ target: 'header', op: 'remove', path: 'x-frame-options', before: 'DENY', change: 'removed' }),
  makeDifference({ target: 'header', op: 'replace', path: 'cache-control', before: 'no-store', after: 'no-cache', change: 'value changed' }),
];

export function plantedResults(firstId = 5000): ReplayResult[] {
  const out: ReplayResult[] = [];
  let id = firstId;
  const push = (method: string, route: string, url: string, differences: Difference[], filtered: Difference[] = []) =>
    out.push(
      makeResult({
        exchangeId: ++id,
        method,
        route,
        url,
        verdict: differences.length ? 'regression' : filtered.length ? 'noise' : 'pass',
        recorded: makeRecorded({ id: 1 }),
        candidate: makeObserved({ id: '1' }),
        comparison: makeComparison({ differences, filtered }),
      }),
    );
  const idChange = (path: string) => makeDifference({ path, op: 'replace', before: 1, after: '1', change: 'number → string' });
  const updatedAt = makeDifference({ path: '/updatedAt', op: 'replace', before: 1, after: 2, change: 'value changed', filteredBy: 'ignore /updatedAt' });

  for (const [route, n] of [['/users/:id', 8], ['/orders/:id', 6], ['/items/:id', 6]] as const) {
    for (let i = 0; i < n; i++) push('GET', route, route.replace(':id', String(i)), [idChange('/id')], i % 2 ? [updatedAt] : []);
  }
  for (const [route, n] of [['/users', 5], ['/orders', 5]] as const) {
    for (let i = 0; i < n; i++) push('GET', route, `${route}?page=${i}`, [idChange('/0/id'), idChange('/1/id')]);
  }
  for (const route of ['/config', '/version']) for (let i = 0; i < 8; i++) push('GET', route, `${route}?v=${i}`, HEADER_BUNDLE);
  for (let i = 0; i < 3; i++) {
    push('POST', '/login', '/login', [
      makeDifference({ target: 'status', op: 'replace', path: '', before: 200, after: 500, change: '200 → 500' }),
      makeDifference({ path: '/token', op: 'remove', before: 't', change: 'removed' }),
    ]);
  }
  for (let i = 0; i < 4; i++) push('GET', '/health', '/health', []);
  return out;
}
