import type { Difference } from '../../types.js';
import { compilePointerPattern } from '../pointer-pattern.js';
import type { NoiseRuleMatcher } from './matcher.js';

/**
 * `ignore: ['/meta/requestId']`: hides any difference at the pattern or beneath it (ignoring `/meta`
 * ignores `/meta/x` too). A difference on an ancestor is outside the pattern and stays: when `/meta`
 * disappears entirely, an ignore on `/meta/requestId` must not hide it — a rule never hides a
 * difference outside its own pattern.
 */
export function ignorePath(pattern: string): NoiseRuleMatcher {
  const compiled = compilePointerPattern(pattern);
  const description = `ignore ${pattern}`;
  return {
    describe: () => description,
    scope: { pattern, at: 'at-or-below' },
    judge: () => true,
    filters: (diff: Difference) => compiled.matchesAtOrBelow(diff.path),
  };
}
