import { parsePointer } from './json-pointer.js';

/**
 * JSON pointer patterns as used by noise rules: a pointer whose whole segments may be `*` (exactly one
 * segment) or `**` (any number of segments, including none), anywhere: `/items/*\/price`, `**\/createdAt`,
 * `/items/**`, `/a/**\/b`. Segments are compared unescaped, so `/a~1b` matches the key `a/b` and a
 * pattern can never match "half" a key. A literal `*` key cannot be matched; no real API needs it.
 */
export interface PointerPattern {
  /** The pattern as written in the configuration. */
  readonly source: string;
  /** True when the pattern designates exactly this pointer. */
  matches(pointer: string): boolean;
  /** True when the pattern designates this pointer or one of its ancestors (the pointer is inside it). */
  matchesAtOrBelow(pointer: string): boolean;
}

type Segment = { kind: 'literal'; key: string } | { kind: 'one' } | { kind: 'any' };

function segmentsOf(source: string): Segment[] {
  // The schema allows `**/x` without the leading slash; it means the same as `/**/x`.
  const normalized = source.startsWith('**') ? `/${source}` : source;
  return parsePointer(normalized).map((key) => (key === '**' ? { kind: 'any' } : key === '*' ? { kind: 'one' } : { kind: 'literal', key }));
}

/** Answers for one pointer's keys: `exact` (the whole pointer), `atOrBelow` (the pointer or an ancestor). */
interface KeyMatcher {
  exact(keys: readonly string[]): boolean;
  atOrBelow(keys: readonly string[]): boolean;
}

/** Compiles a pattern once; rules hold the compiled form so matching does no parsing of the pattern. */
export function compilePointerPattern(source: string): PointerPattern {
  const matcher = keyMatcher(segmentsOf(source));
  return {
    source,
    matches(pointer) {
      const keys = keysOf(pointer);
      return keys !== null && matcher.exact(keys);
    },
    matchesAtOrBelow(pointer) {
      const keys = keysOf(pointer);
      return keys !== null && matcher.atOrBelow(keys);
    },
  };
}

/**
 * The keys of the last pointer asked about. A route's rules are asked about one difference after
 * another, each rule about the same `diff.path` in turn: one parse serves them all (parsing was a
 * tenth of a noisy comparison before this cache). Keyed by the string, so any caller gets the right keys.
 */
let lastPointer: string | undefined;
let lastKeys: readonly string[] | null = null;

function keysOf(pointer: string): readonly string[] | null {
  if (pointer === lastPointer) return lastKeys;
  // Header names and text hunks (`line 3`) are not pointers and never match a pointer pattern.
  lastKeys = pointer !== '' && !pointer.startsWith('/') ? null : parsePointer(pointer);
  lastPointer = pointer;
  return lastKeys;
}

/**
 * Picks the cheapest exact algorithm for the pattern's shape: without `**` a pattern matches pointers
 * of its own length segment by segment (and covers those below it by prefix); `**` followed only by
 * fixed segments (`**\/etag`, the common "anywhere" rule) matches by suffix; anything else takes the
 * general glob table ({@link matchTable}), which the specialised forms agree with (a property test checks).
 */
function keyMatcher(segments: readonly Segment[]): KeyMatcher {
  const anys = segments.filter((s) => s.kind === 'any').length;
  if (anys === 0) {
    const n = segments.length;
    return {
      exact: (keys) => keys.length === n && fixedAt(segments, 0, n, keys, 0),
      atOrBelow: (keys) => keys.length >= n && fixedAt(segments, 0, n, keys, 0),
    };
  }
  if (anys === 1 && segments[0]?.kind === 'any') {
    const n = segments.length - 1;
    return {
      exact: (keys) => keys.length >= n && fixedAt(segments, 1, n, keys, keys.length - n),
      atOrBelow: (keys) => {
        for (let end = n; end <= keys.length; end++) if (fixedAt(segments, 1, n, keys, end - n)) return true;
        return false;
      },
    };
  }
  return {
    exact: (keys) => matchTable(segments, keys)[keys.length] === true,
    atOrBelow: (keys) => matchTable(segments, keys).some(Boolean),
  };
}

/** True when the `n` fixed segments (`*` or literal) from `from` match the keys from `at`. */
function fixedAt(segments: readonly Segment[], from: number, n: number, keys: readonly string[], at: number): boolean {
  for (let i = 0; i < n; i++) {
    const seg = segments[from + i]!;
    if (seg.kind === 'literal' && seg.key !== keys[at + i]) return false;
  }
  return true;
}

/** The general matcher, exported so tests can hold the specialised ones to it. */
export function matchesByTable(source: string, pointer: string, atOrBelow: boolean): boolean {
  const segments = segmentsOf(source);
  if (pointer !== '' && !pointer.startsWith('/')) return false;
  const keys = parsePointer(pointer);
  const row = matchTable(segments, keys);
  return atOrBelow ? row.some(Boolean) : row[keys.length] === true;
}

/** True when `pattern` designates exactly `pointer`. Compiles on each call; hot paths compile once. */
export function matchPointer(pattern: string, pointer: string): boolean {
  return compilePointerPattern(pattern).matches(pointer);
}

/**
 * Classic glob dynamic programming over segments. Returns, for every prefix length j of the pointer,
 * whether the whole pattern matches the first j keys: the last entry answers "exact match", any entry
 * answers "the pattern covers an ancestor (or the pointer itself)". O(pattern × pointer).
 */
function matchTable(pattern: readonly Segment[], keys: readonly string[]): boolean[] {
  let prev: boolean[] = keys.map(() => false);
  prev.unshift(true); // the empty pattern matches the empty prefix only
  for (const seg of pattern) {
    const row: boolean[] = new Array<boolean>(keys.length + 1).fill(false);
    for (let j = 0; j <= keys.length; j++) {
      if (seg.kind === 'any') {
        row[j] = prev[j] === true || (j > 0 && row[j - 1] === true);
      } else if (j > 0 && prev[j - 1] === true) {
        row[j] = seg.kind === 'one' || seg.key === keys[j - 1];
      }
    }
    prev = row;
  }
  return prev;
}
