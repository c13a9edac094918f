import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createComparer } from '../../../src/compare/index.js';
import { createReferenceComparer } from '../../../src/compare/reference-comparer.js';
import { compilePointerPattern, matchesByTable } from '../../../src/compare/pointer-pattern.js';
import { escapeSegment, parsePointer } from '../../../src/compare/json-pointer.js';
import { compileRuleScope, type RuleScope, type ScopeKind } from '../../../src/compare/rule-scope.js';
import type { NoiseRuleMatcher } from '../../../src/compare/noise/matcher.js';
import type { CompareContext } from '../../../src/compare/index.js';
import type { z } from 'zod';
import type { compareSchema } from '../../../src/config/schema.js';
import type { HeaderPairs } from '../../../src/types.js';
import { seededRandom, type SeededRandom } from '../../helpers/random.js';
import { config, response } from './fixtures.js';
import { MAX_CONTAINER_CHARS, serialisedBound } from '../../../src/compare/cap-value.js';

/**
 * The optimised comparer must return exactly what the straightforward one returns (verdict, every
 * difference and filtered difference in order, with signature, before/after and `filteredBy`) on
 * generated documents and generated rule sets. The candidate is the recording mutated in place (values
 * jittered, retyped, reformatted, keys added and removed, arrays shuffled, grown and shrunk), so the
 * rules have real differences to judge; keys and values come from small vocabularies so that rule
 * patterns hit them.
 */

const KEYS = ['id', 'items', 'meta', 'ts', 'score', 'name', 'etag', 'a/b', 'm~n', '0', '12', 'requestId', '3f2a9c1e-7b4d-4e8f-9a2b-1c3d5e7f9a0b', 'attrs', '__proto__', ''];
const PATTERNS = [
  '',
  '/items',
  '/items/*',
  '/items/*/score',
  '/items/*/name',
  '/items/**',
  '/items/**/id',
  '**/ts',
  '**/etag',
  '**/score',
  '**',
  '/meta',
  '/meta/**',
  '/meta/requestId',
  '/meta/ts',
  '/a~1b',
  '/m~0n/*',
  '/*',
  '/*/*',
  '/*/**/name',
  '/0',
  '/12/*',
  '/attrs',
  '**/attrs',
  '/items/*/attrs',
  '**/__proto__',
  '/',
];

function scalar(r: SeededRandom): unknown {
  switch (r.int(12)) {
    case 0:
      return r.int(100);
    case 1:
      return r.int(1000) / 10;
    case 2:
      return -r.int(5);
    case 3:
      return r.pick(['open', 'closed', 'pending']);
    case 4:
      return new Date(1_790_000_000_000 + r.int(1e9)).toISOString();
    case 5:
      return 1_790_000_000_000 + r.int(1e6);
    case 6:
      return r.hex(8);
    case 7:
      return r.uuid();
    case 8:
      return r.pick([true, false, null]);
    case 9:
      return `[REDACTED:${r.hex(4)}]`;
    case 10:
      return `eyJ${r.hex(6)}.eyJ${r.hex(6)}.${r.hex(8)}`;
    default:
      // Values that name the recorded upstream, which a candidate may echo as its own address.
      return r.pick(['', 'a', 'item 1', '42', 'x/y~z', 'http://staging:8080/get?a=1', 'staging:8080', 'next=http%3A%2F%2Fstaging%3A8080%2F']);
  }
}

