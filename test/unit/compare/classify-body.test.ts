import { describe, expect, it } from 'vitest';
import { classifyBody } from '../../../src/compare/index.js';
import type { HeaderPairs } from '../../../src/types.js';

const ct = (type: string): HeaderPairs => [['Content-Type', type]];

describe('classifyBody', () => {
  it.each<[string, HeaderPairs, Buffer | string, string, unknown?]>([
    ['application/json', ct('application/json'), '{"a":1}', 'json', { a: 1 }],
    ['json with charset', ct('application/json; charset=utf-8'), '[1,2]', 'json', [1, 2]],
    ['+json suffix', ct('application/problem+json'), '{"title":"x"}', 'json', { title: 'x' }],
    ['JSON scalar under a JSON type', ct('application/json'), '42', 'json', 42],
    ['JSON null', ct('application/json'), 'null', 'json', null],
    ['sniffed object without a type', [], '  {"a":[]}', 'json', { a: [] }],
    ['sniffed array under text/plain', ct('text/plain'), '[1]', 'json', [1]],
    ['BOM before JSON', ct('application/json'), '\ufeff{"a":1}', 'json', { a: 1 }],
    ['scalar is not sniffed', [], '42', 'text'],
    ['brace that does not parse', [], '{not json', 'text'],
    ['html', ct('text/html'), '<p>hi</p>', 'text'],
    ['xml', ct('application/xml'), '<a/>', 'text'],
    ['+xml', ct('application/atom+xml'), '<feed/>', 'text'],
    ['form', ct('application/x-www-form-urlencoded'), 'a=1&b=2', 'text'],
    ['javascript', ct('application/javascript'), 'let a = 1', 'text'],
    ['untyped UTF-8', [], 'héllo wörld', 'text'],
    ['latin1 declared', ct('text/plain; charset=iso-8859-1'), Buffer.from([0x68, 0xe9]), 'text'],
    ['NUL byte', [], Buffer.from([0x61, 0x00, 0x62]), 'binary'],
    ['invalid UTF-8', ct('application/octet-stream'), Buffer.from([0xff, 0xfe, 0x00]), 'binary'],
    ['png', ct('image/png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00]), 'binary'],
  ])('%s → %s', (_name, headers, body, kind, value) => {
    const out = classifyBody(headers, Buffer.isBuffer(body) ? body : Buffer.from(body));
    expect(out.kind).toBe(kind);
    if (out.kind === 'json') expect(out.value).toEqual(value);
  });

  it('compares invalid JSON under a JSON type as text, with a note', () => {
    const out = classifyBody(ct('application/json'), Buffer.from('{"a":'));
    expect(out).toEqual({ kind: 'text', text: '{"a":', note: 'invalid JSON under application/json compared as text' });
  });

  it('decodes a declared non-UTF-8 charset', () => {
    const out = classifyBody(ct('text/plain; charset=ISO-8859-1'), Buffer.from([0x63, 0x61, 0x66, 0xe9]));
    expect(out).toEqual({ kind: 'text', text: 'café' });
  });

  it('treats an empty body as empty text, even under a JSON type', () => {
    expect(classifyBody(ct('application/json'), Buffer.alloc(0))).toEqual({ kind: 'text', text: '' });
  });
});
