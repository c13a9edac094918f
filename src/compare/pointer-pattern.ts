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

/** Compiles a pattern once; rules hold the compiled form so matching does no parsing of the pattern. */
export function compilePointerPattern(source: string): PointerPattern {
  // The schema allows `**/x` without the leading slash; it means the same as `/**/x`.
  const normalized = source.startsWith('**') ? `/${source}` : source;
  const segments: Segment[] = parsePointer(normalized).map((key) =>
    key === '**' ? { kind: 'any' } : key === '*' ? { kind: 'one' } : { kind: 'literal', key },
  );
  const reach = (pointer: string): boolean[] | null => {
    // Header names and text hunks (`line 3`) are not pointers and never match a pointer pattern.
    if (pointer !== '' && !pointer.startsWith('/')) return null;
    return matchTable(segments, parsePointer(pointer));
  };
  return {
    source,
    matches(pointer) {
      const row = reach(pointer);
      return row !== null && row[row.length - 1] === true;
    },
    matchesAtOrBelow(pointer) {
      const row = reach(pointer);
      return row !== null && row.some(Boolean);
    },
  };
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
