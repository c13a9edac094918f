import { describe, expect, it } from 'vitest';
import { createComparer } from '../../../src/compare/comparer.js';
import { createOriginMap } from '../../../src/compare/origin-map.js';
import { createReferenceComparer } from '../../../src/compare/reference-comparer.js';
import { defaultConfig } from '../../../src/config/resolve-config.js';
import { makeBody, makeDifference } from '../../helpers/factories.js';

const ctx = { method: 'GET', route: '/get', recordedOrigin: 'http://staging:8080', candidateOrigin: 'http://127.0.0.1:41233' };
const value = (before: unknown, after: unknown) => makeDifference({ path: '/url', op: 'replace', before, after, change: 'value changed' });

describe('createOriginMap', () => {
  const map = createOriginMap(ctx)!;

  it.each([
    ['origin in a URL', 'http://staging:8080/get?a=1', 'http://127.0.0.1:41233/get?a=1'],
    ['echoed Host', 'staging:8080', '127.0.0.1:41233'],
    ['percent-encoded', 'next=http%3A%2F%2Fstaging%3A8080%2Fget', 'next=http%3A%2F%2F127.0.0.1%3A41233%2Fget'],
    ['origin and host in one line', 'at http://staging:8080/ as staging:8080\n', 'at http://127.0.0.1:41233/ as 127.0.0.1:41233\n'],
  ])('explains %s', (_, before, after) => {
    expect(map.explain(value(before, after))).toBe('origin mapping (http://127.0.0.1:41233 read as http://staging:8080)');
  });

  it.each([
    ['another path next to the origin', 'http://staging:8080/get?a=1', 'http://127.0.0.1:41233/get?a=2'],
    ['a value that never named the origin', 'one', 'two'],
    ['the same origin in the recording as well (nothing was mapped)', 'http://127.0.0.1:41233/', 'http://127.0.0.1:41233/'],
    ['non-strings', 1, 2],
  ])('does not explain %s', (_, before, after) => {
    expect(map.explain(value(before, after))).toBeNull();
  });

  it('reads the target authority as the Host the recorded request carried (a proxy that preserved it)', () => {
    const m = createOriginMap({ ...ctx, recordedHost: 'proxy.local:8080' })!;
    expect(m.explain(value('proxy.local:8080', '127.0.0.1:41233'))).toBe('origin mapping (host 127.0.0.1:41233 read as the recorded Host proxy.local:8080)');
    expect(m.explain(value('staging:8080', '127.0.0.1:41233'))).toBe('origin mapping (http://127.0.0.1:41233 read as http://staging:8080)');
  });

  it('is absent when there is nothing to map', () => {
    expect(createOriginMap({ method: 'GET', route: '/' })).toBeNull();
    expect(createOriginMap({ ...ctx, candidateOrigin: ctx.recordedOrigin })).toBeNull();
  });
});

describe('origin mapping in the comparer', () => {
  it('filters echoed values first among the filtered, exactly as the reference comparer does', () => {
    const config = defaultConfig({ compare: { ignore: ['/t'] } }).compare;
    const json = (v: unknown) => ({ status: 200, headers: [['content-type', 'application/json']] as Array<[string, string]>, body: makeBody(v) });
    const recorded = json({ url: 'http://staging:8080/x', t: 1, v: 1 });
    const candidate = json({ url: 'http://127.0.0.1:41233/x', t: 2, v: 2 });
    const fast = createComparer(config).compare(recorded, candidate, ctx);
    expect(fast.filtered.map((d) => [d.path, d.filteredBy])).toEqual([
      ['/url', 'origin mapping (http://127.0.0.1:41233 read as http://staging:8080)'],
      ['/t', 'ignore /t'],
    ]);
    expect(fast.differences.map((d) => d.path)).toEqual(['/v']);
    expect(fast).toEqual(createReferenceComparer(config).compare(recorded, candidate, ctx));
    expect(createComparer({ ...config, mapOrigins: false }).compare(recorded, candidate, ctx).differences.map((d) => d.path).sort()).toEqual(['/url', '/v']);
  });
});
