import type { Difference } from '../../types.js';
import { compilePointerPattern } from '../pointer-pattern.js';
import type { NoiseRuleMatcher } from './matcher.js';
import { withinLimit } from './within-limit.js';

/** `{ path, tolerance: x }`: two numbers that differ by at most `x` are noise. */
export function tolerance(pattern: string, maxDelta: number): NoiseRuleMatcher {
  const compiled = compilePointerPattern(pattern);
  const description = `tolerance ${maxDelta} ${pattern}`;
  return {
    describe: () => description,
    filters: (diff: Difference) =>
      diff.op === 'replace' &&
      typeof diff.before === 'number' &&
      typeof diff.after === 'number' &&
      compiled.matches(diff.path) &&
      withinLimit(diff.before, diff.after, maxDelta),
  };
}
