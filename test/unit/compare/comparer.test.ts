import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { compare, createComparer, describeDifference, signatureOf } from '../../../src/compare/index.js';
import type { Difference } from '../../../src/types.js';
import { config, ctx, jsonResponse, response } from './fixtures.js';

const JSON_CT: [string, string] = ['content-type', 'application/json'];

describe('status', () => {
  it('reports a changed status as one replace difference', () => {
    const result = compare(response(null, { status: 404 }), response(null, { status: 500 }), ctx);
    expect(result).toEqual({
      verdict: 'regression',
      differences: [{ target: 'status', op: 'replace', path: '', before: 404, after: 500, change: '404 → 500', signature: 'status::404 → 500' }],
      filtered: [],
      notes: [],
    });
  });

  it('no rule filters a status change', () => {
    const c = createComparer(config({ ignore: ['/**'], rules: [{ path: '**', match: 'type' }] }));
    expect(c.compare(response(null, { status: 200 }), response(null, { status: 201 }), ctx).verdict).toBe('regression');
  });
});

describe('verdicts', () => {
  it.each<[string, unknown, unknown, string[], 'pass' | 'noise' | 'regression']>([
    ['no difference → pass', { a: 1 }, { a: 1 }, [], 'pass'],
    ['every difference filtered → noise', { a: 1, t: 1 }, { a: 1, t: 2 }, ['/t'], 'noise'],
    ['any unfiltered difference → regression', { a: 1, t: 1 }, { a: 2, t: 2 }, ['/t'], 'regression'],
  ])('%s', (_name, left, right, ignore, verdict) => {
    const result = createComparer(config({ ignore })).compare(jsonResponse(left), jsonResponse(right), ctx);
    expect(result.verdict).toBe(verdict);
    // filtered differences are kept, never dropped
    expect(result.filtered.every((d) => typeof d.filteredBy === 'string')).toBe(true);
    expect(result.differences.every((d) => d.filteredBy === undefined)).toBe(true);
  });
});

describe('encoded bodies', () => {
  const value = { users: Array.from({ length: 50 }, (_, i) => ({ id: i, name: `user ${i}` })) };
  const raw = Buffer.from(JSON.stringify(value));
  const encoded = (encoding: string, bytes: Buffer) => response(bytes, { headers: [JSON_CT, ['content-encoding', encoding]] });

  it.each<[string, Buffer]>([
    ['gzip', zlib.gzipSync(raw)],
    ['deflate', zlib.deflateSync(raw)],
    ['deflate', zlib.deflateRawSync(raw)],
    ['br', zlib.brotliCompressSync(raw)],
    ['gzip, br', zlib.brotliCompressSync(zlib.gzipSync(raw))],
  ])('%s body equals the identity body with the same decoded bytes', (encoding, bytes) => {
    const result = compare(encoded(encoding, bytes), response(raw, { headers: [JSON_CT] }), ctx);
    expect(result).toEqual({ verdict: 'pass', differences: [], filtered: [], notes: [] });
  });

  it('diffs decoded JSON, not compressed bytes', () => {
    const changed = { ...value, total: 50 };
    const result = compare(encoded('gzip', zlib.gzipSync(raw)), encoded('br', zlib.brotliCompressSync(Buffer.from(JSON.stringify(changed)))), ctx);
    expect(result.differences).toMatchObject([{ target: 'body', op: 'add', path: '/total', after: 50 }]);
  });

  it('a corrupt gzip body is noted and compared as raw bytes', () => {
    const corrupt = Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from('this is not gzip')]);
    const result = compare(encoded('gzip', corrupt), encoded('gzip', zlib.gzipSync(raw)), ctx);
    expect(result.verdict).toBe('regression');
    expect(result.notes[0]).toMatch(/^recorded corrupt gzip body/);
    expect(result.differences[0]).toMatchObject({ target: 'body', change: 'bytes changed' });
  });

  it('a compression bomb is compared by its capped prefix, with a note on each side', () => {
    const bomb = zlib.gzipSync(Buffer.alloc(50 * 1024 * 1024));
    const c = createComparer(config({ maxDecodedBytes: 1024 * 1024 }));
    const headers: Array<[string, string]> = [['content-type', 'application/octet-stream'], ['content-encoding', 'gzip']];
    // A second bomb that differs only past the cap: different wire bytes, so both are really decoded.
    const other = zlib.gzipSync(Buffer.concat([Buffer.alloc(50 * 1024 * 1024), Buffer.from('tail')]));
    const result = c.compare(response(bomb, { headers }), response(other, { headers }), ctx);
    expect(result.verdict).toBe('pass');
    expect(result.notes).toHaveLength(2);
    for (const note of result.notes) expect(note).toMatch(/exceeds 1048576 bytes; compared the first \d+ bytes only/);
  });
});

describe('identical wire bytes', () => {
  it('are equal without decoding: a bomb against itself costs nothing and notes nothing', () => {
    const bomb = zlib.gzipSync(Buffer.alloc(50 * 1024 * 1024));
    const c = createComparer(config({ maxDecodedBytes: 1024 * 1024 }));
    const r = response(bomb, { headers: [['content-type', 'application/json'], ['content-encoding', 'gzip']] });
    expect(c.compare(r, r, ctx)).toMatchObject({ verdict: 'pass', differences: [], notes: [] });
  });

  it('under different encodings are still decoded and compared', () => {
    const body = Buffer.from('{"a":1}');
    const c = createComparer(config({}));
    const gz = response(zlib.gzipSync(body), { headers: [['content-type', 'application/json'], ['content-encoding', 'gzip']] });
    const changed = response(Buffer.from('{"a":2}'), { headers: [['content-type', 'application/json']] });
    expect(c.compare(gz, response(body, { headers: [['content-type', 'application/json']] }), ctx).verdict).toBe('pass');
    expect(c.compare(gz, changed, ctx).verdict).toBe('regression');
  });
});

