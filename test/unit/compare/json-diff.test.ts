import { describe, expect, it } from 'vitest';
import { compare } from '../../../src/compare/index.js';
import type { Difference } from '../../../src/types.js';
import { ctx, jsonResponse } from './fixtures.js';

/** Table of examples in the spirit of jsondiffpatch's test/examples: left, right, expected differences. */
type Expected = Pick<Difference, 'op' | 'path' | 'change'> & { before?: unknown; after?: unknown };

const examples: Array<[name: string, left: unknown, right: unknown, expected: Expected[]]> = [
  ['equal objects, keys in another order', { a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 }, []],
  ['field removed', { id: 1, email: 'a@b.c' }, { id: 1 }, [{ op: 'remove', path: '/email', change: 'removed', before: 'a@b.c' }]],
  ['field added', { id: 1 }, { id: 1, nick: 'x' }, [{ op: 'add', path: '/nick', change: 'added', after: 'x' }]],
  ['value changed', { n: 1 }, { n: 2 }, [{ op: 'replace', path: '/n', change: 'value changed', before: 1, after: 2 }]],
  ['number → string', { total: 10 }, { total: '10' }, [{ op: 'replace', path: '/total', change: 'number → string', before: 10, after: '10' }]],
  ['object → null', { a: { b: 1 } }, { a: null }, [{ op: 'replace', path: '/a', change: 'object → null', before: { b: 1 }, after: null }]],
  ['null → object', { a: null }, { a: { b: 1 } }, [{ op: 'replace', path: '/a', change: 'null → object', before: null, after: { b: 1 } }]],
  ['array → object', { a: [1] }, { a: { 0: 1 } }, [{ op: 'replace', path: '/a', change: 'array → object', before: [1], after: { 0: 1 } }]],
  ['boolean → number', { ok: true }, { ok: 1 }, [{ op: 'replace', path: '/ok', change: 'boolean → number', before: true, after: 1 }]],
  ['nested value', { a: { b: { c: 'x' } } }, { a: { b: { c: 'y' } } }, [{ op: 'replace', path: '/a/b/c', change: 'value changed', before: 'x', after: 'y' }]],
  ['root array → object', [1, 2], { a: 1 }, [{ op: 'replace', path: '', change: 'array → object', before: [1, 2], after: { a: 1 } }]],
  ['root object → array', { a: 1 }, [], [{ op: 'replace', path: '', change: 'object → array', before: { a: 1 }, after: [] }]],
  ['root scalar change', 'abc', 'abd', [{ op: 'replace', path: '', change: 'value changed', before: 'abc', after: 'abd' }]],
  ['root number → null', 1, null, [{ op: 'replace', path: '', change: 'number → null', before: 1, after: null }]],
  ['array grows: adds at the new indices', { a: [1, 2] }, { a: [1, 2, 3, 4] }, [
    { op: 'add', path: '/a/2', change: 'added', after: 3 },
    { op: 'add', path: '/a/3', change: 'added', after: 4 },
  ]],
  ['array shrinks: removes at recorded indices', { a: [1, 2, 3, 4] }, { a: [1, 2] }, [
    { op: 'remove', path: '/a/2', change: 'removed', before: 3 },
    { op: 'remove', path: '/a/3', change: 'removed', before: 4 },
  ]],
  ['element prepended: one add, not a replace at every index', { a: ['x', 'y', 'z'] }, { a: ['new', 'x', 'y', 'z'] }, [
    { op: 'add', path: '/a/0', change: 'added', after: 'new' },
  ]],
  ['element removed from the middle: one remove', { a: [{ id: 1 }, { id: 2 }, { id: 3 }] }, { a: [{ id: 1 }, { id: 3 }] }, [
    { op: 'remove', path: '/a/1', change: 'removed', before: { id: 2 } },
  ]],
  ['longer array with a changed element: field diff at the recorded index, plus the add', { a: [{ id: 1, v: 1 }, { id: 2, v: 2 }] }, { a: [{ id: 0 }, { id: 1, v: 1 }, { id: 2, v: 3 }] }, [
    { op: 'add', path: '/a/0', change: 'added', after: { id: 0 } },
    { op: 'replace', path: '/a/1/v', change: 'value changed', before: 2, after: 3 },
  ]],
  ['nested arrays of different lengths are aligned too', { a: [{ tags: ['p', 'q'] }] }, { a: [{ tags: ['o', 'p', 'q'] }] }, [
    { op: 'add', path: '/a/0/tags/0', change: 'added', after: 'o' },
  ]],
  ['array emptied', { a: ['x'] }, { a: [] }, [{ op: 'remove', path: '/a/0', change: 'removed', before: 'x' }]],
  ['element field inside an array', { items: [{ price: 1 }, { price: 2 }] }, { items: [{ price: 1 }, { price: '2' }] }, [
    { op: 'replace', path: '/items/1/price', change: 'number → string', before: 2, after: '2' },
  ]],
  ['reordered array without a rule is reported', { a: [1, 2] }, { a: [2, 1] }, [
    { op: 'replace', path: '/a/1', change: 'value changed', before: 2, after: 1 },
    { op: 'replace', path: '/a/0', change: 'value changed', before: 1, after: 2 },
  ]],
  ['escaped keys', { 'a/b': 1, 'm~n': { 'x/y~z': 1 } }, { 'a/b': 2, 'm~n': { 'x/y~z': 2 } }, [
    { op: 'replace', path: '/m~0n/x~1y~0z', change: 'value changed', before: 1, after: 2 },
    { op: 'replace', path: '/a~1b', change: 'value changed', before: 1, after: 2 },
  ]],
  ['empty key', { '': 1 }, { '': 2 }, [{ op: 'replace', path: '/', change: 'value changed', before: 1, after: 2 }]],
  ['__proto__ as a plain key', JSON.parse('{"__proto__":{"a":1}}'), JSON.parse('{"__proto__":{"a":2}}'), [
    { op: 'replace', path: '/__proto__/a', change: 'value changed', before: 1, after: 2 },
  ]],
];