function value(r: SeededRandom, depth: number): unknown {
  const roll = r.int(10);
  if (depth <= 0 || roll < 4) return scalar(r);
  if (roll < 7) {
    const out: Record<string, unknown> = {};
    const n = r.int(5);
    for (let i = 0; i < n; i++) {
      // defineProperty: a `__proto__` key must be an own data property, as JSON.parse makes it.
      Object.defineProperty(out, r.pick(KEYS), { value: value(r, depth - 1), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  // Arrays of objects with ids, so unorderedBy has keys to pair on; sometimes plain values.
  return list(r, depth);
}

function list(r: SeededRandom, depth: number): unknown[] {
  const n = r.int(6);
  return Array.from({ length: n }, (_, i) =>
    r.next() < 0.6 ? { id: r.next() < 0.9 ? i : r.int(3), name: scalar(r), score: r.int(100) / 4, ts: scalar(r), etag: r.hex(6) } : value(r, depth - 1),
  );
}

function document(r: SeededRandom): unknown {
  const doc: Record<string, unknown> = { meta: { requestId: r.hex(4), ts: scalar(r) }, items: r.next() < 0.8 ? list(r, 2) : value(r, 2) };
  const n = r.int(4);
  for (let i = 0; i < n; i++) Object.defineProperty(doc, r.pick(KEYS), { value: value(r, 3), enumerable: true, writable: true, configurable: true });
  return r.next() < 0.05 ? value(r, 3) : doc;
}

/** A mutated copy: each node has a chance to change in one of the ways real responses drift. */
function mutate(v: unknown, r: SeededRandom, rate: number, shuffleRate = 2 * rate): unknown {
  if (r.next() < rate / 4) return r.next() < 0.5 ? scalar(r) : value(r, 2);
  if (Array.isArray(v)) {
    let out = v.map((x) => mutate(x, r, rate, shuffleRate));
    if (r.next() < shuffleRate) out = r.shuffle(out);
    if (r.next() < rate / 2) out.splice(r.int(out.length + 1), 0, value(r, 1));
    if (r.next() < rate / 2 && out.length > 0) out.splice(r.int(out.length), 1);
    return out;
  }
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (r.next() < rate / 3) continue;
      Object.defineProperty(out, k, { value: mutate(x, r, rate, shuffleRate), enumerable: true, writable: true, configurable: true });
    }
    if (r.next() < rate / 2) Object.defineProperty(out, r.pick(KEYS), { value: value(r, 1), enumerable: true, writable: true, configurable: true });
    return out;
  }
  if (r.next() >= rate) return v;
  // The candidate echoing its own address where the recording had the upstream's (origin mapping).
  if (typeof v === 'string' && v.includes('staging') && r.next() < 0.5) return r.next() < 0.8 ? v.replaceAll('staging:8080', '127.0.0.1:41233') : `${v.replaceAll('staging:8080', '127.0.0.1:41233')}x`;
  if (typeof v === 'number') return r.next() < 0.7 ? v + (r.int(21) - 10) / 10 : String(v);
  if (typeof v === 'string') return r.next() < 0.5 ? scalar(r) : `${v}!`;
  return scalar(r);
}

type Rule = NonNullable<z.input<typeof compareSchema>['rules']>[number];

function rule(r: SeededRandom): Rule {
  const path = r.pick(PATTERNS.filter((p) => p !== '/'));
  switch (r.int(14)) {
    case 0:
      return { path, match: 'type' };
    case 1:
      return { path, match: 'timestamp' };
    case 2:
      return { path, match: r.pick(['uuid', 'hex', 'jwt', 'number-like'] as const) };
    case 3:
      return { path, match: 'regex', pattern: r.pick(['^item', '\\d', '^[0-9a-f]+$', 'REDACTED']) };
    case 4:
      return { path, match: 'domain', values: r.pick([['open', 'closed'], [true, false], ['open', 'pending', null], [1, 2, 3]]) };
    case 5:
      return { path: r.pick(['/items/*/score', '**/score', path]), tolerance: r.pick([0, 0.5, 1, 10]) };
    case 6:
      return { path: r.pick(['/items/*/score', '**/score', path]), relative: r.pick([0, 0.05, 0.5]) };
    case 7:
      return { path: r.pick(['/items', '**/items', '/*', path]), unordered: true };
    case 8:
    case 9:
      return { path: r.pick(['/items', '**/items', '/*', '/items/*/attrs']), unorderedBy: r.pick(['id', 'name', 'missing']) };
    case 10:
      return { path: r.pick(['/attrs', '/items/*/attrs', '**/attrs', '/meta', '', '/*']), keys: 'vary' };
    default:
      return { path, match: 'type' };
  }
}

const JSON_HEADERS: HeaderPairs = [['content-type', 'application/json']];

function headersFor(r: SeededRandom): HeaderPairs {
  const h: HeaderPairs = [...JSON_HEADERS];
  if (r.next() < 0.5) h.push(['etag', `"${r.hex(4)}"`]);
  if (r.next() < 0.3) h.push(['cache-control', r.pick(['no-store', 'max-age=60'])]);
  return h;
}

/** Now and then no origins (nothing to map), usually the replay target's and the upstream's, sometimes a preserved Host. */
function originsFor(r: SeededRandom): Partial<CompareContext> {
  const roll = r.next();
  if (roll < 0.2) return {};
  const origins = { recordedOrigin: 'http://staging:8080', candidateOrigin: 'http://127.0.0.1:41233' };
  return roll < 0.85 ? origins : { ...origins, recordedHost: 'proxy.local:8080' };
}

/**
 * JSON text as servers write it, not as JSON.stringify would: whitespace, numbers with exponents
 * (`1e2`, which JSON.stringify writes as `100`), `\u` escapes, `\/`, and now and then a key written
 * twice (the parser keeps the last). Parsing it gives back `v`.
 */
function looseJson(v: unknown, r: SeededRandom): string {
  const space = (): string => (r.next() < 0.2 ? r.pick([' ', '\n  ', '\t']) : '');
  if (typeof v === 'number') {
    if (Number.isInteger(v) && v !== 0 && r.next() < 0.4) {
      const digits = String(Math.abs(v)).replace(/0+$/, '');
      const exp = String(Math.abs(v)).length - digits.length;
      return `${v < 0 ? '-' : ''}${digits}${r.pick(['e', 'E', 'e+'])}${exp}`;
    }
    return r.next() < 0.1 ? `${JSON.stringify(v)}${Number.isInteger(v) ? '.0' : '0'}` : JSON.stringify(v);
  }
  if (typeof v === 'string') {
    if (r.next() < 0.7) return JSON.stringify(v);
    const chars = [...v].map((c) => (c === '/' ? '\\/' : r.next() < 0.3 ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : JSON.stringify(c).slice(1, -1)));
    return `"${chars.join('')}"`;
  }
  if (Array.isArray(v)) return `[${space()}${v.map((x) => looseJson(x, r)).join(`,${space()}`)}${space()}]`;
  if (v !== null && typeof v === 'object') {
    const members = Object.entries(v).map(([k, x]) => `${looseJson(k, r)}${space()}:${space()}${looseJson(x, r)}`);
    const entries = Object.keys(v);
    if (entries.length > 0 && r.next() < 0.1) members.unshift(`${JSON.stringify(r.pick(entries))}:${JSON.stringify(r.pick(['overwritten', 1e21, 'x'.repeat(50)]))}`);
    return `{${space()}${members.join(`,${space()}`)}${space()}}`;
  }
  return JSON.stringify(v);
}

interface Scenario {
  cfg: ReturnType<typeof config>;
  ctx: CompareContext;
  recorded: string;
  candidate: string;
  recordedHeaders: HeaderPairs;
  candidateHeaders: HeaderPairs;
  status: [number, number];
}

function scenario(seed: number): Scenario {
  const r = seededRandom(seed);
  const rec = document(r);
  // Unchanged, only reordered (what unordered rules are for), or drifted at one of three rates.
  const cand = r.next() < 0.1 ? rec : r.next() < 0.15 ? mutate(rec, r, 0, 0.8) : mutate(rec, r, r.pick([0.05, 0.2, 0.5]));
  const rules = Array.from({ length: 1 + r.int(6) }, () => rule(r));
  const ignore = r.next() < 0.4 ? Array.from({ length: 1 + r.int(2) }, () => r.pick(PATTERNS)) : [];
  const routeRules = Array.from({ length: r.int(3) }, () => rule(r));
  const cfg = config({
    headers: ['content-type', 'etag', 'cache-control'],
    ignore,
    rules,
    routes: r.next() < 0.5 ? { 'GET /items': { ignore: r.next() < 0.5 ? [r.pick(PATTERNS)] : [], rules: routeRules } } : {},
  });
  const loose = r.next() < 0.3;
  const text = (v: unknown): string => (v === undefined ? '' : loose ? looseJson(v, r) : JSON.stringify(v));
  return {
    cfg,
    ctx: { method: 'GET', route: r.pick(['/items', '/other']), ...originsFor(r) },
    recorded: text(rec),
    // Now and then a body that is no JSON at all or empty, so the non-JSON stages are covered too.
    candidate: r.next() < 0.03 ? r.pick(['', 'not json', '{"broken":']) : text(cand),
    recordedHeaders: headersFor(r),
    candidateHeaders: headersFor(r),
    status: [200, r.next() < 0.05 ? 500 : 200],
  };
}

function compareBoth(s: Scenario): void {
  const a = response(s.recorded, { headers: s.recordedHeaders, status: s.status[0] });
  const b = response(s.candidate, { headers: s.candidateHeaders, status: s.status[1] });
  const expected = createReferenceComparer(s.cfg).compare(a, b, s.ctx);
  const optimised = createComparer(s.cfg);
  // Twice with the same comparer: the second call runs on rules compiled (and caches warmed) by the first.
  expect(optimised.compare(a, b, s.ctx)).toStrictEqual(expected);
  expect(optimised.compare(a, b, s.ctx)).toStrictEqual(expected);
}

describe('optimised comparer against the reference comparer', () => {
  it('returns the same verdict, differences and filtered differences on generated documents and rule sets', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => compareBoth(scenario(seed))),
      { numRuns: 600, seed: 20261216 },
    );
    // A few seconds on an idle machine; CI shares two cores with the rest of the suite.
  }, 180_000);

  it('agrees on large documents with thousands of differences', () => {
    for (const seed of [1, 2, 3]) {
      const r = seededRandom(seed);
      const items = Array.from({ length: 400 }, (_, i) => ({ id: i, name: `item-${i}`, score: i / 3, ts: new Date(1_790_000_000_000 + i).toISOString(), etag: r.hex(6), attrs: { [r.uuid()]: i } }));
      const rec = { meta: { requestId: 'a', ts: 1 }, items };
      const cand = mutate(rec, r, 0.3);
      compareBoth({
        cfg: config({
          ignore: ['/meta/requestId', '**/ts'],
          rules: [
            { path: '/items', unorderedBy: 'id' },
            { path: '/items/*/score', tolerance: 0.5 },
            { path: '/items/*/name', match: 'type' },
            { path: '**/etag', match: 'hex' },
            { path: '/items/*/attrs', keys: 'vary' },
          ],
        }),
        ctx: { method: 'GET', route: '/items' },
        recorded: JSON.stringify(rec),
        candidate: JSON.stringify(cand),
        recordedHeaders: JSON_HEADERS,
        candidateHeaders: JSON_HEADERS,
        status: [200, 200],
      });
    }
  }, 120_000);

  it('no value parsed from a JSON text serialises longer than serialisedBound says, so capping may trust it', () => {
    let near = 0;
    for (let seed = 0; seed < 800; seed++) {
      const r = seededRandom(seed);
      // Documents around the container cap, written loosely, with numbers that grow when rewritten.
      const items = Array.from({ length: r.int(120) }, () => (r.next() < 0.3 ? r.pick([1e20, 1e-7, 123e15, -5e20, 2.5e-9]) : value(r, 2)));
      const text = looseJson(r.next() < 0.5 ? items : { items, meta: document(r) }, r);
      const bound = serialisedBound(text);
      const parsed = JSON.parse(text) as unknown;
      const stack: unknown[] = [parsed];
      while (stack.length > 0) {
        const v = stack.pop();
        // Capping serialises containers only; strings are capped by their length.
        if (v === null || typeof v !== 'object') continue;
        expect(JSON.stringify(v).length, text).toBeLessThanOrEqual(bound);
        stack.push(...Object.values(v));
      }
      if (bound <= MAX_CONTAINER_CHARS && JSON.stringify(parsed).length > MAX_CONTAINER_CHARS / 2) near++;
    }
    // The bound is used, and tested, near the cap and not only on small documents.
    expect(near).toBeGreaterThan(10);
  });

  it('the generator produces every verdict and filters by every kind of rule (the property is not vacuous)', () => {
    const verdicts = new Set<string>();
    const kinds = new Set<string>();
    let filtered = 0;
    for (let seed = 0; seed < 400; seed++) {
      const s = scenario(seed);
      const result = createReferenceComparer(s.cfg).compare(response(s.recorded, { headers: s.recordedHeaders }), response(s.candidate, { headers: s.candidateHeaders }), s.ctx);
      verdicts.add(result.verdict);
      for (const d of result.filtered) {
        filtered++;
        kinds.add((d.filteredBy ?? '').split(' ')[0]!);
      }
    }
    expect([...verdicts].sort()).toEqual(expect.arrayContaining(['noise', 'pass', 'regression']));
    expect(filtered).toBeGreaterThan(300);
    expect([...kinds].sort()).toEqual(expect.arrayContaining(['ignore', 'keys', 'match', 'relative', 'tolerance', 'unordered', 'unorderedBy', 'origin']));
  });
});

