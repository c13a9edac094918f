import { describe, expect, it } from 'vitest';
import { createChangeAccumulator } from '../../../src/report/changes/change-accumulator.js';
import { crossRouteKey } from '../../../src/report/changes/change-kind.js';
import { jaccard, mixId, SKETCH_SIZE, sketchAdd, type Sketch } from '../../../src/report/changes/exchange-sketch.js';
import { makeComparison, makeDifference, makeResult } from '../../helpers/factories.js';
import { PLANTED_ORDER, plantedResults } from '../../helpers/planted-changes.js';
import { seededRandom } from '../../helpers/random.js';

function build(results = plantedResults()) {
  const acc = createChangeAccumulator();
  for (const r of results) acc.add(r);
  return acc.build();
}

function sketchOf(ids: Iterable<number>): Sketch {
  const s: Sketch = [];
  for (const id of ids) sketchAdd(s, mixId(id));
  return s;
}

describe('changes', () => {
  it('groups the planted signatures into the three planted changes, most breaking first', () => {
    const { changes, noiseChanges } = build();
    expect(changes.map((c) => c.title.slice(0, PLANTED_ORDER[changes.indexOf(c)]?.length))).toEqual([...PLANTED_ORDER]);
    const [status, ids, headers] = changes;
    expect(status).toMatchObject({ kind: 'status', routes: ['POST /login'], exchanges: 3 });
    expect(status!.signatures.map((s) => s.signature).sort()).toEqual(['body:/token:removed', 'status::200 → 500']);
    expect(ids).toMatchObject({ kind: 'structure', exchanges: 30, routes: ['GET /items/:id', 'GET /orders', 'GET /orders/:id', 'GET /users', 'GET /users/:id'] });
    expect(ids!.signatures).toHaveLength(5);
    expect(headers).toMatchObject({ kind: 'header', exchanges: 16, routes: ['GET /config', 'GET /version'] });
    expect(headers!.signatures).toHaveLength(8);
    expect(noiseChanges).toHaveLength(1);
    expect(noiseChanges[0]).toMatchObject({ title: '/updatedAt value changed', exchanges: 10 });
    expect(noiseChanges[0]!.signatures[0]!.filteredBy).toEqual(['ignore /updatedAt']);
  });

  it('gives a change the same id in another run with other counts, exchanges and order', () => {
    const first = build();
    const other = plantedResults(90_000).filter((_, i) => i % 3 !== 0).reverse();
    const second = build(other);
    expect(second.changes.map((c) => c.id).sort()).toEqual(first.changes.map((c) => c.id).sort());
    expect(new Set(first.changes.map((c) => c.id)).size).toBe(3);
    expect(first.changes[0]!.id).toMatch(/^c[0-9a-f]{10}$/);
  });

  it('keeps apart signatures that share only some exchanges, and merges nearly identical sets', () => {
    const acc = createChangeAccumulator();
    const a = makeDifference({ target: 'header', op: 'add', path: 'x-a', change: 'added' });
    const b = makeDifference({ target: 'header', op: 'add', path: 'x-b', change: 'added' });
    const c = makeDifference({ target: 'header', op: 'add', path: 'x-c', change: 'added' });
    for (let i = 0; i < 40; i++) {
      // x-a on all 40, x-b on 38 of them (Jaccard 0.95), x-c on half (0.5)
      const diffs = [a, ...(i < 38 ? [b] : []), ...(i % 2 ? [c] : [])];
      acc.add(makeResult({ exchangeId: 100 + i, verdict: 'regression', comparison: makeComparison({ differences: diffs }) }));
    }
    const { changes } = acc.build();
    expect(changes.map((x) => x.signatures.map((s) => s.signature).sort())).toEqual([
      ['header:x-a:added', 'header:x-b:added'],
      ['header:x-c:added'],
    ]);
    expect(changes[0]!.exchanges).toBe(40);
  });

  it('never merges a header change into a body change on the same exchanges, but a status change absorbs both', () => {
    const header = makeDifference({ target: 'header', op: 'add', path: 'x-a', change: 'added' });
    const body = makeDifference({ path: '/name', op: 'replace', before: 'a', after: 'b', change: 'value changed' });
    const status = makeDifference({ target: 'status', op: 'replace', path: '', before: 200, after: 404, change: '200 → 404' });
    const run = (diffs: typeof header[]) => {
      const acc = createChangeAccumulator();
      for (let i = 0; i < 5; i++) acc.add(makeResult({ exchangeId: i + 1, verdict: 'regression', comparison: makeComparison({ differences: diffs }) }));
      return acc.build().changes;
    };
    expect(run([header, body]).map((c) => c.kind)).toEqual(['value', 'header']);
    expect(run([header, body, status]).map((c) => [c.kind, c.signatures.length])).toEqual([['status', 3]]);
  });

  it('merges co-occurring body differences only when they are one kind of change, or a rename', () => {
    const run = (diffs: ReturnType<typeof makeDifference>[]) => {
      const acc = createChangeAccumulator();
      for (let i = 0; i < 4; i++) acc.add(makeResult({ exchangeId: i + 1, verdict: 'regression', comparison: makeComparison({ differences: diffs }) }));
      return acc.build().changes.map((c) => c.signatures.map((s) => s.signature).sort());
    };
    const removed = (p: string) => makeDifference({ path: p, op: 'remove', before: 1, change: 'removed' });
    const retyped = makeDifference({ path: '/createdAt', op: 'replace', before: 's', after: 1, change: 'string → number' });
    const added = makeDifference({ path: '/user_name', op: 'add', after: 'a', change: 'added' });
    expect(run([removed('/email'), retyped])).toEqual([['body:/createdAt:string → number'], ['body:/email:removed']]);
    expect(run([removed('/a'), removed('/b')])).toEqual([['body:/a:removed', 'body:/b:removed']]);
    expect(run([removed('/userName'), added])).toEqual([['body:/userName:removed', 'body:/user_name:added']]);
  });

  it('turns transport errors into a change of their own, ranked with status', () => {
    const { changes } = build([
      ...plantedResults(),
      makeResult({ exchangeId: 1, route: '/slow', verdict: 'error' }),
      makeResult({ exchangeId: 2, route: '/slow', verdict: 'error' }),
    ]);
    expect(changes.slice(0, 2).map((c) => c.title)).toEqual(['status 200 → 500, with 1 more difference always together', 'transport timeout (UND_ERR_HEADERS_TIMEOUT)']);
  });

  it('folds array wildcards so list and item routes name one field', () => {
    expect(crossRouteKey('body:/*/id:number → string')).toBe(crossRouteKey('body:/id:number → string'));
    expect(crossRouteKey('body:/items/*/id:removed')).toBe('body:/items/id:removed');
    expect(crossRouteKey('body:/*:removed')).toBe('body:/*:removed');
    expect(crossRouteKey('header:x-a:added')).not.toBe(crossRouteKey('body:/x-a:added'));
  });

  it('estimates Jaccard exactly up to the sketch size and closely past it', () => {
    const rnd = seededRandom(7);
    const a = new Set<number>();
    const b = new Set<number>();
    for (let i = 0; i < 50; i++) (rnd.next() < 0.5 ? a : b).add(i);
    for (let i = 50; i < 100; i++) {
      a.add(i);
      b.add(i);
    }
    const exact = [...a].filter((x) => b.has(x)).length / new Set([...a, ...b]).size;
    expect(jaccard(sketchOf(a), sketchOf(b))).toBe(exact);
    const big = Array.from({ length: 20_000 }, (_, i) => i);
    const est = jaccard(sketchOf(big), sketchOf(big.slice(0, 18_000)));
    expect(sketchOf(big)).toHaveLength(SKETCH_SIZE);
    expect(Math.abs(est - 0.9)).toBeLessThan(0.1);
  });
});
