import type { Difference } from '../types.js';
import { makeDifference } from './difference.js';
import { childPointer } from './json-pointer.js';
import { isPlainObject } from './json-value.js';
import { jsonDifference } from './json-diff.js';
import type { ArrayAligner } from './noise/matcher.js';
import { alignSequence } from './sequence-align.js';
import { ORDER_CHANGED } from './noise/matcher.js';

/** The candidate document rearranged to line up with the recording, and what the rearranging saw. */
export interface AlignedCandidate {
  /** A copy of the candidate in which every aligned array has the recorded array's indices. */
  candidate: unknown;
  /** Unpaired elements (`removed` / `added`) and `order changed` for reordered arrays. */
  differences: Difference[];
}

/**
 * The pre-diff stage that lines arrays up: by an unordered rule's aligner when one governs the array,
 * else by {@link alignSequence} when the two arrays differ in length. For each aligned array, the candidate's array is
 * rebuilt at the recorded indices: a paired element takes its partner's slot, an unpaired recorded slot
 * keeps the recorded element (so the diff is silent there and the removal is reported here instead), and
 * unpaired candidate elements are reported as `add` at their candidate index. The diff that follows then
 * reports field changes of paired elements at recorded indices. Nested arrays are aligned too, through
 * the paired elements. Inputs are never mutated.
 */
export function alignArrays(recorded: unknown, candidate: unknown, aligners: readonly ArrayAligner[]): AlignedCandidate {
  const differences: Difference[] = [];

  const walk = (rec: unknown, cand: unknown, pointer: string): unknown => {
    if (Array.isArray(rec) && Array.isArray(cand)) {
      const aligner = aligners.find((a) => a.appliesTo(pointer));
      // Same length without a rule: index by index, which is what fast-json-patch reports anyway.
      const alignment = aligner ? aligner.align(rec, cand) : rec.length !== cand.length ? alignSequence(rec, cand) : undefined;
      if (!alignment) {
        return mapIfChanged(cand, (c, i) => (i < rec.length && sameContainers(rec[i], c) ? walk(rec[i], c, childPointer(pointer, i)) : c));
      }
      const { matchOf, unmatched } = alignment;
      matchOf.forEach((j, i) => {
        if (j === -1) differences.push(jsonDifference('remove', childPointer(pointer, i), rec[i], undefined));
      });
      for (const j of unmatched) differences.push(jsonDifference('add', childPointer(pointer, j), undefined, cand[j]));
      const paired = matchOf.filter((j) => j !== -1);
      if (paired.some((j, k) => k > 0 && j < (paired[k - 1] ?? -1))) {
        differences.push(makeDifference({ target: 'body', op: 'replace', path: pointer, before: rec, after: cand, change: ORDER_CHANGED }));
      }
      return rec.map((r: unknown, i) => {
        const j = matchOf[i] ?? -1;
        return j === -1 ? r : sameContainers(r, cand[j]) ? walk(r, cand[j], childPointer(pointer, i)) : cand[j];
      });
    }
    if (isPlainObject(rec) && isPlainObject(cand)) {
      let copy: Record<string, unknown> | undefined;
      for (const key of Object.keys(cand)) {
        // Only two arrays or two objects can hold an array to align: the rest costs no pointer.
        if (!Object.hasOwn(rec, key) || !sameContainers(rec[key], cand[key])) continue;
        const next = walk(rec[key], cand[key], childPointer(pointer, key));
        if (next === cand[key]) continue;
        copy ??= { ...cand };
        // defineProperty, not assignment: a JSON key "__proto__" must stay an own data property.
        Object.defineProperty(copy, key, { value: next, enumerable: true, writable: true, configurable: true });
      }
      return copy ?? cand;
    }
    return cand;
  };

  return { candidate: walk(recorded, candidate, ''), differences };
}

/** Two arrays or two plain objects: the only pairs `walk` looks into (it returns any other candidate as is). */
function sameContainers(a: unknown, b: unknown): boolean {
  return Array.isArray(a) ? Array.isArray(b) : isPlainObject(a) && isPlainObject(b);
}

/** `array.map` that returns the original array when no element changed, keeping untouched subtrees shared. */
function mapIfChanged(array: unknown[], fn: (v: unknown, i: number) => unknown): unknown[] {
  let out: unknown[] | undefined;
  array.forEach((v, i) => {
    const next = fn(v, i);
    if (next !== v) {
      out ??= array.slice();
      out[i] = next;
    }
  });
  return out ?? array;
}
