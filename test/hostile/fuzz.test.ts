import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compare, createComparer } from '../../src/compare/index.js';
import { formatPointer, parsePointer, valueAt } from '../../src/compare/json-pointer.js';
import { compilePointerPattern } from '../../src/compare/pointer-pattern.js';
import { defaultConfig, resolveConfig } from '../../src/config/resolve-config.js';
import { isReplayguardError } from '../../src/errors.js';
import { createTrafficFilter } from '../../src/record/traffic-filter.js';
import { createRouteTemplater } from '../../src/routes/route-template.js';
import { ctx, jsonResponse, response } from '../unit/compare/fixtures.js';

/** Every run is reproducible: a failure prints its seed and path, and this seed replays the same cases. */
const SEED = 0x12_2026;

/** Paths to every value of a plain JSON tree (objects and arrays), root first. */
function paths(value: unknown, at: string[] = []): string[][] {
  const out = [at];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...at, String(i)])));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...at, k]));
  return out;
}

function setAt(doc: unknown, keys: string[], value: unknown): unknown {
  if (keys.length === 0) return value;
  const [head, ...rest] = keys as [string, ...string[]];
  const copy = (Array.isArray(doc) ? [...doc] : { ...(doc as object) }) as Record<string, unknown>;
  copy[head] = setAt(copy[head], rest, value);
  return copy;
}

describe('fuzz: configuration (fast-check, seeded)', () => {
  const base = JSON.parse(JSON.stringify(defaultConfig())) as Record<string, unknown>;
  const basePaths = paths(base).filter((p) => p.length > 0);
  // A valid configuration with up to 3 values (at real keys, or new keys) replaced by arbitrary JSON.
  const mutated = fc
    .array(fc.tuple(fc.constantFrom(...basePaths), fc.option(fc.string({ maxLength: 12 }), { nil: undefined }), fc.jsonValue({ maxDepth: 3 })), { minLength: 1, maxLength: 3 })
    .map((edits) => edits.reduce<unknown>((doc, [p, extra, v]) => setAt(doc, extra === undefined ? p : [...p.slice(0, -1), extra], v), base) as Record<string, unknown>);

  it('any mutation of a valid config is accepted or refused with RG_ERR_CONFIG_INVALID naming a key; what is accepted compiles (comparer, filters, routes) without throwing', () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(mutated, (input) => {
        let config;
        try {
          config = resolveConfig({ overrides: input, env: {}, discover: false }).config;
        } catch (e) {
          expect(isReplayguardError(e) && e.code).toBe('RG_ERR_CONFIG_INVALID');
          expect((e as Error).message).toMatch(/invalid configuration: \S/);
          refused++;
          return;
        }
        accepted++;
        const comparer = createComparer(config.compare);
        comparer.compare(jsonResponse({ a: [1, { b: 'x' }] }), jsonResponse({ a: [2, { b: 'y' }], c: null }), ctx);
        createTrafficFilter(config.record).accepts('GET', '/api/x?y=1');
        createRouteTemplater(config.routes.templates).templateOf('/api/users/42');
      }),
      { seed: SEED, numRuns: 400 },
    );
    // Both sides were really exercised.
    expect(accepted).toBeGreaterThan(5);
    expect(refused).toBeGreaterThan(100);
  });
});

