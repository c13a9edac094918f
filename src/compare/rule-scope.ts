import type { NoiseRuleMatcher } from './noise/matcher.js';
import { segmentsOf, type PatternSegment } from './pointer-pattern.js';

/**
 * Where a rule's pointer pattern must stand for the rule to judge a difference: on the difference's
 * pointer (`exact`), on it or an ancestor (`at-or-below`: ignores), or on its parent (`parent`: a key
 * added or removed under an object whose keys vary).
 */
export type ScopeKind = 'exact' | 'at-or-below' | 'parent';

/** The rules that may judge a difference at one node of a document, and the way to its children. */
export interface RuleScope {
  /** Every rule whose pattern puts this node in scope (and every rule without a pattern), in rule order. */
  readonly rules: readonly NoiseRuleMatcher[];
  /** The scope of the child under an object key (unescaped). */
  child(key: string): RuleScope;
  /** The scope of an array element, without writing the index out unless a pattern names an index. */
  element(index: number): RuleScope;
}

/**
 * Every rule of a route compiled into one automaton over pointer segments, walked down the document
 * alongside the diff: the pointer patterns are matched a segment at a time as the diff descends,
 * instead of each rule testing every difference's pointer text. A state holds, per pattern, the
 * positions the glob can be at (the same relation as `matchTable` in pointer-pattern.ts, run forward),
 * plus which patterns cover the node (matched here or above) and which matched the parent. States are
 * interned and transitions memoised per state: a key that is no literal of any pattern moves every
 * state the same way, so an array of 10,000 elements costs one transition, not 10,000.
 */
export function compileRuleScope(matchers: readonly NoiseRuleMatcher[]): RuleScope {
  const patterns = matchers.map((m) => (m.scope ? segmentsOf(m.scope.pattern) : undefined));
  const literals = new Set<string>();
  for (const segs of patterns) for (const s of segs ?? []) if (s.kind === 'literal') literals.add(s.key);
  const numericLiteral = [...literals].some((k) => /^(0|[1-9]\d*)$/.test(k));
  const states = new Map<string, State>();

  class State implements RuleScope {
    readonly rules: readonly NoiseRuleMatcher[];
    private readonly next = new Map<string, State>();
    private other: State | undefined;

    constructor(
      /** Per pattern, whether the glob can stand at each position (position = segments consumed). */
      private readonly positions: ReadonlyArray<readonly boolean[] | undefined>,
      private readonly covered: readonly boolean[],
      private readonly exact: readonly boolean[],
      exactParent: readonly boolean[],
    ) {
      this.rules = matchers.filter((m, i) => {
        if (!m.scope) return true;
        if (m.scope.at === 'exact') return exact[i] === true;
        if (m.scope.at === 'at-or-below') return covered[i] === true;
        return exactParent[i] === true;
      });
    }

    child(key: string): State {
      if (!literals.has(key)) return (this.other ??= this.step(undefined));
      let s = this.next.get(key);
      if (!s) this.next.set(key, (s = this.step(key)));
      return s;
    }

    element(index: number): State {
      return numericLiteral ? this.child(String(index)) : (this.other ??= this.step(undefined));
    }

    /** `key` undefined: a key that equals no literal of any pattern. */
    private step(key: string | undefined): State {
      const positions = patterns.map((segs, i) => {
        const from = this.positions[i];
        if (!segs || !from) return undefined;
        const to = segs.map(() => false).concat(false);
        segs.forEach((seg, p) => {
          if (!from[p]) return;
          if (seg.kind === 'any') to[p] = true;
          else if (seg.kind === 'one' || seg.key === key) to[p + 1] = true;
        });
        return closure(segs, to);
      });
      return intern(positions, this.covered, this.exact);
    }
  }

  /** The node's state from its positions and its parent's coverage and matches (`null` at the root). */
  function intern(positions: Array<readonly boolean[] | undefined>, parentCovered: readonly boolean[], parentExact: readonly boolean[] | null): State {
    // A pattern matches the node exactly when its glob can stand past its last segment.
    const exact = positions.map((pos) => pos !== undefined && pos[pos.length - 1] === true);
    const covered = exact.map((e, i) => e || parentCovered[i] === true);
    const exactParent = parentExact ?? exact.map(() => false);
    const id = `${positions.map((p) => (p ? p.map(Number).join('') : '-')).join(',')}|${covered.map(Number).join('')}|${exactParent.map(Number).join('')}`;
    let s = states.get(id);
    if (!s) states.set(id, (s = new State(positions, covered, exact, exactParent)));
    return s;
  }

  const start = patterns.map((segs) => (segs ? closure(segs, segs.map((_, p) => p === 0).concat(segs.length === 0)) : undefined));
  return intern(start, start.map(() => false), null);
}

/** `**` may match no segment at all: a position before one can also stand after it. */
function closure(segs: readonly PatternSegment[], at: boolean[]): boolean[] {
  for (let p = 0; p < segs.length; p++) if (at[p] && segs[p]!.kind === 'any') at[p + 1] = true;
  return at;
}
