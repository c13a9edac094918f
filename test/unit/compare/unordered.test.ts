import { describe, expect, it } from 'vitest';
import { createComparer } from '../../../src/compare/index.js';
import type { NoiseRule } from '../../../src/config/schema.js';
import { config, ctx, jsonResponse } from './fixtures.js';

function run(left: unknown, right: unknown, rules: NoiseRule[], ignore: string[] = []) {
  const r = createComparer(config({ rules, ignore })).compare(jsonResponse(left), jsonResponse(right), ctx);
  const view = (d: (typeof r.differences)[number]) => JSON.parse(JSON.stringify({ op: d.op, path: d.path, change: d.change, before: d.before, after: d.after, by: d.filteredBy })) as object;
  return { verdict: r.verdict, kept: r.differences.map(view), filtered: r.filtered.map(view) };
}

describe('unordered: true (multiset)', () => {
  const rule: NoiseRule[] = [{ path: '/tags', unordered: true }];

  it.each<[string, unknown, unknown, { verdict: string; kept: object[]; filtered: object[] }]>([
    ['same order passes', { tags: [1, 2, 3] }, { tags: [1, 2, 3] }, { verdict: 'pass', kept: [], filtered: [] }],
    ['reordered is noise, the reorder kept with its rule', { tags: ['a', 'b', 'c'] }, { tags: ['c', 'a', 'b'] }, {
      verdict: 'noise',
      kept: [],
      filtered: [{ op: 'replace', path: '/tags', change: 'order changed', before: ['a', 'b', 'c'], after: ['c', 'a', 'b'], by: 'unordered /tags' }],
    }],
    ['objects compare deep, key order irrelevant', { tags: [{ a: 1, b: 2 }, { c: 3 }] }, { tags: [{ c: 3 }, { b: 2, a: 1 }] }, {
      verdict: 'noise', kept: [], filtered: [expect.objectContaining({ change: 'order changed' }) as object],
    }],
    ['a real addition, not index noise', { tags: ['a', 'b'] }, { tags: ['x', 'a', 'b'] }, {
      verdict: 'regression', kept: [{ op: 'add', path: '/tags/0', change: 'added', after: 'x' }], filtered: [],
    }],
    ['a real removal, at its recorded index', { tags: ['a', 'b', 'c'] }, { tags: ['c', 'a'] }, {
      verdict: 'regression',
      kept: [{ op: 'remove', path: '/tags/1', change: 'removed', before: 'b' }],
      filtered: [expect.objectContaining({ path: '/tags', change: 'order changed', by: 'unordered /tags' }) as object],
    }],
    ['duplicates count: a multiset, not a set', { tags: ['a', 'a', 'b'] }, { tags: ['a', 'b', 'b'] }, {
      verdict: 'regression',
      kept: [
        { op: 'remove', path: '/tags/1', change: 'removed', before: 'a' },
        { op: 'add', path: '/tags/2', change: 'added', after: 'b' },
      ],
      filtered: [],
    }],
    ['a changed element is a removal plus an addition', { tags: [{ id: 1, v: 1 }, { id: 2 }] }, { tags: [{ id: 2 }, { id: 1, v: 2 }] }, {
      verdict: 'regression',
      kept: [
        { op: 'remove', path: '/tags/0', change: 'removed', before: { id: 1, v: 1 } },
        { op: 'add', path: '/tags/1', change: 'added', after: { id: 1, v: 2 } },
      ],
      filtered: [],
    }],
    ['not an array on one side: plain diff', { tags: ['a'] }, { tags: null }, {
      verdict: 'regression', kept: [{ op: 'replace', path: '/tags', change: 'array → null', before: ['a'], after: null }], filtered: [],
    }],
  ])('%s', (_name, left, right, expected) => expect(run(left, right, rule)).toEqual(expected));

  it('without the rule a reordered array is a regression', () => {
    expect(run({ tags: ['a', 'b'] }, { tags: ['b', 'a'] }, []).verdict).toBe('regression');
  });

  it('applies through wildcards, to nested arrays, and at the root', () => {
    const nested = run({ users: [{ roles: ['a', 'b'] }, { roles: ['c', 'd'] }] }, { users: [{ roles: ['b', 'a'] }, { roles: ['d', 'c'] }] }, [
      { path: '/users/*/roles', unordered: true },
    ]);
    expect(nested.verdict).toBe('noise');
    expect(nested.filtered.map((d) => (d as { path: string }).path)).toEqual(['/users/0/roles', '/users/1/roles']);
    expect(run([3, 1, 2], [1, 2, 3], [{ path: '', unordered: true }]).verdict).toBe('noise');
  });

  // No wall-clock assertion (machines are shared and noisy): a quadratic matcher on 20,000 elements
  // (4e8 deep comparisons) runs past the test's own timeout instead.
  it('handles large arrays (20,000 reversed elements) within the test timeout', { timeout: 20_000 }, () => {
    const left = Array.from({ length: 20_000 }, (_, i) => ({ id: i, name: `n${i}` }));
    const right = [...left].reverse();
    expect(run({ list: left }, { list: right }, [{ path: '/list', unordered: true }]).verdict).toBe('noise');
  });
});