describe('truncated bodies', () => {
  const full = Buffer.from(Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n'));
  const text: [string, string] = ['content-type', 'text/plain'];

  it('compares what is there, and says that is all it compared', () => {
    const recorded = response(full.subarray(0, 300), { headers: [text], truncated: true, size: full.length });
    const result = compare(recorded, response(full, { headers: [text] }), ctx);
    expect(result.verdict).toBe('pass');
    expect(result.notes).toEqual([
      `recorded body stored truncated (300 of ${full.length} bytes); only the stored part was compared`,
      'compared the first 300 bytes of both bodies only',
    ]);
  });

  it('still reports differences within the stored part', () => {
    const changed = Buffer.from(full.toString().replace('line 3', 'LINE 3'));
    const recorded = response(full.subarray(0, 300), { headers: [text], truncated: true, size: full.length });
    const result = compare(recorded, response(changed, { headers: [text] }), ctx);
    expect(result.differences).toMatchObject([{ path: 'line 4', change: 'line changed', before: 'line 3\n', after: 'LINE 3\n' }]);
  });

  it('a complete candidate shorter than the stored prefix is a difference', () => {
    const recorded = response(full.subarray(0, 300), { headers: [text], truncated: true, size: full.length });
    const result = compare(recorded, response(full.subarray(0, 100), { headers: [text] }), ctx);
    expect(result.verdict).toBe('regression');
  });

  it('a truncated JSON body falls back to text with notes instead of a false parse', () => {
    const json = Buffer.from(JSON.stringify({ items: Array.from({ length: 100 }, (_, i) => i) }));
    const recorded = response(json.subarray(0, 50), { headers: [JSON_CT], truncated: true, size: json.length });
    const result = compare(recorded, response(json, { headers: [JSON_CT] }), ctx);
    expect(result.verdict).toBe('pass');
    expect(result.notes.some((n) => n.includes('truncated'))).toBe(true);
  });
});

describe('signatureOf and describeDifference', () => {
  const d = (p: Partial<Difference>): Difference => ({ target: 'body', op: 'replace', path: '', change: 'value changed', signature: '', ...p });
  it.each<[Partial<Difference>, string, string]>([
    [{ path: '/items/3/price', change: 'number → string' }, 'body:/items/*/price:number → string', '/items/3/price number → string'],
    [{ op: 'remove', path: '/email', change: 'removed' }, 'body:/email:removed', '/email removed'],
    [{ target: 'status', change: '404 → 500' }, 'status::404 → 500', 'status 404 → 500'],
    [{ target: 'header', path: 'content-type' }, 'header:content-type:value changed', 'header content-type changed'],
    [{ target: 'header', op: 'add', path: 'location', change: 'added' }, 'header:location:added', 'header location added'],
    [{ target: 'header', op: 'remove', path: 'location', change: 'removed' }, 'header:location:removed', 'header location removed'],
    [{ path: 'line 12', change: 'line changed' }, 'body:line *:line changed', 'body line 12: line changed'],
    [{ change: 'bytes changed', before: { size: 3, sha256: 'a' }, after: { size: 5, sha256: 'b' } }, 'body::bytes changed', 'body bytes changed (3 → 5 bytes)'],
    [{ change: 'object → array' }, 'body::object → array', 'body object → array'],
    [{ path: '/a~1b/0', change: 'order changed' }, 'body:/a~1b/*:order changed', '/a~1b/0 order changed'],
  ])('%j', (partial, signature, line) => {
    expect(signatureOf(d(partial))).toBe(signature);
    expect(describeDifference(d(partial))).toBe(line);
  });

  it('every difference the comparer produces carries its signature', () => {
    const result = compare(jsonResponse({ items: [{ price: 1 }] }, { status: 200 }), jsonResponse({ items: [{ price: '1' }] }, { status: 201 }), ctx);
    for (const diff of result.differences) expect(diff.signature).toBe(signatureOf(diff));
    expect(result.differences.map((x) => x.signature)).toEqual(['status::200 → 201', 'body:/items/*/price:number → string']);
  });
});

describe('compare() default', () => {
  it('uses the default configuration when none is given, and a given one otherwise', () => {
    const left = jsonResponse({ t: 1 });
    const right = jsonResponse({ t: 2 });
    expect(compare(left, right, ctx).verdict).toBe('regression');
    expect(compare(left, right, ctx, config({ ignore: ['/t'] })).verdict).toBe('noise');
    expect(compare(left, right, ctx).verdict).toBe('regression');
  });

  it('does not mutate its inputs', () => {
    const left = jsonResponse({ items: [{ id: 1 }, { id: 2 }] });
    const right = jsonResponse({ items: [{ id: 2 }, { id: 1 }] });
    const snapshot = JSON.stringify([left, right]);
    createComparer(config({ rules: [{ path: '/items', unorderedBy: 'id' }] })).compare(left, right, ctx);
    expect(JSON.stringify([left, right])).toBe(snapshot);
  });
});
