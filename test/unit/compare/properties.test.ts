import zlib from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compare, createComparer, formatSignature, parseSignature } from '../../../src/compare/index.js';
import { config, ctx, jsonResponse, response } from './fixtures.js';

const CONTENT_TYPES = ['application/json', 'application/problem+json', 'text/plain', 'text/html', 'application/octet-stream', 'image/png', ''];
const JSON_TYPES = new Set(['application/json', 'application/problem+json']);

/** A small seeded PRNG (mulberry32), so a fast-check seed fixes every choice below. */
function random(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 2 ** 32;
  };
}

/**
 * The same JSON value as other text: object keys in a shuffled order, random JSON whitespace between
 * tokens, and some string characters written as \\uXXXX escapes. Written as text directly (never through an
 * object), so keys such as `__proto__` survive.
 */
function reserialise(value: unknown, seed: number): string {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const ws = (): string => Array.from({ length: pick([0, 0, 1, 2]) }, () => pick([' ', '\n', '\t', '\r'])).join('');
  const str = (s: string): string =>
    `"${[...s].map((ch) => (next() < 0.3 ? Array.from({ length: ch.length }, (_, i) => `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`).join('') : JSON.stringify(ch).slice(1, -1))).join('')}"`;
  const write = (v: unknown): string => {
    if (Array.isArray(v)) return `[${v.map((item) => ws() + write(item) + ws()).join(',')}]`;
    if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [entries[i], entries[j]] = [entries[j]!, entries[i]!];
      }
      return `{${entries.map(([k, item]) => `${ws()}${str(k)}${ws()}:${ws()}${write(item)}${ws()}`).join(',')}}`;
    }
    return typeof v === 'string' ? str(v) : JSON.stringify(v);
  };
  return ws() + write(value) + ws();
}

describe('properties', () => {
  it('compare(x, x) is pass for any JSON value under any content type, written differently on each side', () => {
    fc.assert(
      fc.property(fc.jsonValue({ stringUnit: 'binary' }), fc.constantFrom(...CONTENT_TYPES), fc.integer(), fc.integer(), fc.boolean(), (value, type, seedA, seedB, gzipRecorded) => {
        // A JSON body is re-serialised on each side with its own key order, whitespace and string
        // escapes; any other body keeps its bytes. One side is gzipped, so the bytes on the wire always
        // differ and the identical-bytes shortcut never answers: decoding, parsing and diffing do.
        const json = JSON_TYPES.has(type);
        const text = (seed: number) => Buffer.from(json ? reserialise(value, seed) : JSON.stringify(value));
        const [a, b] = [text(seedA), text(seedB)];
        const [recorded, candidate] = gzipRecorded ? [zlib.gzipSync(a), b] : [a, zlib.gzipSync(b)];
        const headers = (gzipped: boolean): Array<[string, string]> => [...(type ? [['content-type', type] as [string, string]] : []), ...(gzipped ? [['content-encoding', 'gzip'] as [string, string]] : [])];
        expect(recorded.equals(candidate)).toBe(false);
        const result = compare(response(recorded, { headers: headers(gzipRecorded) }), response(candidate, { headers: headers(!gzipRecorded) }), ctx);
        expect(result).toEqual({ verdict: 'pass', differences: [], filtered: [], notes: [] });
      }),
      { numRuns: 300, seed: 20261202 },
    );
  });

  it('a signature is written and read back as the same parts, whatever its pointer holds (colons included)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), fc.integer({ min: 100, max: 599 }), fc.integer({ min: 100, max: 599 }), (a, b, sa, sb) => {
        const result = compare(jsonResponse(a, { status: sa }), jsonResponse(b, { status: sb }), ctx);
        for (const d of [...result.differences, ...result.filtered]) {
          // Change kinds never hold a colon: that is what makes the written form unambiguous.
          expect(d.change).not.toContain(':');
          const parts = parseSignature(d.signature);
          expect(formatSignature(parts)).toBe(d.signature);
          expect(parts).toEqual({ target: d.target, pattern: parts.pattern, change: d.change });
        }
      }),
      { numRuns: 300, seed: 20261203 },
    );
    fc.assert(
      fc.property(fc.constantFrom('status', 'header', 'body'), fc.string({ unit: 'binary' }), fc.stringMatching(/^[^:]*$/), (target, pattern, change) => {
        const parts = { target, pattern, change } as const;
        expect(parseSignature(formatSignature(parts))).toEqual(parts);
      }),
      { numRuns: 500, seed: 20261204 },
    );
    expect(parseSignature('body:/a:b/c:removed')).toEqual({ target: 'body', pattern: '/a:b/c', change: 'removed' });
  });

  it('the re-serialisation keeps the value and changes the text', () => {
    const value = { b: [1, { y: 'é"\\', x: null }], a: true, '': -0.5 };
    const texts = new Set(Array.from({ length: 20 }, (_, seed) => reserialise(value, seed)));
    expect(texts.size).toBeGreaterThan(10);
    for (const t of texts) expect(JSON.parse(t)).toEqual(value);
  });

  it('a gzip body and an identity body with the same decoded bytes pass', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom('gzip', 'br', 'deflate'), (value, encoding) => {
        const raw = Buffer.from(JSON.stringify(value));
        const encoded = encoding === 'gzip' ? zlib.gzipSync(raw) : encoding === 'br' ? zlib.brotliCompressSync(raw) : zlib.deflateSync(raw);
        const json: [string, string] = ['content-type', 'application/json'];
        const result = compare(response(encoded, { headers: [json, ['content-encoding', encoding]] }), response(raw, { headers: [json] }), ctx);
        expect(result.verdict).toBe('pass');
      }),
      { numRuns: 100 },
    );
  });

  it('under unordered rules on every array, any permutation of an array is pass or noise', () => {
    const c = createComparer(config({ rules: [{ path: '/**', unordered: true }] }));
    fc.assert(
      fc.property(
        fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 8 }).chain((items) =>
          fc.tuple(fc.constant(items), fc.shuffledSubarray(items, { minLength: items.length, maxLength: items.length })),
        ),
        ([items, shuffled]) => {
          const json: [string, string] = ['content-type', 'application/json'];
          const result = c.compare(response(JSON.stringify({ list: items }), { headers: [json] }), response(JSON.stringify({ list: shuffled }), { headers: [json] }), ctx);
          expect(result.differences).toEqual([]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('an ignore rule hides exactly the differences inside its pattern, never one outside it', () => {
    const keys = fc.constantFrom('a', 'b', 'c', 'a/b', 'm~n', '0', 'id');
    const doc = fc.dictionary(keys, fc.jsonValue({ maxDepth: 3 }), { minKeys: 1, maxKeys: 5 });
    const scenario = doc.chain((d) => {
      const paths = allPaths(d);
      return fc.record({
        doc: fc.constant(d),
        target: fc.constantFrom(...paths),
        patternBase: fc.constantFrom(...paths),
        edits: fc.array(fc.constantFrom('keep', 'star', 'globstar-before', 'drop-tail'), { minLength: 0, maxLength: 4 }),
        mutation: fc.constantFrom('replace', 'remove', 'add'),
      });
    });
    fc.assert(
      fc.property(scenario, ({ doc: before, target, patternBase, edits, mutation }) => {
        const patternSegments = makePattern(patternBase, edits);
        const pattern = patternSegments.map((s) => `/${s === '*' || s === '**' ? s : escape(s)}`).join('');
        const after = mutate(before, target, mutation);
        const json: [string, string] = ['content-type', 'application/json'];
        const result = createComparer(config({ ignore: [pattern] })).compare(
          response(JSON.stringify(before), { headers: [json] }),
          response(JSON.stringify(after), { headers: [json] }),
          ctx,
        );
        for (const d of result.filtered) expect(inside(patternSegments, pointerKeys(d.path)), `${pattern} hid ${d.path}`).toBe(true);
        for (const d of result.differences) expect(inside(patternSegments, pointerKeys(d.path)), `${pattern} missed ${d.path}`).toBe(false);
        expect(result.verdict).toBe(result.differences.length > 0 ? 'regression' : result.filtered.length > 0 ? 'noise' : 'pass');
      }),
      { numRuns: 500 },
    );
  });
});

// ---------------------------------------------------------------- an independent reference model

type Keys = string[];

/** Every node's path (root included), as unescaped keys. */
function allPaths(value: unknown, prefix: Keys = []): Keys[] {
  const out: Keys[] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...allPaths(v, [...prefix, String(i)])));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) out.push(...allPaths(v, [...prefix, k]));
  }
  return out;
}

