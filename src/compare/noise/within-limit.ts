import type { Difference } from '../../types.js';
import { compilePointerPattern } from '../pointer-pattern.js';
import type { NoiseRuleMatcher } from './matcher.js';

/**
 * |a − b| ≤ limit, forgiving the last bits of binary floating point: 10.3 − 10 is 0.3000000000000007,
 * and a user who wrote `tolerance: 0.3` means that pair to pass.
 */
export function withinLimit(a: number, b: number, limit: number): boolean {
  const slack = 8 * Number.EPSILON * Math.max(1, Math.abs(a), Math.abs(b));
  return Math.abs(a - b) <= limit + slack;
}

/**
 * The shared shape of the numeric rules: a replaced number at a matching path is noise when it stays
 * within `limitFor(recorded)` of the recorded value.
 */
export function numericLimitRule(pattern: string, description: string, limitFor: (recorded: number) => number): NoiseRuleMatcher {
  const compiled = compilePointerPattern(pattern);
  const judge = (diff: Difference): boolean =>
    diff.op === 'replace' && typeof diff.before === 'number' && typeof diff.after === 'number' && withinLimit(diff.before, diff.after, limitFor(diff.before));
  return {
    describe: () => description,
    scope: { pattern, at: 'exact' },
    judge,
    filters: (diff: Difference) => compiled.matches(diff.path) && judge(diff),
  };
}
