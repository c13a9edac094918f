import { describe, expect, it } from 'vitest';
import { compilePointerPattern } from '../../../src/compare/pointer-pattern.js';
import { gzipSync } from 'node:zlib';
import { createRouteTemplater } from '../../../src/routes/route-template.js';
import { canonicalJson, compileIgnore, redactedFields, shapeOf, type RequestShape } from '../../../src/stub/request-shape.js';
import type { HeaderPairs } from '../../../src/types.js';

describe('stub request shape: canonical JSON', () => {
  const ignore = [compilePointerPattern('/ts'), compilePointerPattern('/items/*/nonce')];

  it('is the same for the same value written differently, and leaves ignored pointers out', () => {
    const a = canonicalJson(JSON.parse('{"b":[1,{"nonce":"x","v":2}],"a":true,"ts":1}'), []);
    const b = canonicalJson(JSON.parse('{ "a" : true, "ts": 1, "b": [1, {"v":2, "nonce":"x"}] }'), []);
    expect(a).toBe(b);
    expect(a).toBe('{"a":true,"b":[1,{"nonce":"x","v":2}],"ts":1}');
    const left = canonicalJson({ ts: 1, items: [{ nonce: 'n1', id: 7 }] }, ignore);
    expect(left).toBe(canonicalJson({ items: [{ id: 7, nonce: 'n2' }], ts: 2 }, ignore));
    expect(left).not.toBe(canonicalJson({ items: [{ id: 8, nonce: 'n1' }], ts: 1 }, ignore));
  });

  it('keeps an ignored array item as a marker (positions count) and a "__proto__" key as a key', () => {
    const items = compilePointerPattern('/list/0');
    expect(canonicalJson({ list: ['a', 'b'] }, [items])).not.toBe(canonicalJson({ list: ['b'] }, [items]));
    const hostile = JSON.parse('{"__proto__":{"x":1},"a":1}') as unknown;
    expect(canonicalJson(hostile, [compilePointerPattern('/zzz')])).toBe('{"__proto__":{"x":1},"a":1}');
    expect(canonicalJson(hostile, [compilePointerPattern('/zzz')])).toBe(canonicalJson(hostile, []));
  });
});

describe('stub request shape: which bodies are JSON (the one rule of compare/json-body)', () => {
  const rules = { templater: createRouteTemplater(), ignore: compileIgnore([]), matchHeaders: [] };
  const shape = (headers: HeaderPairs, body: string | Buffer): RequestShape => shapeOf({ method: 'POST', url: '/orders', headers, body: Buffer.from(body) }, rules);
  const json = shape([['content-type', 'application/json']], '{"a":1,"b":2}');

  it('a gzip-encoded or undeclared JSON body has the shape of the plain one', () => {
    expect(json.body.kind).toBe('json');
    expect(shape([['content-type', 'application/json'], ['content-encoding', 'gzip']], gzipSync('{"b":2, "a":1}')).key).toBe(json.key);
    expect(shape([], ' {"b":2,"a":1}').key).toBe(json.key);
  });

  it('a body that is not JSON is matched by its bytes', () => {
    expect(shape([['content-type', 'application/json']], '{"a":').body.kind).toBe('bytes');
    expect(shape([], '42').body.kind).toBe('bytes');
  });

  it('finds placeholders in a compressed recorded body', () => {
    const body = gzipSync(JSON.stringify({ password: '[REDACTED:0123abcd]', user: 'u' }));
    expect(redactedFields({ method: 'POST', url: '/login', headers: [['content-type', 'application/json'], ['content-encoding', 'gzip']], body }, []).pointers).toEqual(['/password']);
  });
});
