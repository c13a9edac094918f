import type { Difference } from '../../types.js';
import type { CompareContext } from '../contracts.js';
import type { ScopeKind } from '../rule-scope.js';

/**
 * One compiled noise rule. The pipeline asks each matcher in turn whether it filters a JSON body
 * difference; the first that does tags the difference with `describe()`. A new rule kind is a new file
 * implementing this interface plus one line in `compile-rules.ts`; the pipeline does not change.
 */
export interface NoiseRuleMatcher {
  /** How the rule reads in reports, e.g. `ignore /meta/requestId`; stored in `Difference.filteredBy`. */
  describe(): string;
  /**
   * True when the difference is noise under this rule. Called only for JSON body differences, with the
   * uncapped `before`/`after` values.
   */
  filters(diff: Difference, ctx: CompareContext): boolean;
  /**
   * The pointer pattern that bounds the rule, and where it must match relative to a difference
   * (see rule-scope.ts). With `judge`, it lets the comparer match every rule's pattern in one walk down
   * the document instead of asking `filters` of each rule for each difference; a matcher without it is
   * asked about every difference.
   */
  readonly scope?: { readonly pattern: string; readonly at: ScopeKind };
  /** `filters` for a difference known to be in `scope`: the test of the values alone. */
  judge?(diff: Difference, ctx: CompareContext): boolean;
}

/**
 * Which recorded element each candidate element corresponds to, for an array compared without regard
 * to order.
 */
export interface ArrayAlignment {
  /** For each recorded index, the candidate index it was matched with, or -1 when it has none. */
  matchOf: number[];
  /** Candidate indices matched with no recorded element (ascending). */
  unmatched: number[];
}

/**
 * A rule that must act before the diff (unordered arrays): an index-by-index diff of a reordered array
 * reports every index, and no per-difference rule could tell a reorder from a real change. The aligner
 * pairs elements up front; the pre-diff stage then reports unpaired elements as added/removed and one
 * `order changed` difference, which `filters` recognises, so the reorder stays visible as noise.
 */
export interface ArrayAligner extends NoiseRuleMatcher {
  /** True when the array at this pointer (in the recorded document) is governed by the rule. */
  appliesTo(pointer: string): boolean;
  align(recorded: readonly unknown[], candidate: readonly unknown[]): ArrayAlignment;
}

/** The change kind the pre-diff stage gives a reordered array. */
export const ORDER_CHANGED = 'order changed';

export function isArrayAligner(m: NoiseRuleMatcher): m is ArrayAligner {
  return typeof (m as Partial<ArrayAligner>).align === 'function';
}
