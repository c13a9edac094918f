import { describe, expect, it } from 'vitest';
import { compare } from '../../../src/compare/index.js';
import type { HeaderPairs } from '../../../src/types.js';
import { ctx, response } from './fixtures.js';

const text: HeaderPairs = [['content-type', 'text/plain']];
const bin: HeaderPairs = [['content-type', 'application/octet-stream']];

describe('text bodies: one difference per changed hunk', () => {
  it.each<[string, string, string, Array<{ path: string; change: string; before?: string; after?: string }>]>([
    ['equal', 'a\nb\n', 'a\nb\n', []],
    ['one line changed', 'a\nb\nc\n', 'a\nB\nc\n', [{ path: 'line 2', change: 'line changed', before: 'b\n', after: 'B\n' }]],
    ['lines added in the middle', 'a\nc\n', 'a\nb1\nb2\nc\n', [{ path: 'line 2', change: 'lines added', after: 'b1\nb2\n' }]],
    ['lines removed at the end', 'a\nb\nc\n', 'a\n', [{ path: 'line 2', change: 'lines removed', before: 'b\nc\n' }]],
    ['two hunks', 'a\nb\nc\nd\ne\n', 'A\nb\nc\nd\nE\n', [
      { path: 'line 1', change: 'line changed', before: 'a\n', after: 'A\n' },
      { path: 'line 5', change: 'line changed', before: 'e\n', after: 'E\n' },
    ]],
    ['line numbers stay in recorded coordinates after an insertion', 'a\nb\nc\n', 'x\na\nb\nC\n', [
      { path: 'line 1', change: 'lines added', after: 'x\n' },
      { path: 'line 3', change: 'line changed', before: 'c\n', after: 'C\n' },
    ]],
    ['text from nothing', '', 'hello\n', [{ path: 'line 1', change: 'lines added', after: 'hello\n' }]],
  ])('%s', (_name, left, right, expected) => {
    const result = compare(response(left, { headers: text }), response(right, { headers: text }), ctx);
    expect(result.differences.map(({ path, change, before, after }) => JSON.parse(JSON.stringify({ path, change, before, after })))).toEqual(expected);
    for (const d of result.differences) expect(d).toMatchObject({ target: 'body', op: 'replace' });
  });

  it('folds line numbers in signatures', () => {
    const [d] = compare(response('a\nb\n', { headers: text }), response('a\nc\n', { headers: text }), ctx).differences;
    expect(d?.signature).toBe('body:line *:line changed');
  });

  it('lists at most 50 hunks and notes the rest', () => {
    const left = Array.from({ length: 200 }, (_, i) => `line ${i}\nsame\n`).join('');
    const right = Array.from({ length: 200 }, (_, i) => `LINE ${i}\nsame\n`).join('');
    const result = compare(response(left, { headers: text }), response(right, { headers: text }), ctx);
    expect(result.differences).toHaveLength(50);
    expect(result.notes).toContain('150 more changed text hunks not listed');
  });

  it('compares a JSON body that became HTML as text, and says so', () => {
    const result = compare(
      response('{"a":1}', { headers: [['content-type', 'application/json']] }),
      response('<h1>oops</h1>', { headers: [['content-type', 'text/html']] }),
      ctx,
    );
    expect(result.verdict).toBe('regression');
    expect(result.differences).toMatchObject([
      { target: 'header', path: 'content-type', change: 'value changed' },
      { target: 'body', path: 'line 1', change: 'line changed' },
    ]);
    expect(result.notes).toContain('recorded body is json, candidate body is text; compared as text');
  });

  it('compares invalid JSON under application/json as text with a note', () => {
    const h: HeaderPairs = [['content-type', 'application/json']];
    const result = compare(response('{"a":1', { headers: h }), response('{"a":2', { headers: h }), ctx);
    expect(result.differences).toMatchObject([{ path: 'line 1', change: 'line changed', before: '{"a":1', after: '{"a":2' }]);
    expect(result.notes).toEqual([
      'recorded invalid JSON under application/json compared as text',
      'candidate invalid JSON under application/json compared as text',
    ]);
  });
});

describe('binary bodies: size and hash', () => {
  it('reports bytes changed with size and sha256', () => {
    const a = Buffer.from([0, 1, 2, 3]);
    const b = Buffer.from([0, 1, 2, 4, 5]);
    const result = compare(response(a, { headers: bin }), response(b, { headers: bin }), ctx);
    expect(result.differences).toEqual([
      {
        target: 'body',
        op: 'replace',
        path: '',
        change: 'bytes changed',
        before: { size: 4, sha256: '054edec1d0211f624fed0cbca9d4f9400b0e491c43742af2c5b0abebf0c990d8' },
        after: { size: 5, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown },
        signature: 'body::bytes changed',
      },
    ]);
  });

  it('equal binary bodies pass', () => {
    const a = Buffer.from([0, 0xff, 0]);
    expect(compare(response(a, { headers: bin }), response(Buffer.from(a), { headers: bin }), ctx).verdict).toBe('pass');
  });

  it('empty and absent bodies equal each other', () => {
    expect(compare(response(null), response(''), ctx).verdict).toBe('pass');
    const empty = compare(response('', { headers: [['content-type', 'application/json']] }), response(null, { headers: bin }), ctx);
    expect(empty.differences.filter((d) => d.target === 'body')).toEqual([]);
  });
});
