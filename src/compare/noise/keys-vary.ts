import type { Difference } from '../../types.js';
import { compilePointerPattern, type PointerPattern } from '../pointer-pattern.js';
import type { NoiseRuleMatcher } from './matcher.js';

/**
 * `{ path: '/pets/*\/attributes', keys: 'vary' }`: the object's keys are data (ids, names, dates),
 * not its schema. A key added or removed directly under it is noise; what changes inside a value
 * present on both sides is still compared, and signatures fold those keys to `*` (see
 * {@link foldVaryingKeys}) so one change reads as one group, not one per key.
 */
export function keysVary(pattern: string): NoiseRuleMatcher & { readonly pattern: PointerPattern } {
  const compiled = compilePointerPattern(pattern);
  const description = `keys vary ${pattern}`;
  return {
    pattern: compiled,
    describe: () => description,
    scope: { pattern, at: 'parent' },
    judge: (diff: Difference) => diff.op !== 'replace',
    filters: (diff: Difference) => {
      if (diff.op === 'replace') return false;
      const i = diff.path.lastIndexOf('/');
      return i >= 0 && compiled.matches(diff.path.slice(0, i));
    },
  };
}

/** The pointer with each key directly under a keys-vary object replaced by `*`. */
export function foldVaryingKeys(pointer: string, patterns: readonly PointerPattern[]): string {
  if (patterns.length === 0 || !pointer.startsWith('/')) return pointer;
  const segments = pointer.split('/').slice(1);
  const folded = [...segments];
  let prefix = '';
  for (let i = 0; i < segments.length; i++) {
    if (patterns.some((p) => p.matches(prefix))) folded[i] = '*';
    prefix += `/${segments[i]!}`;
  }
  return `/${folded.join('/')}`;
}
