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
  return {
    describe: () => description,
    filters: (diff: Difference) =>
      diff.op === 'replace' && compiled.matches(diff.path) && jsonTypeOf(diff.before) === jsonTypeOf(diff.after),
  };
}
