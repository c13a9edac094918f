import { describe, expect, it } from 'vitest';
import { createComparer } from '../../../src/compare/index.js';
import type { CompareContext } from '../../../src/compare/index.js';
import type { NoiseRule } from '../../../src/config/schema.js';
import { config, ctx, jsonResponse } from './fixtures.js';

type RuleInput = NoiseRule;

/** Compares two JSON bodies under rules; returns which paths were filtered and which were not. */
function run(left: unknown, right: unknown, rules: RuleInput[] = [], ignore: string[] = [], c: CompareContext = ctx) {
  const result = createComparer(config({ rules, ignore })).compare(jsonResponse(left), jsonResponse(right), c);
  return {
    verdict: result.verdict,
    kept: result.differences.map((d) => d.path),
    filtered: result.filtered.map((d) => [d.path, d.filteredBy]),
  };
}

const UUID_A = '3f2b8c1e-9d4a-4c1b-8e2f-0a1b2c3d4e5f';
const UUID_B = '0e1d2c3b-4a59-4867-9f0e-1d2c3b4a5968';

describe('ignore', () => {
  it.each<[string, unknown, unknown, string[], { kept: string[]; filtered: Array<[string, string]> }]>([
    ['exact path', { meta: { requestId: 1 } }, { meta: { requestId: 2 } }, ['/meta/requestId'], { kept: [], filtered: [['/meta/requestId', 'ignore /meta/requestId']] }],
    ['the subtree below the path', { meta: { a: 1, b: 1 } }, { meta: { a: 2 } }, ['/meta'], { kept: [], filtered: [['/meta/b', 'ignore /meta'], ['/meta/a', 'ignore /meta']] }],
    ['never a parent: /meta removed entirely stays', { meta: { requestId: 1 } }, {}, ['/meta/requestId'], { kept: ['/meta'], filtered: [] }],
    ['never a sibling', { meta: { requestId: 1, user: 1 } }, { meta: { requestId: 2, user: 2 } }, ['/meta/requestId'], { kept: ['/meta/user'], filtered: [['/meta/requestId', 'ignore /meta/requestId']] }],
    ['* one segment', { items: [{ at: 1 }, { at: 2 }] }, { items: [{ at: 3 }, { at: 4 }] }, ['/items/*/at'], { kept: [], filtered: [['/items/1/at', 'ignore /items/*/at'], ['/items/0/at', 'ignore /items/*/at']] }],
    ['** any depth', { a: { createdAt: 1, b: [{ createdAt: 1 }] }, createdAt: 1 }, { a: { createdAt: 2, b: [{ createdAt: 2 }] }, createdAt: 2 }, ['**/createdAt'], {
      kept: [],
      filtered: [['/createdAt', 'ignore **/createdAt'], ['/a/b/0/createdAt', 'ignore **/createdAt'], ['/a/createdAt', 'ignore **/createdAt']],
    }],
    ['escaped key', { 'a/b': 1, a: { b: 1 } }, { 'a/b': 2, a: { b: 2 } }, ['/a~1b'], { kept: ['/a/b'], filtered: [['/a~1b', 'ignore /a~1b']] }],
  ])('%s', (_name, left, right, ignore, expected) => {
    const out = run(left, right, [], ignore);
    expect({ kept: out.kept, filtered: out.filtered }).toEqual(expected);
  });
});

