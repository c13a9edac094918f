import { describe, expect, it } from 'vitest';
import { IdMap } from '../../../src/replay/id-map.js';
import type { HeaderPairs } from '../../../src/types.js';

const json: HeaderPairs = [['content-type', 'application/json']];
const res = (status: number, body: unknown, headers: HeaderPairs = json) => {
  const bytes = Buffer.from(JSON.stringify(body));
  return { status, headers, body: { bytes, size: bytes.length, truncated: false } };
};
const A = '6f1c2d3e-0000-4000-8000-000000000001';
const B = '9a8b7c6d-1111-4111-8111-000000000002';

describe('IdMap', () => {
  it('learns the top-level identity and rewrites path, query and JSON bodies, reporting what it mapped', () => {
    const m = new IdMap();
    m.learn(res(201, { id: A, ownerId: 'user-000001' }), res(201, { id: B, ownerId: 'user-000002' }), 'POST /things');
    expect(m.size).toBe(1);
    const before = { method: 'PUT', path: `/things/${A}?ref=${A}&owner=user-000001`, headers: [...json, ['content-length', '99']] as HeaderPairs, body: Buffer.from(JSON.stringify({ id: A, list: [A, 'keep'], ownerId: 'user-000001' })) };
    const r = m.rewriteRequest(before);
    expect(r.path).toBe(`/things/${B}?ref=${B}&owner=user-000001`);
    expect(JSON.parse(r.body!.toString())).toEqual({ id: B, list: [B, 'keep'], ownerId: 'user-000001' });
    expect(r.headers.find(([k]) => k === 'content-length')).toBeUndefined();
    expect(m.mappingsIn(before, r)).toEqual([{ from: A, to: B, learnedAt: 'POST /things /id' }]);
  });

  it('maps the ids of a top-level array, never nested ids or references unless configured', () => {
    const C = '0c0c0c0c-2222-4222-8222-000000000003';
    const D = '0d0d0d0d-3333-4333-8333-000000000004';
    const rec = [{ id: A, category: { id: C }, tags: [{ id: C }] }];
    const cand = [{ id: B, category: { id: D }, tags: [{ id: D }] }];
    const plain = new IdMap();
    plain.learn(res(201, rec), res(201, cand));
    expect(plain.size).toBe(1);
    expect(plain.rewriteRequest({ method: 'GET', path: `/categories/${C}`, headers: [], body: null }).path).toBe(`/categories/${C}`);
    const configured = new IdMap(['/*/category/id']);
    configured.learn(res(201, rec), res(201, cand));
    expect(configured.size).toBe(2);
    expect(configured.rewriteRequest({ method: 'GET', path: `/categories/${C}`, headers: [], body: null }).path).toBe(`/categories/${D}`);
  });

  it('reads the candidate ids back as the recorded ones, in bodies and Location', () => {
    const m = new IdMap();
    m.learn(res(201, { id: A }, [...json, ['location', `/things/${A}`]]), res(201, { id: B }, [...json, ['location', `/things/${B}`]]));
    const t = m.translateResponse(res(200, { id: B, name: 'x' }, [...json, ['location', `/things/${B}`]]));
    expect(JSON.parse(t.body.bytes!.toString())).toEqual({ id: A, name: 'x' });
    expect(t.headers.find(([k]) => k === 'location')![1]).toBe(`/things/${A}`);
  });

  it('never maps short values, references, errors or non-JSON bodies', () => {
    const m = new IdMap();
    m.learn(res(201, { id: 7 }), res(201, { id: 8 }));
    m.learn(res(201, { userId: A }), res(201, { userId: B }));
    m.learn(res(400, { id: A }), res(201, { id: B }));
    m.learn({ status: 201, headers: [['content-type', 'text/plain']], body: { bytes: Buffer.from(A), size: 36, truncated: false } }, { status: 201, headers: [['content-type', 'text/plain']], body: { bytes: Buffer.from(B), size: 36, truncated: false } });
    expect(m.size).toBe(0);
    const req = { method: 'GET', path: '/users/7', headers: [], body: null };
    expect(m.rewriteRequest(req)).toBe(req);
  });
});
