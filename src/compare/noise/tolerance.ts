import type { NoiseRuleMatcher } from './matcher.js';
import { numericLimitRule } from './within-limit.js';

/** `{ path, tolerance: x }`: two numbers that differ by at most `x` are noise. */
export function tolerance(pattern: string, maxDelta: number): NoiseRuleMatcher {
  return numericLimitRule(pattern, `tolerance ${maxDelta} ${pattern}`, () => maxDelta);
}
