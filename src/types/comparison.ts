/** The comparison stage's data: differences between a recorded response and a replayed one. */

/**
 * `unreproduced`: the candidate and the baseline agree with each other and not with the recording —
 * the replay did not reproduce what was recorded (credentials, data, environment), so the exchange
 * says nothing about the candidate's behaviour.
 */
export type Verdict = 'pass' | 'noise' | 'regression' | 'unreproduced' | 'error' | 'skipped';

/** Where a difference lies. */
export type DifferenceTarget = 'status' | 'header' | 'body';

/**
 * One observed difference between the recorded (or baseline) response and the candidate's.
 * For JSON bodies `op` and `path` are an RFC 6902 operation and RFC 6901 pointer.
 */
export interface Difference {
  target: DifferenceTarget;
  /** RFC 6902 op for JSON; `replace` for status, text and binary; add/remove/replace for headers. */
  op: 'add' | 'remove' | 'replace';
  /** JSON pointer for JSON bodies (`/items/0/id`), header name (lower-case) for headers, `''` otherwise. */
  path: string;
  /** Value before (recorded side); absent for `add`. Large values are capped. */
  before?: unknown;
  /** Value after (candidate side); absent for `remove`. Large values are capped. */
  after?: unknown;
  /**
   * The kind of change, stable across exchanges, used for grouping:
   * `removed`, `added`, `value changed`, `number → string`, `404 → 500`, `line changed`, `bytes changed`.
   */
  change: string;
  /** Grouping key: target, path with array indices folded to `*`, and change. */
  signature: string;
  /** Set when a noise rule filtered this difference: a readable description of that rule. */
  filteredBy?: string;
  /** The baseline showed this very difference too (same place, operation and value). */
  onBaseline?: true;
  /** Not a change of the candidate: the replay did not reproduce the recording here (see Verdict). */
  unreproduced?: true;
}

export interface Comparison {
  /** `pass` (no difference), `noise` (all filtered), or `regression`. */
  verdict: 'pass' | 'noise' | 'regression' | 'unreproduced';
  /** Differences that no rule filtered. */
  differences: Difference[];
  /** Differences filtered by a rule, each tagged with it in `filteredBy`. */
  filtered: Difference[];
  /** Remarks on how bodies were compared, e.g. `invalid JSON under application/json compared as text`. */
  notes: string[];
}