function makePattern(base: Keys, edits: string[]): string[] {
  let segs: string[] = [...base];
  edits.forEach((edit, n) => {
    const i = segs.length === 0 ? 0 : n % segs.length;
    if (edit === 'star' && segs.length > 0) segs[i] = '*';
    if (edit === 'globstar-before') segs = [...segs.slice(0, i), '**', ...segs.slice(i)];
    if (edit === 'drop-tail' && segs.length > 0) segs = segs.slice(0, -1);
  });
  return segs;
}

/** Straightforward recursive glob over segments: the model the DP implementation must agree with. */
function globMatch(pattern: string[], keys: Keys): boolean {
  if (pattern.length === 0) return keys.length === 0;
  const [head, ...rest] = pattern;
  if (head === '**') return globMatch(rest, keys) || (keys.length > 0 && globMatch(pattern, keys.slice(1)));
  if (keys.length === 0) return false;
  return (head === '*' || head === keys[0]) && globMatch(rest, keys.slice(1));
}

function inside(pattern: string[], keys: Keys | null): boolean {
  if (keys === null) return false;
  for (let n = 0; n <= keys.length; n++) if (globMatch(pattern, keys.slice(0, n))) return true;
  return false;
}

function escape(key: string): string {
  return key.split('~').join('~0').split('/').join('~1');
}

function pointerKeys(pointer: string): Keys | null {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) return null;
  return pointer.slice(1).split('/').map((s) => s.split('~1').join('/').split('~0').join('~'));
}

const SENTINEL = { mutated: 'Ω' };

function mutate(doc: unknown, path: Keys, how: string): unknown {
  const copy = structuredClone(doc);
  if (path.length === 0) return how === 'add' && isObject(copy) ? { ...copy, added: SENTINEL } : SENTINEL;
  const parent = path.slice(0, -1).reduce<unknown>((node, k) => (node as Record<string, unknown>)[k], copy) as Record<string, unknown> | unknown[];
  const key = path[path.length - 1] as string;
  const node = Array.isArray(parent) ? parent[Number(key)] : parent[key];
  if (how === 'add' && isObject(node)) Object.defineProperty(node, 'added', { value: SENTINEL, enumerable: true, writable: true, configurable: true });
  else if (how === 'remove' && Array.isArray(parent)) parent.splice(Number(key), 1);
  else if (how === 'remove' && !Array.isArray(parent)) delete parent[key];
  else if (Array.isArray(parent)) parent[Number(key)] = SENTINEL;
  else Object.defineProperty(parent, key, { value: SENTINEL, enumerable: true, writable: true, configurable: true });
  return copy;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