describe('value rules', () => {
  it.each<[string, RuleInput, unknown, unknown, boolean]>([
    ['type: same type filtered', { path: '/n', match: 'type' }, { n: 1 }, { n: 2 }, true],
    ['type: objects count as one type', { path: '/o', match: 'type' }, { o: { a: 1 } }, { o: { a: 1, b: 2 } }, false /* the diff is at /o/b, not /o */],
    ['type: type change kept', { path: '/n', match: 'type' }, { n: 1 }, { n: '1' }, false],
    ['type: removal kept', { path: '/n', match: 'type' }, { n: 1 }, {}, false],
    ['type: addition kept', { path: '/n', match: 'type' }, {}, { n: 1 }, false],
    ['type: null vs object kept', { path: '/n', match: 'type' }, { n: null }, { n: {} }, false],
    ['regex: both match', { path: '/v', match: 'regex', pattern: '^v\\d+$' }, { v: 'v1' }, { v: 'v22' }, true],
    ['regex: one does not match', { path: '/v', match: 'regex', pattern: '^v\\d+$' }, { v: 'v1' }, { v: 'x' }, false],
    ['regex: numbers are stringified', { path: '/v', match: 'regex', pattern: '^\\d{3}$' }, { v: 100 }, { v: 200 }, true],
    ['regex: objects never match', { path: '/v', match: 'regex', pattern: '.*' }, { v: 'a' }, { v: [] }, false],
    ['uuid', { path: '/id', match: 'uuid' }, { id: UUID_A }, { id: UUID_B }, true],
    ['uuid: one side not a uuid', { path: '/id', match: 'uuid' }, { id: UUID_A }, { id: 'nope' }, false],
    ['timestamp: ISO strings', { path: '/at', match: 'timestamp' }, { at: '2024-05-01T12:00:00Z' }, { at: '2024-05-02T08:00:00.5+02:00' }, true],
    ['timestamp: RFC 1123', { path: '/at', match: 'timestamp' }, { at: 'Wed, 01 May 2024 12:00:00 GMT' }, { at: 'Thu, 02 May 2024 12:00:00 GMT' }, true],
    ['timestamp: epoch numbers', { path: '/at', match: 'timestamp' }, { at: 1714566600 }, { at: 1714566700 }, true],
    ['timestamp: epoch ms', { path: '/at', match: 'timestamp' }, { at: 1714566600000 }, { at: 1714566700000 }, true],
    ['timestamp: small numbers are not epochs', { path: '/at', match: 'timestamp' }, { at: 5 }, { at: 6 }, false],
    ['timestamp: string vs number kept', { path: '/at', match: 'timestamp' }, { at: '2024-05-01T12:00:00Z' }, { at: 1714566600 }, false],
    ['jwt', { path: '/t', match: 'jwt' }, { t: 'eyJhbGciOiJub25lIn0.eyJhIjoxfQ.' }, { t: 'eyJhbGciOiJub25lIn0.eyJhIjoyfQ.' }, true],
    ['hex', { path: '/h', match: 'hex' }, { h: 'deadbeef01' }, { h: 'cafebabe02' }, true],
    ['hex: not hex', { path: '/h', match: 'hex' }, { h: 'deadbeef01' }, { h: 'zzzzzzzzzz' }, false],
    ['number-like', { path: '/p', match: 'number-like' }, { p: '12.50' }, { p: '12.5' }, true],
    ['tolerance: within', { path: '/p', tolerance: 0.3 }, { p: 10 }, { p: 10.3 }, true],
    ['tolerance: beyond', { path: '/p', tolerance: 0.3 }, { p: 10 }, { p: 10.31 }, false],
    ['tolerance: strings are not numbers', { path: '/p', tolerance: 1 }, { p: '1' }, { p: '2' }, false],
    ['relative: within', { path: '/p', relative: 0.1 }, { p: 200 }, { p: 220 }, true],
    ['relative: beyond', { path: '/p', relative: 0.1 }, { p: 200 }, { p: 221 }, false],
    ['relative: a recorded 0 tolerates nothing', { path: '/p', relative: 0.5 }, { p: 0 }, { p: 0.001 }, false],
    ['wildcard path', { path: '/items/*/price', tolerance: 1 }, { items: [{ price: 5 }] }, { items: [{ price: 5.5 }] }, true],
    ['rule elsewhere does not apply', { path: '/other', match: 'type' }, { n: 1 }, { n: 2 }, false],
  ])('%s', (_name, rule, left, right, filtered) => {
    const out = run(left, right, [rule]);
    expect(out.verdict).toBe(filtered ? 'noise' : 'regression');
  });

  it('tags each filtered difference with the rule that filtered it', () => {
    const out = run({ id: UUID_A, n: 1, p: 1 }, { id: UUID_B, n: 2, p: 1.5 }, [
      { path: '/id', match: 'uuid' },
      { path: '/p', tolerance: 1 },
      { path: '/n', match: 'regex', pattern: '^\\d$' },
    ]);
    expect(out.filtered).toEqual([
      ['/p', 'tolerance 1 /p'],
      ['/n', 'match regex /^\\d$/ /n'],
      ['/id', 'match uuid /id'],
    ]);
  });

  it('rules never touch status or header differences', () => {
    const c = createComparer(config({ ignore: ['/**'], rules: [{ path: '**', match: 'type' }] }));
    const result = c.compare(
      jsonResponse({ a: 1 }, { status: 200, headers: [['location', '/a']] }),
      jsonResponse({ a: 2 }, { status: 201, headers: [['location', '/b']] }),
      ctx,
    );
    expect(result.differences.map((d) => d.target)).toEqual(['status', 'header']);
    expect(result.filtered.map((d) => d.path)).toEqual(['/a']);
  });

  it('pointer rules do not apply to text or binary bodies', () => {
    const c = createComparer(config({ ignore: ['/**', '**'] }));
    const result = c.compare(
      { status: 200, headers: [['content-type', 'text/plain']], body: { bytes: Buffer.from('a'), size: 1, truncated: false } },
      { status: 200, headers: [['content-type', 'text/plain']], body: { bytes: Buffer.from('b'), size: 1, truncated: false } },
      ctx,
    );
    expect(result.verdict).toBe('regression');
  });
});

describe('per-route rules', () => {
  const cfg = config({
    ignore: ['/global'],
    routes: {
      'GET /users/:id': { ignore: ['/getOnly'], rules: [{ path: '/score', tolerance: 1 }] },
      '* /users/:id': { ignore: ['/anyMethod'] },
      'POST /orders': { ignore: ['/getOnly'] },
    },
  });
  const left = { global: 1, getOnly: 1, anyMethod: 1, score: 1 };
  const right = { global: 2, getOnly: 2, anyMethod: 2, score: 1.5 };
  const kept = (c: CompareContext) => createComparer(cfg).compare(jsonResponse(left), jsonResponse(right), c).differences.map((d) => d.path).sort();

  it.each<[string, CompareContext, string[]]>([
    ['GET route: global + * + GET entries', { method: 'GET', route: '/users/:id' }, []],
    ['method is case-insensitive', { method: 'get', route: '/users/:id' }, []],
    ['PUT on the route: global + * entry only', { method: 'PUT', route: '/users/:id' }, ['/getOnly', '/score']],
    ['another route: global only', { method: 'GET', route: '/orders' }, ['/anyMethod', '/getOnly', '/score']],
  ])('%s', (_name, c, expected) => expect(kept(c)).toEqual(expected));

  it('rejects a hand-built rule with no kind', () => {
    const bad = { ...config(), rules: [{ path: '/x' }] as NoiseRule[] };
    expect(() => createComparer(bad).compare(jsonResponse(1), jsonResponse(2), ctx)).toThrow(/RG_ERR_CONFIG_INVALID|needs one of/);
  });
});
