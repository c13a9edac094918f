import type { Difference } from '../../types.js';
import { compilePointerPattern } from '../pointer-pattern.js';
import type { NoiseRuleMatcher } from './matcher.js';

/**
 * `{ path, match: 'regex', pattern }`: a replaced value is noise when both sides are strings (numbers
 * are tested as their decimal text) matching the expression. `RegExp.test` semantics: anchor the
 * pattern (`^…$`) to match whole values.
 */
export function regexMatch(pattern: string, expression: string): NoiseRuleMatcher {
  const compiled = compilePointerPattern(pattern);
  // No `g`/`y` flag: those make `test` stateful through lastIndex.
  const re = new RegExp(expression);
  const description = `match regex /${expression}/ ${pattern}`;
  const textOf = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
  const judge = (diff: Difference): boolean => {
    if (diff.op !== 'replace') return false;
    const a = textOf(diff.before);
    const b = textOf(diff.after);
    return a !== undefined && b !== undefined && re.test(a) && re.test(b);
  };
  return {
    describe: () => description,
    scope: { pattern, at: 'exact' },
    judge,
    filters: (diff: Difference) => compiled.matches(diff.path) && judge(diff),
  };
}
