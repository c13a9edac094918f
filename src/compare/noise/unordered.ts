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
  // Keys are usually unique (ids): a bucket is a bare index until a second element shares its key.
  const buckets = new Map<string, number | number[]>();
  for (let j = 0; j < candidate.length; j++) {
    const key = keyOf(candidate[j]);
    if (key === undefined) continue;
    const bucket = buckets.get(key);
    if (bucket === undefined) buckets.set(key, j);
    else if (typeof bucket === 'number') buckets.set(key, [bucket, j]);
    else bucket.push(j);
  }
  const paired = new Uint8Array(candidate.length);
  const matchOf = new Array<number>(recorded.length);
  for (let i = 0; i < recorded.length; i++) {
    const key = keyOf(recorded[i]);
    const bucket = key === undefined ? undefined : buckets.get(key);
    let j: number | undefined;
    if (typeof bucket === 'number') {
      j = bucket;
      buckets.delete(key!);
    } else {
      j = bucket?.shift();
    }
    matchOf[i] = j ?? -1;
    if (j !== undefined) paired[j] = 1;
  }
  const unmatched: number[] = [];
  for (let j = 0; j < candidate.length; j++) if (paired[j] === 0) unmatched.push(j);
  return { matchOf, unmatched };
}
