import { describe, expect, it } from 'vitest';
import { createComparer } from '../../../src/compare/index.js';
import type { CompareContext } from '../../../src/compare/index.js';
import type { HeaderPairs } from '../../../src/types.js';
import { config, ctx, response } from './fixtures.js';

const headerDiffs = (left: HeaderPairs, right: HeaderPairs, cfg = config(), c: CompareContext = ctx) =>
  createComparer(cfg)
    .compare(response(null, { headers: left }), response(null, { headers: right }), c)
    .differences.filter((d) => d.target === 'header')
    .map(({ op, path, before, after, change }) => JSON.parse(JSON.stringify({ op, path, before, after, change })) as object);

describe('header comparison', () => {
  it.each<[string, HeaderPairs, HeaderPairs, object[]]>([
    ['equal', [['Content-Type', 'text/plain']], [['content-type', 'text/plain']], []],
    ['changed', [['Content-Type', 'text/plain']], [['Content-Type', 'text/html']], [
      { op: 'replace', path: 'content-type', before: 'text/plain', after: 'text/html', change: 'value changed' },
    ]],
    ['added', [], [['Location', '/next']], [{ op: 'add', path: 'location', after: '/next', change: 'added' }]],
    ['removed', [['LOCATION', '/next']], [], [{ op: 'remove', path: 'location', before: '/next', change: 'removed' }]],
    ['content-type parameters: case and spacing', [['content-type', 'application/json;charset=UTF-8']], [['content-type', 'application/json; charset=utf-8']], []],
    ['volatile and hop-by-hop headers are not compared by default',
      [['Date', 'Mon, 01 Jan 2024 00:00:00 GMT'], ['ETag', '"a"'], ['X-Request-Id', '1'], ['Connection', 'keep-alive'], ['Transfer-Encoding', 'chunked']],
      [['Date', 'Tue, 02 Jan 2024 00:00:00 GMT'], ['ETag', '"b"'], ['X-Request-Id', '2'], ['Connection', 'close']],
      []],
  ])('%s', (_name, left, right, expected) => expect(headerDiffs(left, right)).toEqual(expected));

  it('joins repeated headers with ", " before comparing', () => {
    const cfg = config({ headers: ['vary'] });
    expect(headerDiffs([['Vary', 'Accept'], ['vary', 'Origin']], [['vary', 'Accept, Origin']], cfg)).toEqual([]);
    expect(headerDiffs([['Vary', 'Accept'], ['vary', 'Origin']], [['vary', 'Origin, Accept']], cfg)).toEqual([
      { op: 'replace', path: 'vary', before: 'Accept, Origin', after: 'Origin, Accept', change: 'value changed' },
    ]);
  });

  it('compares a volatile header when it is listed', () => {
    expect(headerDiffs([['ETag', '"a"']], [['ETag', '"b"']], config({ headers: ['ETag'] }))).toMatchObject([{ path: 'etag' }]);
  });

  it('ignoreHeaders wins over the list, case-insensitively', () => {
    const cfg = config({ ignoreHeaders: ['Content-Type'] });
    expect(headerDiffs([['content-type', 'a/b']], [['content-type', 'c/d']], cfg)).toEqual([]);
  });

  it('a route list replaces the global list; route ignoreHeaders add to the global ones', () => {
    const cfg = config({
      headers: ['content-type', 'location'],
      routes: {
        'GET /users/:id': { headers: ['cache-control', 'location'], ignoreHeaders: ['location'] },
      },
    });
    const left: HeaderPairs = [['content-type', 'a/b'], ['cache-control', 'no-store'], ['location', '/a']];
    const right: HeaderPairs = [['content-type', 'c/d'], ['cache-control', 'max-age=60'], ['location', '/b']];
    expect(headerDiffs(left, right, cfg).map((d) => (d as { path: string }).path)).toEqual(['cache-control']);
    // another route keeps the global list
    expect(headerDiffs(left, right, cfg, { method: 'GET', route: '/other' }).map((d) => (d as { path: string }).path)).toEqual(['content-type', 'location']);
  });

  describe('location origin normalisation', () => {
    const origins: CompareContext = { ...ctx, recordedOrigin: 'http://staging:8080', candidateOrigin: 'http://127.0.0.1:3000' };
    it.each<[string, string, string, boolean]>([
      ['absolute redirect to the target equals the recorded one', 'http://staging:8080/users/1?x=1#f', 'http://127.0.0.1:3000/users/1?x=1#f', true],
      ['host case and default-port spelling do not matter', 'http://staging:8080/a', 'HTTP://127.0.0.1:3000/a', true],
      ['a different path is still a difference', 'http://staging:8080/users/1', 'http://127.0.0.1:3000/users/2', false],
      ['a redirect elsewhere is not rewritten', 'http://staging:8080/a', 'http://evil.example/a', false],
      ['relative redirects compare as they are', '/a', '/a', true],
      ['the recorded side is never rewritten', 'http://127.0.0.1:3000/a', 'http://127.0.0.1:3000/a', false],
    ])('%s', (_name, recorded, candidate, equal) => {
      const diffs = headerDiffs([['Location', recorded]], [['Location', candidate]], config(), origins);
      expect(diffs.length === 0).toBe(equal);
    });

    it('reports the rewritten value so the difference reads against the recording', () => {
      expect(headerDiffs([['location', 'http://staging:8080/a']], [['location', 'http://127.0.0.1:3000/b']], config(), origins)).toEqual([
        { op: 'replace', path: 'location', before: 'http://staging:8080/a', after: 'http://staging:8080/b', change: 'value changed' },
      ]);
    });

    it('leaves location alone without both origins', () => {
      expect(headerDiffs([['location', 'http://staging:8080/a']], [['location', 'http://127.0.0.1:3000/a']])).toHaveLength(1);
    });
  });
});
