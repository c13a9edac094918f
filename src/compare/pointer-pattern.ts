import { escapeSegment, parsePointer } from './json-pointer.js';

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

/** One segment of a pattern: a key (unescaped), `*` (exactly one segment) or `**` (any number). */
export type PatternSegment = { kind: 'literal'; key: string } | { kind: 'one' } | { kind: 'any' };
type Segment = PatternSegment;

/** The segments of a pattern as written in the configuration. */
export function segmentsOf(source: string): Segment[] {
  // The schema allows `**/x` without the leading slash; it means the same as `/**/x`.
  const normalized = source.startsWith('**') ? `/${source}` : source;
  return parsePointer(normalized).map((key) => (key === '**' ? { kind: 'any' } : key === '*' ? { kind: 'one' } : { kind: 'literal', key }));
}

/** Compiles a pattern once; rules hold the compiled form so matching does no parsing of the pattern. */
export function compilePointerPattern(source: string): PointerPattern {
  const { exact, atOrBelow } = pointerRegExps(segmentsOf(source));
  return {
    source,
    matches: (pointer) => exact.test(pointer),
    matchesAtOrBelow: (pointer) => atOrBelow.test(pointer),
  };
}

/**
 * The pattern as two anchored regular expressions over the escaped pointer text, so that matching a
 * difference parses nothing: every rule of a route is asked about every JSON difference, and parsing
 * the pointer into keys for each question was most of a noisy comparison's rule cost. A literal key is
 * compared in its escaped form (`a/b` as `a~1b`), the same as comparing keys for the canonical pointers
 * the diff stages produce; `[^/]` keeps `*` and `**` to whole segments, so a pattern still never
 * matches half a key; a header name or `line 3` (no leading `/`, not empty) never matches. The glob
 * table ({@link matchTable}) stays the definition; a property test holds these expressions to it.
 */
function pointerRegExps(segments: readonly Segment[]): { exact: RegExp; atOrBelow: RegExp } {
  const body = segments
    .map((seg) => (seg.kind === 'any' ? '(?:/[^/]*)*' : seg.kind === 'one' ? '/[^/]*' : `/${escapeSegment(seg.key).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`))
    .join('');
  return { exact: new RegExp(`^${body}$`), atOrBelow: new RegExp(`^${body}(?:/|$)`) };
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
