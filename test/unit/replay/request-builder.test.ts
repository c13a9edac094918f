import { describe, expect, it } from 'vitest';
import { createRequestBuilder, expandEnv } from '../../../src/replay/request-builder.js';
import type { Exchange, HeaderPairs } from '../../../src/types.js';

function exchange(headers: HeaderPairs, body: Buffer | null = null, method = 'POST'): Exchange {
  return {
    id: 1, sessionId: 1, seq: 1, startedAt: 0, upstream: 'http://staging:8080', route: '/x',
    request: { method, url: '/x?y=1', headers, body: { bytes: body, size: body?.length ?? 0, truncated: false } },
    response: null, timing: { ttfbMs: null, totalMs: 1 }, failure: null,
  };
}

function build(headers: Record<string, string> = {}) {
  return { b: createRequestBuilder({ headers }) };
}

describe('request builder', () => {
  it('drops hop-by-hop headers, host, content-length and expect; keeps the rest in order with their case', () => {
    const { b } = build();
    const out = b(exchange([
      ['Host', 'staging:8080'], ['Connection', 'keep-alive'], ['Keep-Alive', 'timeout=5'], ['Proxy-Connection', 'x'], ['TE', 'trailers'],
      ['Trailer', 'x'], ['Transfer-Encoding', 'chunked'], ['Upgrade', 'h2c'], ['Content-Length', '4'], ['Expect', '100-continue'],
      ['Content-Type', 'application/json'], ['X-Trace', 'a'], ['x-trace', 'b'],
    ], Buffer.from('{"a":1}')));
    expect(out.headers).toEqual([['Content-Type', 'application/json'], ['X-Trace', 'a'], ['x-trace', 'b']]);
    expect(out).toMatchObject({ method: 'POST', path: '/x?y=1' });
    expect(out.body!.toString()).toBe('{"a":1}');
  });

  it('overrides replace the recorded header whatever its case', () => {
    const { b } = build({ Authorization: 'Bearer fresh', 'X-Env': 'ci' });
    const out = b(exchange([['authorization', 'Bearer old'], ['accept', '*/*']]));
    expect(out.headers).toEqual([['accept', '*/*'], ['Authorization', 'Bearer fresh'], ['X-Env', 'ci']]);
  });

  it('keeps placeholders for the placeholder map to resolve; an override replaces the header', () => {
    const { b } = build();
    const P = '[REDACTED:0123abcd]';
    expect(b(exchange([['authorization', `Bearer ${P}`], ['accept', 'x']])).headers).toEqual([['authorization', `Bearer ${P}`], ['accept', 'x']]);
    expect(build({ authorization: 'Bearer t' }).b(exchange([['Authorization', `Bearer ${P}`]])).headers).toEqual([['authorization', 'Bearer t']]);
  });

  it('a GET without body sends none', () => {
    expect(build().b(exchange([], null, 'GET')).body).toBeNull();
  });
});

describe('expandEnv', () => {
  it.each([
    ['Bearer ${TOKEN}', { TOKEN: 'abc' }, 'Bearer abc', []],
    ['${A}-${B}', { A: '1', B: '2' }, '1-2', []],
    ['Bearer ${NOPE}', {}, 'Bearer ', ['NOPE']],
    ['$TOKEN and ${not valid}', { TOKEN: 'x' }, '$TOKEN and ${not valid}', []],
    ['${EMPTY}', { EMPTY: '' }, '', []],
  ] as const)('%s', (input, env, value, missing) => {
    expect(expandEnv(input, env)).toEqual({ value, missing: [...missing] });
  });
});
