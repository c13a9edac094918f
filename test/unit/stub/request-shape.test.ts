import { describe, expect, it } from 'vitest';
import { compilePointerPattern } from '../../../src/compare/pointer-pattern.js';
import { canonicalJson } from '../../../src/stub/request-shape.js';

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
