import type { Difference } from '../../types.js';
import { canonicalJson } from '../json-value.js';
import { compilePointerPattern } from '../pointer-pattern.js';
import type { NoiseRuleMatcher } from './matcher.js';

/**
 * `{ path, match: 'domain', values: ['open', 'closed'] }`: the value may move within a small set (an
 * enum, a boolean, a status word); a value outside it — a never-seen enum value — is a change.
 */
export function domainMatch(pattern: string, values: readonly unknown[]): NoiseRuleMatcher {
  const compiled = compilePointerPattern(pattern);
  const allowed = new Set(values.map(canonicalJson));
  const description = `match domain ${pattern} {${values.map((v) => JSON.stringify(v)).join(', ')}}`;
  const inside = (v: unknown): boolean => (v === null || typeof v !== 'object') && allowed.has(canonicalJson(v));
  const judge = (diff: Difference): boolean => diff.op === 'replace' && inside(diff.before) && inside(diff.after);
  return {
    describe: () => description,
    scope: { pattern, at: 'exact' },
    judge,
    filters: (diff: Difference) => compiled.matches(diff.path) && judge(diff),
  };
}