describe('JSON body differences', () => {
  it.each(examples)('%s', (_name, left, right, expected) => {
    const result = compare(jsonResponse(left), jsonResponse(right), ctx);
    expect(result.differences.map(({ op, path, change, before, after }) => stripUndefined({ op, path, change, before, after }))).toEqual(expected);
    expect(result.verdict).toBe(expected.length === 0 ? 'pass' : 'regression');
    for (const d of result.differences) {
      expect(d.target).toBe('body');
      if (d.op === 'add') expect(d).not.toHaveProperty('before');
      if (d.op === 'remove') expect(d).not.toHaveProperty('after');
    }
  });

  it('reports a JSON body against an empty one as a root add/remove', () => {
    const empty = { ...jsonResponse(null), body: { bytes: null, size: 0, truncated: false } };
    expect(compare(empty, jsonResponse({ a: 1 }), ctx).differences).toMatchObject([{ op: 'add', path: '', change: 'added', after: { a: 1 } }]);
    expect(compare(jsonResponse([1]), empty, ctx).differences).toMatchObject([{ op: 'remove', path: '', change: 'removed', before: [1] }]);
  });

  it('caps large values so results stay small', () => {
    const long = 'x'.repeat(10_000);
    const bigObject = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`key${i}`, i]));
    const result = compare(jsonResponse({ s: 'a', o: null }), jsonResponse({ s: long, o: bigObject }), ctx);
    const s = result.differences.find((d) => d.path === '/s');
    const o = result.differences.find((d) => d.path === '/o');
    expect(typeof s?.after).toBe('string');
    expect((s?.after as string).length).toBeLessThan(2200);
    expect(s?.after).toMatch(/… \(7952 more characters\)$/);
    expect(o?.change).toBe('null → object');
    expect(o?.after).toMatch(/^\[object of 500 keys, \d+ characters: \{"key0":0/);
    expect(JSON.stringify(result).length).toBeLessThan(8000);
  });
});

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
