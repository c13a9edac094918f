/**
 * RFC 6901 JSON pointers: escaping, parsing, lookup, and folding array indices for grouping.
 * Pointers are kept escaped as strings everywhere; segments are unescaped only when a key is needed.
 */

import { isDataKey } from '../routes/data-key.js';

/** Escapes one key for use in a pointer (`a/b` → `a~1b`, `a~b` → `a~0b`). Order matters: `~` first. */
export function escapeSegment(key: string): string {
  // Most keys need no escaping; skipping two regex replacements per key matters on every diffed node.
  if (key.indexOf('~') === -1 && key.indexOf('/') === -1) return key;
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** The inverse of {@link escapeSegment}. `~1` is replaced first so `~01` becomes `~1`, not `/`. */
export function unescapeSegment(segment: string): string {
  if (segment.indexOf('~') === -1) return segment;
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Unescaped keys of a pointer; `''` (the whole document) has none. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map(unescapeSegment);
}

export function formatPointer(keys: readonly string[]): string {
  return keys.map((k) => `/${escapeSegment(k)}`).join('');
}

export function childPointer(pointer: string, key: string | number): string {
  return `${pointer}/${escapeSegment(String(key))}`;
}

/** The value a pointer designates, or `found: false` when any step is missing. */
export function valueAt(doc: unknown, pointer: string): { found: boolean; value?: unknown } {
  let node: unknown = doc;
  for (const key of parsePointer(pointer)) {
    if (Array.isArray(node)) {
      if (!/^(0|[1-9]\d*)$/.test(key)) return { found: false };
      const i = Number(key);
      if (i >= node.length) return { found: false };
      node = node[i];
    } else if (typeof node === 'object' && node !== null && Object.hasOwn(node, key)) {
      node = (node as Record<string, unknown>)[key];
    } else {
      return { found: false };
    }
  }
  return { found: true, value: node };
}

/**
 * Replaces every numeric segment with `*` (`/items/3/price` → `/items/*\/price`) so differences at the
 * same place in different elements share a signature. Numeric object keys fold too: from the pointer
 * alone they are indistinguishable from indices, and ids used as keys are exactly what should fold.
 * So do keys that look like ids, hashes or dates (`/pets/3f2a…-uuid/name` → `/pets/*\/name`), as
 * route templates fold them in paths: an object keyed by ids would otherwise give one signature per id.
 */
export function foldPointer(pointer: string): string {
  if (pointer === '' || !pointer.startsWith('/')) return pointer;
  return pointer
    .split('/')
    .map((s, i) => (i > 0 ? foldSegment(s) : s))
    .join('/');
}

/**
 * One escaped segment folded as {@link foldPointer} does. Memoised: the same keys recur in every
 * difference of a document (and of the next exchange), and the data-key test is five regexes. Bounded,
 * since keys that are data (ids) never recur.
 */
export function foldSegment(segment: string): string {
  let folded = foldMemo.get(segment);
  if (folded === undefined) {
    folded = /^(0|[1-9]\d*)$/.test(segment) || isDataKey(segment) ? '*' : segment;
    if (foldMemo.size >= FOLD_MEMO_MAX) foldMemo.clear();
    foldMemo.set(segment, folded);
  }
  return folded;
}

const FOLD_MEMO_MAX = 4096;
const foldMemo = new Map<string, string>();
