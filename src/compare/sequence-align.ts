import { diffArrays } from 'diff';
import { canonicalJson } from './json-value.js';
import type { ArrayAlignment } from './noise/matcher.js';

/** Time the alignment may take before falling back to index-by-index (Myers is O(N·D)). */
const ALIGN_TIMEOUT_MS = 500;

/**
 * Aligns two *ordered* arrays of different lengths, so one element inserted at the front reads as
 * `add /items/0` rather than a replace at every index plus an add at the end. Equal elements are
 * anchored with a longest-common-subsequence diff (the `diff` package's `diffArrays` over canonical
 * JSON keys); between two anchors, removed and added elements are paired in order, as modified
 * elements (so a changed field inside a moved-down element is still a field difference), and only the
 * surplus on either side is reported as removed or added. The result never reorders: `matchOf` is
 * increasing. Returns `undefined` when the diff gives up, leaving the plain index-by-index diff.
 */
export function alignSequence(recorded: readonly unknown[], candidate: readonly unknown[]): ArrayAlignment | undefined {
  const changes = diffArrays(recorded.map(canonicalJson), candidate.map(canonicalJson), { timeout: ALIGN_TIMEOUT_MS });
  if (changes === undefined) return undefined;

  const matchOf: number[] = new Array<number>(recorded.length).fill(-1);
  const unmatched: number[] = [];
  let i = 0;
  let j = 0;
  let removed: number[] = [];
  let added: number[] = [];
  const closeGap = (): void => {
    const pairs = Math.min(removed.length, added.length);
    for (let k = 0; k < pairs; k++) matchOf[removed[k] as number] = added[k] as number;
    unmatched.push(...added.slice(pairs));
    removed = [];
    added = [];
  };
  for (const part of changes) {
    if (part.removed) {
      for (let k = 0; k < part.count; k++) removed.push(i++);
    } else if (part.added) {
      for (let k = 0; k < part.count; k++) added.push(j++);
    } else {
      closeGap();
      for (let k = 0; k < part.count; k++) matchOf[i++] = j++;
    }
  }
  closeGap();
  return { matchOf, unmatched };
}
