import type { NoiseRuleMatcher } from './matcher.js';
import { numericLimitRule } from './within-limit.js';

/**
 * `{ path, relative: r }`: two numbers are noise when |a − b| ≤ r·|a|, `a` being the recorded value
 * (the reference the candidate is judged against). A recorded 0 therefore tolerates no change.
 */
export function relativeTolerance(pattern: string, ratio: number): NoiseRuleMatcher {
  return numericLimitRule(pattern, `relative ${ratio} ${pattern}`, (recorded) => ratio * Math.abs(recorded));
}
