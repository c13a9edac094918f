import type { Difference } from '../types.js';
import { makeDifference } from './difference.js';
import { childPointer } from './json-pointer.js';
import { isPlainObject } from './json-value.js';
import { jsonDifference } from './json-diff.js';
import type { ArrayAligner } from './noise/matcher.js';
import { alignSequence } from './sequence-align.js';
import { ORDER_CHANGED, isArrayAligner } from './noise/matcher.js';
import type { RuleScope } from './rule-scope.js';

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
export function alignArrays(recorded: unknown, candidate: unknown, aligners: readonly ArrayAligner[], scope?: RuleScope): AlignedCandidate {
  const differences: Difference[] = [];

  // The rule that aligns the array at this place: from the route's rule automaton when the caller has
  // one (no pointer is written for that), else by asking every aligner about the pointer.
  const alignerAt = (at: Place | undefined, here: RuleScope | undefined): ArrayAligner | undefined => {
    if (!here) return aligners.find((a) => a.appliesTo(pointerOf(at)));
    for (const m of here.rules) if (isArrayAligner(m) && (m.scope !== undefined || m.appliesTo(pointerOf(at)))) return m;
    return undefined;
  };

  const walk = (rec: unknown, cand: unknown, at: Place | undefined, here: RuleScope | undefined): unknown => {
    if (Array.isArray(rec) && Array.isArray(cand)) {
      const aligner = alignerAt(at, here);
      // Same length without a rule: index by index, which is what fast-json-patch reports anyway.
      const alignment = aligner ? aligner.align(rec, cand) : rec.length !== cand.length ? alignSequence(rec, cand) : undefined;
      if (!alignment) {
        let out: unknown[] | undefined;
        for (let i = 0; i < cand.length; i++) {
          const c: unknown = cand[i];
          if (i >= rec.length || !sameContainers(rec[i], c)) continue;
          const next = walk(rec[i], c, { up: at, key: i }, here?.element(i));
          if (next === c) continue;
          out ??= cand.slice();
          out[i] = next;
        }
        return out ?? cand;
      }
      const { matchOf, unmatched } = alignment;
      const pointer = pointerOf(at);
      for (let i = 0; i < matchOf.length; i++) {
        if (matchOf[i] === -1) differences.push(jsonDifference('remove', childPointer(pointer, i), rec[i], undefined));
      }
      for (const j of unmatched) differences.push(jsonDifference('add', childPointer(pointer, j), undefined, cand[j]));
      let last = -1;
      for (const j of matchOf) {
        if (j === -1) continue;
        if (j < last) {
          differences.push(makeDifference({ target: 'body', op: 'replace', path: pointer, before: rec, after: cand, change: ORDER_CHANGED }));
          break;
        }
        last = j;
      }
      const out = new Array<unknown>(rec.length);
      for (let i = 0; i < rec.length; i++) {
        const r: unknown = rec[i];
        const j = matchOf[i] ?? -1;
        out[i] = j === -1 ? r : sameContainers(r, cand[j]) ? walk(r, cand[j], { up: at, key: i }, here?.element(i)) : cand[j];
      }
      return out;
    }
    if (isPlainObject(rec) && isPlainObject(cand)) {
      let copy: Record<string, unknown> | undefined;
      for (const key of Object.keys(cand)) {
        // Only two arrays or two objects can hold an array to align: the rest costs no pointer.
        if (!Object.hasOwn(rec, key) || !sameContainers(rec[key], cand[key])) continue;
        const next = walk(rec[key], cand[key], { up: at, key }, here?.child(key));
        if (next === cand[key]) continue;
        copy ??= { ...cand };
        // defineProperty, not assignment: a JSON key "__proto__" must stay an own data property.
        Object.defineProperty(copy, key, { value: next, enumerable: true, writable: true, configurable: true });
      }
      return copy ?? cand;
    }
    return cand;
  };

  return { candidate: walk(recorded, candidate, undefined, scope), differences };
}

/** Where the walk stands: the chain of keys from the root, written out as a pointer only when needed. */
interface Place {
  up: Place | undefined;
  key: string | number;
}

function pointerOf(at: Place | undefined): string {
  return at === undefined ? '' : childPointer(pointerOf(at.up), at.key);
}

/** Two arrays or two plain objects: the only pairs `walk` looks into (it returns any other candidate as is). */
function sameContainers(a: unknown, b: unknown): boolean {
  return Array.isArray(a) ? Array.isArray(b) : isPlainObject(a) && isPlainObject(b);
}