describe('fuzz: JSON pointers and patterns (fast-check, seeded)', () => {
  it('formatPointer/parsePointer round-trip any keys, and valueAt finds every value of any JSON document', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' }), { maxLength: 6 }), (keys) => {
        expect(parsePointer(formatPointer(keys))).toEqual(keys);
      }),
      { seed: SEED, numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (doc) => {
        for (const p of paths(doc)) {
          const found = valueAt(doc, formatPointer(p));
          expect(found.found).toBe(true);
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('a pattern compiled from any string never throws on any pointer; a literal pattern matches exactly its own pointer', () => {
    const segment = fc.oneof(fc.constantFrom('*', '**', '', '~', '~0', '~1', 'a/b'), fc.string({ maxLength: 4 }));
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.array(segment, { maxLength: 6 }), (source, keys) => {
        const pointer = formatPointer(keys);
        const pattern = compilePointerPattern(source);
        expect(typeof pattern.matches(pointer)).toBe('boolean');
        expect(typeof pattern.matchesAtOrBelow(pointer)).toBe('boolean');
        const literalKeys = keys.filter((k) => k !== '*' && k !== '**');
        const literal = compilePointerPattern(formatPointer(literalKeys));
        expect(literal.matches(formatPointer(literalKeys))).toBe(true);
        expect(literal.matches(formatPointer([...literalKeys, 'extra']))).toBe(false);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('route templates and include/exclude patterns from any strings never throw on any path', () => {
    const pathish = fc.array(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom(':id', '*', '**', '%2F', '..', '{x}', '[a-', '(?')), { maxLength: 6 }).map((s) => `/${s.join('/')}`);
    fc.assert(
      fc.property(fc.array(pathish, { maxLength: 4 }), fc.array(fc.string({ maxLength: 20 }), { maxLength: 3 }), pathish, fc.string({ maxLength: 30 }), (templates, globs, path, query) => {
        expect(typeof createRouteTemplater(templates).templateOf(`${path}?${query}`)).toBe('string');
        let record;
        try {
          record = resolveConfig({ overrides: { record: { include: globs, exclude: globs.slice(1) } }, env: {}, discover: false }).config.record;
        } catch (e) {
          // A pattern the filter could not compile is a configuration error at the edge, not a crash at startup.
          expect(isReplayguardError(e) && e.code).toBe('RG_ERR_CONFIG_INVALID');
          return;
        }
        expect(typeof createTrafficFilter(record).accepts('GET', `${path}?${query}`)).toBe('boolean');
      }),
      { seed: SEED, numRuns: 500 },
    );
  });
});

describe('fuzz: the comparer on arbitrary JSON (fast-check, seeded)', () => {
  const json: [string, string] = ['content-type', 'application/json'];

  it('two arbitrary JSON bodies: never throws, and the verdict is pass exactly when the documents are equal', () => {
    const pair = fc.oneof(
      fc.tuple(fc.jsonValue({ maxDepth: 3 }), fc.jsonValue({ maxDepth: 3 })),
      // Near-misses: one value changed somewhere inside the same document.
      fc.jsonValue({ maxDepth: 3 }).chain((doc) => fc.tuple(fc.constant(doc), fc.constantFrom(...paths(doc)).chain((p) => fc.jsonValue({ maxDepth: 1 }).map((v) => setAt(doc, p, v))))),
    );
    let equal = 0;
    let different = 0;
    fc.assert(
      fc.property(pair, ([a, b]) => {
        const same = isDeepStrictEqual(JSON.parse(JSON.stringify(a)), JSON.parse(JSON.stringify(b)));
        const result = compare(response(JSON.stringify(a), { headers: [json] }), response(JSON.stringify(b), { headers: [json] }), ctx);
        expect(result.verdict).toBe(same ? 'pass' : 'regression');
        expect(result.differences.length === 0).toBe(same);
        if (same) equal++;
        else different++;
      }),
      { seed: SEED, numRuns: 400 },
    );
    expect(equal).toBeGreaterThan(5);
    expect(different).toBeGreaterThan(100);
  });

  it('arbitrary bytes labelled as JSON (or gzip JSON) are compared, never thrown on', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ maxLength: 200 }), fc.constantFrom('identity', 'gzip', 'br'), (a, b, encoding) => {
        const headers: Array<[string, string]> = [json, ['content-encoding', encoding]];
        const result = compare(response(Buffer.from(a), { headers }), response(Buffer.from(b), { headers }), ctx);
        expect(['pass', 'regression', 'noise']).toContain(result.verdict);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});
