import { describe, expect, it } from 'vitest';
import { PlaceholderMap } from '../../../src/replay/placeholder-map.js';
import type { HeaderPairs } from '../../../src/types.js';

const P1 = '[REDACTED:11111111]';
const P2 = '[REDACTED:22222222]';
const P3 = '[REDACTED:33333333]';
const json: HeaderPairs = [['content-type', 'application/json']];
const res = (body: unknown, headers: HeaderPairs = json) => {
  const bytes = Buffer.from(JSON.stringify(body));
  return { status: 200, headers, body: { bytes, size: bytes.length, truncated: false } };
};
const req = (path: string, headers: HeaderPairs = [], body: string | null = null) => ({ method: 'POST', path, headers, body: body === null ? null : Buffer.from(body) });

describe('PlaceholderMap', () => {
  it('takes a target-issued token from where the recording has its placeholder, and a session cookie from set-cookie', () => {
    const m = new PlaceholderMap(new Map());
    m.learn(res({ auth: { token: P1 } }, [...json, ['set-cookie', `sid=${P2}; Path=/`]]), res({ auth: { token: 'live/tok en' } }, [...json, ['set-cookie', 'sid=live-sid; Path=/']]));
    const r = m.resolve(req(`/tokens/${P1}?t=${P1}`, [['authorization', `Bearer ${P1}`], ['cookie', `sid=${P2}; theme=dark`]], JSON.stringify({ token: P1 })));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.request.path).toBe('/tokens/live%2Ftok%20en?t=live%2Ftok%20en');
    expect(r.request.headers).toEqual([['authorization', 'Bearer live/tok en'], ['cookie', 'sid=live-sid; theme=dark']]);
    expect(JSON.parse(r.request.body!.toString())).toEqual({ token: 'live/tok en' });
    expect(r.uses.map((u) => [u.placeholder, u.source])).toEqual([[P1, 'target'], [P2, 'target']]);
  });

  it('fills client secrets by the name they were recorded under (JSON key, form field, query name, header, cookie), in their encoding', () => {
    const m = new PlaceholderMap(new Map([['password', 'p@ss "word"'], ['apikey', 'k&1'], ['xsessionid', 'hdr'], ['sid', 'ck']]));
    const j = m.resolve(req('/login', json, JSON.stringify({ user: 'ada', Password: P1 })));
    expect(j.ok && JSON.parse(j.request.body!.toString())).toEqual({ user: 'ada', Password: 'p@ss "word"' });
    const f = m.resolve(req(`/login?api_key[]=${P2}`, [['content-type', 'application/x-www-form-urlencoded'], ['x-session-id', P3]], `user=ada&password=${P1}`));
    expect(f.ok && f.request.body!.toString()).toBe('user=ada&password=p%40ss%20%22word%22');
    expect(f.ok && f.request.path).toBe('/login?api_key[]=k%261');
    expect(f.ok && f.request.headers).toContainEqual(['x-session-id', 'hdr']);
    // The password, once supplied, also fills the same placeholder where no name says what it is.
    const again = m.resolve(req(`/check/${encodeURIComponent(P1)}`));
    expect(again.ok && again.request.path).toBe('/check/p%40ss%20%22word%22');
  });

  it('names every secret it lacks and changes nothing', () => {
    const m = new PlaceholderMap(new Map());
    const r = m.resolve(req(`/tokens/${P3}`, [['authorization', `Bearer ${P1}`]], JSON.stringify({ password: P2 })));
    expect(r).toEqual({ ok: false, missing: ['path', 'authorization', 'password'] });
    const plain = req('/x', [['accept', '*/*']], '{"a":1}');
    expect(m.resolve(plain)).toEqual({ ok: true, request: plain, uses: [] });
  });
});
