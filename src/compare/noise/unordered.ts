import type { Difference } from '../../types.js';
import { canonicalJson } from '../json-value.js';
import { compilePointerPattern } from '../pointer-pattern.js';
import type { ArrayAligner, ArrayAlignment } from './matcher.js';
import { ORDER_CHANGED } from './matcher.js';

/**
 * `{ path, unordered: true }`: the array is a multiset. Elements pair up by deep equality (duplicates
 * pair one for one, in order of appearance); whatever is left over on either side is a real removal or
 * addition. Elements are compared whole: a changed element is one removal plus one addition. Use
 * `unorderedBy` to pair objects by id and see field-level changes.
 */
export function unordered(pattern: string): ArrayAligner {
  const compiled = compilePointerPattern(pattern);
  const description = `unordered ${pattern}`;
  return {
    describe: () => description,
    appliesTo: (pointer) => compiled.matches(pointer),
    scope: { pattern, at: 'exact' },
    judge: (diff: Difference) => diff.change === ORDER_CHANGED,
    filters: (diff: Difference) => diff.change === ORDER_CHANGED && compiled.matches(diff.path),
    align: (recorded, candidate) => alignByKey(recorded, candidate, canonicalJson),
  };
}

/**
 * Pairs elements with equal keys, first come first served. Hash buckets instead of pairwise comparison
 * keep a 10 000-element array linear. Elements whose key is `undefined` are never paired.
 */
export function alignByKey(recorded: readonly unknown[], candidate: readonly unknown[], keyOf: (v: unknown) => string | undefined): ArrayAlignment {
  const buckets = new Map<string, number[]>();
  candidate.forEach((v, j) => {
    const key = keyOf(v);
    if (key === undefined) return;
    const bucket = buckets.get(key);
    if (bucket) bucket.push(j);
    else buckets.set(key, [j]);
  });
  const paired = new Set<number>();
  const matchOf = recorded.map((v) => {
    const key = keyOf(v);
    const j = key === undefined ? undefined : buckets.get(key)?.shift();
    if (j === undefined) return -1;
    paired.add(j);
    return j;
  });
  const unmatched = candidate.map((_, j) => j).filter((j) => !paired.has(j));
  return { matchOf, unmatched };
}
