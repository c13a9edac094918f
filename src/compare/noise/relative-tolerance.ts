import type { Difference } from '../../types.js';
import { compilePointerPattern } from '../pointer-pattern.js';
import type { NoiseRuleMatcher } from './matcher.js';
import { withinLimit } from './within-limit.js';

/**
 * `{ path, relative: r }`: two numbers are noise when |a − b| ≤ r·|a|, `a` being the recorded value
 * (the reference the candidate is judged against). A recorded 0 therefore tolerates no change.
 */
export function relativeTolerance(pattern: string, ratio: number): NoiseRuleMatcher {
  const compiled = compilePointerPattern(pattern);
  const description = `relative ${ratio} ${pattern}`;
  return {
    describe: () => description,
    filters: (diff: Difference) =>
      diff.op === 'replace' &&
      typeof diff.before === 'number' &&
      typeof diff.after === 'number' &&
      compiled.matches(diff.path) &&
      withinLimit(diff.before, diff.after, ratio * Math.abs(diff.before)),
  };
}
