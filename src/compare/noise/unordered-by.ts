import type { Difference } from '../../types.js';
import { canonicalJson, isPlainObject } from '../json-value.js';
import { compilePointerPattern } from '../pointer-pattern.js';
import type { ArrayAligner } from './matcher.js';
import { ORDER_CHANGED } from './matcher.js';
import { alignByKey } from './unordered.js';

/**
 * `{ path, unorderedBy: 'id' }`: an array of objects identified by a key field. Elements with equal keys
 * are paired and then diffed field by field; the pre-diff stage reports those field differences at the
 * element's *recorded* index (`/items/<recorded index>/price`), a pointer that resolves in the recording
 * and does not move when the candidate shuffles. Elements without the key are paired by deep equality.
 */
export function unorderedBy(pattern: string, field: string): ArrayAligner {
  const compiled = compilePointerPattern(pattern);
  const description = `unorderedBy ${field} ${pattern}`;
  const keyOf = (v: unknown): string =>
    // Prefixes keep a keyed element from ever pairing with a key-less one that happens to serialise alike.
    isPlainObject(v) && Object.hasOwn(v, field) ? `k${canonicalJson(v[field])}` : `v${canonicalJson(v)}`;
  return {
    describe: () => description,
    appliesTo: (pointer) => compiled.matches(pointer),
    scope: { pattern, at: 'exact' },
    judge: (diff: Difference) => diff.change === ORDER_CHANGED,
    filters: (diff: Difference) => diff.change === ORDER_CHANGED && compiled.matches(diff.path),
    align: (recorded, candidate) => alignByKey(recorded, candidate, keyOf),
  };
}
