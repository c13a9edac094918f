import type { Difference } from '../../types.js';
import { isDateTimeString, isEpoch, matchesFormat } from '../formats.js';
import type { FormatMatcher } from '../formats.js';
import { compilePointerPattern } from '../pointer-pattern.js';
import type { NoiseRuleMatcher } from './matcher.js';

/**
 * `{ path, match: 'uuid' | 'timestamp' | 'jwt' | 'hex' | 'number-like' }`: a replaced value is noise when
 * both sides have the format. For `timestamp` both must be of one family — two date strings, or two
 * epoch numbers — so a clock that turned from a string into a number is still reported.
 */
export function formatMatch(pattern: string, format: FormatMatcher): NoiseRuleMatcher {
  const compiled = compilePointerPattern(pattern);
  const description = `match ${format} ${pattern}`;
  const both = (a: unknown, b: unknown): boolean =>
    format === 'timestamp'
      ? (isDateTimeString(a) && isDateTimeString(b)) || (isEpoch(a) && isEpoch(b))
      : matchesFormat(a, format) && matchesFormat(b, format);
  const judge = (diff: Difference): boolean => diff.op === 'replace' && both(diff.before, diff.after);
  return {
    describe: () => description,
    scope: { pattern, at: 'exact' },
    judge,
    filters: (diff: Difference) => compiled.matches(diff.path) && judge(diff),
  };
}