describe('unorderedBy: key field', () => {
  const rule: NoiseRule[] = [{ path: '/items', unorderedBy: 'id' }];

  it.each<[string, unknown, unknown, { verdict: string; kept: object[]; filtered: object[] }]>([
    ['reordered by id is noise', { items: [{ id: 1, v: 'a' }, { id: 2, v: 'b' }] }, { items: [{ id: 2, v: 'b' }, { id: 1, v: 'a' }] }, {
      verdict: 'noise', kept: [], filtered: [expect.objectContaining({ path: '/items', change: 'order changed', by: 'unorderedBy id /items' }) as object],
    }],
    ['field change of a matched element, at its recorded index', { items: [{ id: 1, price: 5 }, { id: 2, price: 7 }] }, { items: [{ id: 2, price: '7' }, { id: 1, price: 5 }] }, {
      verdict: 'regression',
      kept: [{ op: 'replace', path: '/items/1/price', change: 'number → string', before: 7, after: '7' }],
      filtered: [expect.objectContaining({ change: 'order changed' }) as object],
    }],
    ['unmatched elements are removed / added', { items: [{ id: 1 }, { id: 2 }] }, { items: [{ id: 3 }, { id: 1 }] }, {
      verdict: 'regression',
      kept: [
        { op: 'remove', path: '/items/1', change: 'removed', before: { id: 2 } },
        { op: 'add', path: '/items/0', change: 'added', after: { id: 3 } },
      ],
      filtered: [],
    }],
    ['elements without the key pair by equality', { items: [{ id: 1 }, 'x', { other: 1 }] }, { items: [{ other: 1 }, 'x', { id: 1 }] }, {
      verdict: 'noise', kept: [], filtered: [expect.objectContaining({ change: 'order changed' }) as object],
    }],
    ['keys compare by value, "1" is not 1', { items: [{ id: 1 }] }, { items: [{ id: '1' }] }, {
      verdict: 'regression',
      kept: [
        { op: 'remove', path: '/items/0', change: 'removed', before: { id: 1 } },
        { op: 'add', path: '/items/0', change: 'added', after: { id: '1' } },
      ],
      filtered: [],
    }],
  ])('%s', (_name, left, right, expected) => expect(run(left, right, rule)).toEqual(expected));

  it('combines with ignore rules on matched elements', () => {
    const out = run(
      { items: [{ id: 1, at: 't1' }, { id: 2, at: 't2' }] },
      { items: [{ id: 2, at: 't9' }, { id: 1, at: 't8' }] },
      rule,
      ['/items/*/at'],
    );
    expect(out.verdict).toBe('noise');
    expect(out.filtered.map((d) => (d as { by: string }).by).sort()).toEqual(['ignore /items/*/at', 'ignore /items/*/at', 'unorderedBy id /items']);
  });

  it('aligns nested keyed arrays through matched parents', () => {
    const out = run(
      { orders: [{ id: 'a', lines: [{ sku: 'x', qty: 1 }, { sku: 'y', qty: 2 }] }, { id: 'b', lines: [] }] },
      { orders: [{ id: 'b', lines: [] }, { id: 'a', lines: [{ sku: 'y', qty: 3 }, { sku: 'x', qty: 1 }] }] },
      [
        { path: '/orders', unorderedBy: 'id' },
        { path: '/orders/*/lines', unorderedBy: 'sku' },
      ],
    );
    expect(out.kept).toEqual([{ op: 'replace', path: '/orders/0/lines/1/qty', change: 'value changed', before: 2, after: 3 }]);
    expect(out.filtered.map((d) => (d as { path: string }).path)).toEqual(['/orders', '/orders/0/lines']);
  });
});