describe('specialised pointer-pattern matchers against the general glob table', () => {
  it('answer matches and matchesAtOrBelow exactly as the table does, for every pattern shape', () => {
    const key = fc.constantFrom('a', 'b', 'items', '0', '1', 'a/b', 'm~n', '~1', '*x', 'a.b', '(x)|[y]$', '');
    const segment = fc.oneof(key, fc.constant('*'), fc.constant('**'));
    const pattern = fc.array(segment, { maxLength: 5 }).map((segs) => segs.map((x) => `/${x === '*' || x === '**' ? x : escapeSegment(x)}`).join(''));
    const pointer = fc.oneof(
      fc.array(key, { maxLength: 6 }).map((keys) => keys.map((k) => `/${escapeSegment(k)}`).join('')),
      fc.constantFrom('content-type', 'line 3'),
    );
    fc.assert(
      fc.property(pattern, fc.boolean(), fc.array(pointer, { minLength: 1, maxLength: 4 }), (source, bare, pointers) => {
        // `**/x` is also accepted without its leading slash.
        const written = bare && source.startsWith('/**') ? source.slice(1) : source;
        const compiled = compilePointerPattern(written);
                for (const p of [...pointers, ...pointers]) {
          expect(compiled.matches(p), `${written} matches ${p}`).toBe(matchesByTable(written, p, false));
          expect(compiled.matchesAtOrBelow(p), `${written} at or below ${p}`).toBe(matchesByTable(written, p, true));
        }
      }),
      { numRuns: 2000, seed: 20261217 },
    );
  }, 120_000);

  it('the rule automaton puts a node in a rule\'s scope exactly when the table matches its pointer (exact, at or below, parent)', () => {
    const key = fc.constantFrom('a', 'b', 'items', '0', '1', '12', 'a/b', 'm~n', '~1', '');
    const segment = fc.oneof(key, fc.constant('*'), fc.constant('**'));
    const pattern = fc.array(segment, { maxLength: 4 }).map((segs) => segs.map((x) => `/${x === '*' || x === '**' ? x : escapeSegment(x)}`).join(''));
    const kind = fc.constantFrom<ScopeKind>('exact', 'at-or-below', 'parent');
    const pointer = fc.array(key, { maxLength: 6 }).map((keys) => keys.map((k) => `/${escapeSegment(k)}`).join(''));
    fc.assert(
      fc.property(fc.array(fc.tuple(pattern, kind), { minLength: 1, maxLength: 5 }), fc.boolean(), fc.array(pointer, { minLength: 1, maxLength: 4 }), (rules, unscoped, pointers) => {
        const matchers: NoiseRuleMatcher[] = rules.map(([source, at], i) => ({ describe: () => `${i}`, filters: () => false, scope: { pattern: source, at } }));
        // A matcher without a scope is in every node's list.
        if (unscoped) matchers.push({ describe: () => 'any', filters: () => false });
        const root = compileRuleScope(matchers);
        for (const p of pointers) {
          const keys = parsePointer(p);
          let scope: RuleScope = root;
          // Indices go through `element`, as the walk does for arrays.
          for (const k of keys) scope = /^\d+$/.test(k) && k === String(Number(k)) ? scope.element(Number(k)) : scope.child(k);
          const parent = p.slice(0, Math.max(0, p.lastIndexOf('/')));
          const expected = matchers.filter((m) => {
            if (!m.scope) return true;
            if (m.scope.at === 'exact') return matchesByTable(m.scope.pattern, p, false);
            if (m.scope.at === 'at-or-below') return matchesByTable(m.scope.pattern, p, true);
            return p !== '' && matchesByTable(m.scope.pattern, parent, false);
          });
          expect(scope.rules.map((m) => m.describe()), `${p} under ${JSON.stringify(rules)}`).toEqual(expected.map((m) => m.describe()));
        }
      }),
      { numRuns: 2000, seed: 20261218 },
    );
  }, 120_000);
});

