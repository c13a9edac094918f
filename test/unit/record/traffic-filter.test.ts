import { describe, expect, it } from 'vitest';
import { createTrafficFilter } from '../../../src/record/traffic-filter.js';

const never = (): number => {
  throw new Error('random() must not be called when the answer does not depend on it');
};

describe('traffic filter', () => {
  it('records everything by default without drawing random numbers', () => {
    const f = createTrafficFilter({ include: [], exclude: [], sample: 1, random: never });
    expect(f.accepts('GET', '/anything?x=1')).toBe(true);
    expect(f.accepts('DELETE', '/')).toBe(true);
  });

  const table: Array<[string, { include?: string[]; exclude?: string[] }, string, string, boolean]> = [
    ['method and path', { include: ['GET /api/**'] }, 'GET', '/api/users/1', true],
    ['other method', { include: ['GET /api/**'] }, 'POST', '/api/users', false],
    ['outside the path', { include: ['GET /api/**'] }, 'GET', '/health', false],
    ['** matches the folder itself', { include: ['GET /api/**'] }, 'GET', '/api', true],
    ['query ignored', { include: ['GET /api/*'] }, 'GET', '/api/users?x=/deep/path', true],
    ['* is one segment', { include: ['/api/*'] }, 'GET', '/api/users/1', false],
    ['path only, any method', { include: ['/api/**'] }, 'PATCH', '/api/x', true],
    ['several methods', { include: ['GET,HEAD /x'] }, 'HEAD', '/x', true],
    ['several methods, other', { include: ['GET,HEAD /x'] }, 'PUT', '/x', false],
    ['lower-case method in pattern', { include: ['post /api/**'] }, 'POST', '/api/a', true],
    ['* method', { include: ['* /api/**'] }, 'OPTIONS', '/api/a', true],
    ['exclude path, any method', { exclude: ['/health'] }, 'GET', '/health', false],
    ['exclude does not hit others', { exclude: ['/health'] }, 'GET', '/healthz', true],
    ['exclude with query', { exclude: ['/health'] }, 'GET', '/health?deep=1', false],
    ['exclude by method only', { exclude: ['DELETE /**'] }, 'DELETE', '/api/users/1', false],
    ['exclude by method, other method', { exclude: ['DELETE /**'] }, 'GET', '/api/users/1', true],
    ['exclude wins over include', { include: ['/api/**'], exclude: ['/api/internal/**'] }, 'GET', '/api/internal/x', false],
    ['include still applies', { include: ['/api/**'], exclude: ['/api/internal/**'] }, 'GET', '/api/public', true],
    ['dot files match', { include: ['/**'] }, 'GET', '/.well-known/x', true],
    ['several includes', { include: ['/a/**', '/b/**'] }, 'GET', '/b/1', true],
  ];
  it.each(table)('%s', (_name, patterns, method, url, expected) => {
    const f = createTrafficFilter({ include: patterns.include ?? [], exclude: patterns.exclude ?? [], sample: 1, random: never });
    expect(f.accepts(method, url)).toBe(expected);
  });

  it('samples with the injected random source, after the patterns', () => {
    const draws = [0.1, 0.6, 0.49, 0.5, 0.99];
    let calls = 0;
    const f = createTrafficFilter({ include: ['/api/**'], exclude: [], sample: 0.5, random: () => draws[calls++]! });
    expect(f.accepts('GET', '/other')).toBe(false);
    expect(calls).toBe(0);
    expect(draws.map(() => f.accepts('GET', '/api/x'))).toEqual([true, false, true, false, false]);
    expect(calls).toBe(5);
  });

  it('records nothing at sample 0', () => {
    const f = createTrafficFilter({ include: [], exclude: [], sample: 0, random: () => 0 });
    expect(f.accepts('GET', '/')).toBe(false);
  });

  it('records about the sampled fraction with the default random source', () => {
    const f = createTrafficFilter({ include: [], exclude: [], sample: 0.25 });
    let n = 0;
    for (let i = 0; i < 20_000; i++) if (f.accepts('GET', `/x/${i}`)) n++;
    // 20,000 draws: the standard deviation is ~61, so ±600 is a 10-sigma band.
    expect(n).toBeGreaterThan(4400);
    expect(n).toBeLessThan(5600);
  });
});
