import { describe, expect, it } from 'vitest';
import { compilePointerPattern, escapeSegment, foldPointer, matchPointer, parsePointer, unescapeSegment, valueAt } from '../../../src/compare/index.js';

describe('escaping (RFC 6901)', () => {
  it.each([
    ['a/b', 'a~1b'],
    ['m~n', 'm~0n'],
    ['~1', '~01'],
    ['plain', 'plain'],
    ['', ''],
  ])('%j ⇄ %j', (key, escaped) => {
    expect(escapeSegment(key)).toBe(escaped);
    expect(unescapeSegment(escaped)).toBe(key);
  });

  it('parses pointers into unescaped keys', () => {
    expect(parsePointer('')).toEqual([]);
    expect(parsePointer('/')).toEqual(['']);
    expect(parsePointer('/a~1b/0/m~0n')).toEqual(['a/b', '0', 'm~n']);
  });

  it('looks values up, missing steps report not found', () => {
    const doc = { 'a/b': [10, { c: null }], '': 1 };
    expect(valueAt(doc, '/a~1b/1/c')).toEqual({ found: true, value: null });
    expect(valueAt(doc, '/')).toEqual({ found: true, value: 1 });
    expect(valueAt(doc, '/a~1b/2').found).toBe(false);
    expect(valueAt(doc, '/a~1b/01').found).toBe(false);
    expect(valueAt(doc, '/nope/x').found).toBe(false);
  });
});

describe('foldPointer', () => {
  it.each([
    ['/items/3/price', '/items/*/price'],
    ['/0/1', '/*/*'],
    ['/v2/items/10', '/v2/items/*'],
    ['/a~1b/01', '/a~1b/01'],
    ['', ''],
    ['content-type', 'content-type'],
  ])('%s → %s', (pointer, folded) => expect(foldPointer(pointer)).toBe(folded));
});

describe('matchPointer', () => {
  it.each([
    // pattern, pointer, exact match
    ['/meta/requestId', '/meta/requestId', true],
    ['/meta/requestId', '/meta', false],
    ['/meta/requestId', '/meta/requestId/x', false],
    ['/items/*/price', '/items/0/price', true],
    ['/items/*/price', '/items/price', false],
    ['/items/*/price', '/items/0/1/price', false],
    ['/items/**', '/items', true],
    ['/items/**', '/items/0/price', true],
    ['/items/**', '/itemsX/0', false],
    ['**/createdAt', '/createdAt', true],
    ['**/createdAt', '/a/b/0/createdAt', true],
    ['**/createdAt', '/a/createdAtX', false],
    ['/**/createdAt', '/a/createdAt', true],
    ['/a/**/b', '/a/b', true],
    ['/a/**/b', '/a/x/y/b', true],
    ['/a/**/b', '/a/x/y/c', false],
    ['/a/**/b/*', '/a/b/b/1', true],
    ['/**', '', true],
    ['', '', true],
    ['', '/a', false],
    // escaped segments compare unescaped: `/a~1b` is the single key "a/b", never two keys a and b
    ['/a~1b', '/a~1b', true],
    ['/a/b', '/a~1b', false],
    ['/a~1b', '/a/b', false],
    ['/*', '/a~1b', true],
    ['/m~0n/*', '/m~0n/x', true],
    // non-pointer paths (headers, text hunks) never match
    ['**', 'content-type', false],
    ['/**', 'line 3', false],
  ])('%j vs %j → %s', (pattern, pointer, expected) => {
    expect(matchPointer(pattern, pointer)).toBe(expected);
  });

  it('matchesAtOrBelow covers the pattern and its subtree, never an ancestor', () => {
    const p = compilePointerPattern('/meta/requestId');
    expect(p.matchesAtOrBelow('/meta/requestId')).toBe(true);
    expect(p.matchesAtOrBelow('/meta/requestId/parts/0')).toBe(true);
    expect(p.matchesAtOrBelow('/meta')).toBe(false);
    expect(p.matchesAtOrBelow('')).toBe(false);
    expect(p.matchesAtOrBelow('/meta/requestIdX')).toBe(false);
    expect(compilePointerPattern('/items/*/id').matchesAtOrBelow('/items/2/id/x')).toBe(true);
    expect(compilePointerPattern('/items/*/id').matchesAtOrBelow('/items/2')).toBe(false);
  });
});
