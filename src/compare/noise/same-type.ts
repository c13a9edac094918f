import type { Difference } from '../../types.js';
import { jsonTypeOf } from '../json-value.js';
import { compilePointerPattern } from '../pointer-pattern.js';
import type { NoiseRuleMatcher } from './matcher.js';

/**
 * `{ path, match: 'type' }`: a value that changed but kept its JSON type is noise. Only replacements
 * qualify: a field that appears or disappears changed the shape, which is what this rule guards.
 */
export function sameType(pattern: string): NoiseRuleMatcher {
  const compiled = compilePointerPattern(pattern);
  const description = `match type ${pattern}`;
  const judge = (diff: Difference): boolean => diff.op === 'replace' && jsonTypeOf(diff.before) === jsonTypeOf(diff.after);
  return {
    describe: () => description,
    scope: { pattern, at: 'exact' },
    judge,
    filters: (diff: Difference) => compiled.matches(diff.path) && judge(diff),
  };
}
