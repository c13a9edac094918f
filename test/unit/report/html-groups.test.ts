import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bodyView } from '../../../src/report/html/body-view.js';
import { createGroupAccumulator } from '../../../src/report/html/groups.js';
import { embedJson } from '../../../src/report/html/page.js';
import { signatureLabel } from '../../../src/report/format.js';
import { makeBody, makeComparison, makeDifference, makeResult } from '../../helpers/factories.js';

describe('group accumulator', () => {
  it('groups by route and signature, counting each exchange once per group', () => {
    const acc = createGroupAccumulator();
    const items = makeComparison({
      differences: [makeDifference({ path: '/items/0/id', op: 'remove', change: 'removed' }), makeDifference({ path: '/items/1/id', op: 'remove', change: 'removed' })],
      filtered: [makeDifference({ path: '/at', op: 'replace', before: 1, after: 2, change: 'value changed', filteredBy: 'ignore /at' })],
    });
    for (let i = 0; i < 4; i++) acc.add(makeResult({ verdict: 'regression', comparison: items }));
    acc.add(makeResult({ verdict: 'regression', method: 'POST' }));
    acc.add(makeResult({ verdict: 'error' }));
    acc.add(makeResult({ verdict: 'pass' }));
    const { groups } = acc.snapshot();
    expect(groups.map((g) => [g.method, g.verdict, g.label, g.exchanges, g.filteredBy])).toEqual([
      ['GET', 'regression', '/items/*/id removed', 4, undefined],
      ['GET', 'noise', '/at value changed', 4, 'ignore /at'],
      ['POST', 'regression', '/email removed', 1, undefined],
      ['GET', 'error', 'transport timeout (UND_ERR_HEADERS_TIMEOUT)', 1, undefined],
    ]);
    expect(groups[0]!.snippet).toBe('{"compare":{"routes":{"GET /users/:id":{"ignore":["/items/*/id"]}}}}');
    expect(new Set(groups.map((g) => g.id)).size).toBe(groups.length);
    // Stable ids: the same input gives the same ids (links survive `replayguard report`).
    const again = createGroupAccumulator();
    again.add(makeResult({ verdict: 'regression', comparison: items }));
    expect(again.snapshot().groups[0]!.id).toBe(groups[0]!.id);
  });

  it('keeps counts for all but only a few examples, within the budget, and says so', () => {
    const acc = createGroupAccumulator({ examplesPerGroup: 3 });
    for (let i = 0; i < 50; i++) acc.add(makeResult({ verdict: 'regression' }));
    const snap = acc.snapshot();
    expect(snap.groups[0]!.exchanges).toBe(50);
    expect(snap.groups[0]!.exampleIds).toHaveLength(3);
    expect(snap.examples).toHaveLength(3);
    expect(snap.caps).toMatchObject({ examplesPerGroup: 3, examplesNotEmbedded: 47, budgetReached: false });

    const tight = createGroupAccumulator({ budgetBytes: 5000 });
    for (let i = 0; i < 10; i++) tight.add(makeResult({ verdict: 'regression', recorded: { status: 200, headers: [], body: makeBody('x'.repeat(3000)) } }));
    expect(tight.snapshot().caps.budgetReached).toBe(true);
    expect(tight.snapshot().groups[0]!.exchanges).toBe(10);
  });

  it('labels signatures the way people read them', () => {
    expect(signatureLabel('body:/total:number → string')).toBe('/total number → string');
    expect(signatureLabel('status::404 → 500')).toBe('status 404 → 500');
    expect(signatureLabel('header:location:value changed')).toBe('header location value changed');
    expect(signatureLabel('body:/a:b:removed')).toBe('/a:b removed');
  });
});

describe('body view', () => {
  const json = [['content-type', 'application/json']] as Array<[string, string]>;
  it('decodes gzip and br, parses JSON', () => {
    const value = { hello: 'wörld' };
    for (const [enc, bytes] of [['gzip', zlib.gzipSync(JSON.stringify(value))], ['br', zlib.brotliCompressSync(JSON.stringify(value))]] as const) {
      expect(bodyView({ bytes, size: bytes.length, truncated: false }, [...json, ['Content-Encoding', enc]])).toEqual({ kind: 'json', value, size: 18, notes: [] });
    }
  });
  it('caps long bodies as text and notes it; binary becomes size and hash', () => {
    const long = bodyView(makeBody({ s: 'x'.repeat(100) }), json, { capBytes: 20 });
    expect(long).toMatchObject({ kind: 'text', text: '{"s":"xxxxxxxxxxxxxx' });
    expect(long.kind !== 'none' && long.notes.join()).toContain('capped');
    expect(bodyView(makeBody(Buffer.from([1, 2, 0, 255])), [])).toMatchObject({ kind: 'binary', size: 4, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });
  it('survives a truncated gzip stream', () => {
    const bytes = zlib.gzipSync('line one\n'.repeat(1000)).subarray(0, 60);
    const v = bodyView({ bytes, size: 9000, truncated: true }, [['content-encoding', 'gzip']]);
    expect(v.kind).toBe('text');
  });
  it('refuses a decompression bomb', () => {
    const bytes = zlib.gzipSync(Buffer.alloc(20_000_000));
    expect(bodyView({ bytes, size: bytes.length, truncated: false }, [['content-encoding', 'gzip']])).toMatchObject({ kind: 'binary' });
  });
});

describe('embedJson', () => {
  it('cannot close the script element and round-trips', () => {
    const data = { s: '</script><script>alert(1)</script><!-- \u2028\u2029 &' };
    const out = embedJson(data);
    expect(out).not.toMatch(/[<>\u2028\u2029]/);
    expect(JSON.parse(out)).toEqual(data);
  });
});
