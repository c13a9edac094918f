import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createComparer, type ComparableResponse } from '../../../src/compare/index.js';
import { compareSchema, configSchema, type Config } from '../../../src/config/schema.js';
import { NoiseLearner } from '../../../src/noise/noise-learner.js';
import type { Comparison, HeaderPairs } from '../../../src/types.js';

/**
 * NoiseLearner on tables of (recorded, baseline, candidate) triples. Differences come from the real
 * comparer on small JSON bodies, as in a replay; every header is compared, as while learning.
 */
const comparer = createComparer(compareSchema.parse({ headers: ['content-type', 'location', '*'] }));
const ctx = { method: 'GET', route: '/things/:id' };

interface Side {
  body: unknown;
  status?: number;
  headers?: HeaderPairs;
}
type Triple = [recorded: unknown | Side, baseline: unknown | Side, candidate: unknown | Side];

const isSide = (v: unknown): v is Side => typeof v === 'object' && v !== null && 'body' in v;
function response(v: unknown): ComparableResponse {
  const s: Side = isSide(v) ? v : { body: v };
  const bytes = Buffer.from(JSON.stringify(s.body));
  return { status: s.status ?? 200, headers: [['content-type', 'application/json'], ...(s.headers ?? [])], body: { bytes, size: bytes.length, truncated: false } };
}

const noiseConfig = (over: Partial<Config['noise']> = {}): Config['noise'] => ({ ...configSchema.parse({}).noise, ...over });

/** Observe every triple, decide, then re-classify each candidate comparison. */
function learn(triples: readonly Triple[], over: Partial<Config['noise']> = {}, extraTotal = 0) {
  const learner = new NoiseLearner(noiseConfig(over), 'baseline');
  const comparisons: Comparison[] = [];
  for (const [rec, base, cand] of triples) {
    const c = comparer.compare(response(rec), response(cand), ctx);
    const b = comparer.compare(response(rec), response(base), ctx);
    learner.observe(ctx.method, ctx.route, c.differences, [...b.differences, ...b.filtered]);
    comparisons.push(c);
  }
  // Exchanges on the route where nothing differed: they only grow `total`.
  for (let i = 0; i < extraTotal; i++) learner.observe(ctx.method, ctx.route, [], []);
  const model = learner.finish();
  const applied = comparisons.map((c, i) => model.apply({ ...ctx, exchangeId: i + 1 }, c));
  return { verdicts: applied.map((c) => c.verdict), applied, learned: model.learned() };
}

/** `n` exchanges where a plain (formatless) value differs on the candidate and on the baseline in `noise` of them. */
function counted(raw: number, noise: number): Triple[] {
  return Array.from({ length: Math.max(raw, noise) }, (_, i): Triple => [{ v: 'r' }, { v: i < noise ? `b${i}` : 'r' }, { v: i < raw ? `c${i}` : 'r' }]);
}

const verdictOfRaw = (v: string[]): string => (v.includes('regression') ? 'regression' : v.every((x) => x === 'pass') ? 'pass' : 'noise');

describe('NoiseLearner: Diffy thresholds', () => {
  // The thresholds on their own: the significance test (next block) is switched off here.
  const noTest = { significance: 1 };
  // relative = (raw − noise) / (raw + noise), regression when > 0.20 (and the absolute test passes).
  it.each([
    { raw: 6, noise: 4, relative: '2/10 = 0.20', expected: 'noise' },
    { raw: 7, noise: 4, relative: '3/11 ≈ 0.27', expected: 'regression' },
    { raw: 3, noise: 2, relative: '1/5 = 0.20', expected: 'noise' },
    { raw: 6, noise: 6, relative: '0', expected: 'noise' },
    { raw: 4, noise: 6, relative: '< 0', expected: 'noise' },
    { raw: 5, noise: 0, relative: 'never seen on the baseline', expected: 'regression' },
  ])('raw $raw, noise $noise ($relative) → $expected', ({ raw, noise, expected }) => {
    expect(verdictOfRaw(learn(counted(raw, noise), noTest).verdicts)).toBe(expected);
  });

  it('the relative threshold is configurable', () => {
    // 3/11 ≈ 0.27: a regression at 0.2, noise at 0.3.
    expect(verdictOfRaw(learn(counted(7, 4), { ...noTest, relativeThreshold: 0.3 }).verdicts)).toBe('noise');
    expect(verdictOfRaw(learn(counted(7, 4), { ...noTest, relativeThreshold: 0.25 }).verdicts)).toBe('regression');
  });

  // absolute = (raw − noise) / total, regression when > 0.0003 (and the relative test passes).
  it('absolute threshold 0.03% at its boundary (total 10,000 exchanges on the route)', () => {
    expect(verdictOfRaw(learn(counted(4, 1), noTest, 10_000 - 4).verdicts)).toBe('noise'); // 3/10000 = 0.0003
    expect(verdictOfRaw(learn(counted(5, 1), noTest, 10_000 - 5).verdicts)).toBe('regression'); // 4/10000
  });

  it('the absolute threshold is configurable', () => {
    // raw 4, noise 1: relative 0.6; absolute 3/total.
    expect(verdictOfRaw(learn(counted(4, 1), { ...noTest, absoluteThreshold: 0.1 }, 30 - 4).verdicts)).toBe('noise'); // 3/30 = 0.1
    expect(verdictOfRaw(learn(counted(4, 1), { ...noTest, absoluteThreshold: 0.1 }, 29 - 4).verdicts)).toBe('regression'); // 3/29
  });
});

describe('NoiseLearner: the excess must be unlikely by chance', () => {
  it('six exchanges: a shuffled list the baseline matched three times is noise, not a 33% excess', () => {
    // raw 6, noise 3 of 6: relative 3/9 = 0.33 clears Diffy's 20%, but p ≈ 0.09.
    expect(verdictOfRaw(learn(counted(6, 3)).verdicts)).toBe('noise');
    expect(verdictOfRaw(learn(counted(6, 3), { significance: 1 }).verdicts)).toBe('regression');
  });

  it('a real excess on a sometimes-noisy key is still caught when the evidence is there', () => {
    // 40 exchanges: the baseline varies in 4, the candidate in all 40 (p ≪ 0.05).
    expect(verdictOfRaw(learn(counted(40, 4)).verdicts)).toBe('regression');
  });

  it('keys the baseline never showed varying are regressions however few the samples', () => {
    expect(verdictOfRaw(learn(counted(1, 0)).verdicts)).toBe('regression');
  });

  it('keys are per route and folded pointer: a noisy /items/0/v makes /items/5/v noisy, not /other', () => {
    const triples: Triple[] = Array.from({ length: 5 }, (_, i): Triple => [
      { items: [{ v: 'r' }, { v: 'r' }, { v: 'r' }, { v: 'r' }, { v: 'r' }, { v: 'r' }], other: 'o' },
      { items: [{ v: `b${i}` }, { v: 'r' }, { v: 'r' }, { v: 'r' }, { v: 'r' }, { v: 'r' }], other: 'o' },
      { items: [{ v: 'r' }, { v: 'r' }, { v: 'r' }, { v: 'r' }, { v: 'r' }, { v: `c${i}` }], other: i === 0 ? 'changed' : 'o' },
    ]);
    const { applied, learned } = learn(triples);
    expect(applied[0]!.differences.map((d) => d.path)).toEqual(['/other']);
    for (const c of applied.slice(1)) expect(c.verdict).toBe('noise');
    expect(learned.map((n) => n.path)).toEqual(['/items/*/v']);
  });
});

describe('NoiseLearner: typed noise', () => {
  const iso = (ms: number): string => new Date(1_700_000_000_000 + ms).toISOString();
  const table: Array<{ name: string; triples: Triple[]; expected: 'noise' | 'regression' }> = [
    {
      name: 'a uuid that stays a uuid is noise',
      triples: Array.from({ length: 5 }, (): Triple => [{ id: randomUUID() }, { id: randomUUID() }, { id: randomUUID() }]),
      expected: 'noise',
    },
    {
      name: 'a uuid that becomes a plain string is a regression',
      triples: Array.from({ length: 5 }, (_, i): Triple => [{ id: randomUUID() }, { id: randomUUID() }, { id: `user-${i}` }]),
      expected: 'regression',
    },
    {
      name: 'an ISO timestamp that stays ISO is noise',
      triples: Array.from({ length: 5 }, (_, i): Triple => [{ at: iso(i) }, { at: iso(1000 + i) }, { at: iso(2000 + i) }]),
      expected: 'noise',
    },
    {
      name: 'an ISO timestamp that becomes an epoch number is a regression',
      triples: Array.from({ length: 5 }, (_, i): Triple => [{ at: iso(i) }, { at: iso(1000 + i) }, { at: 1_700_000_002_000 + i }]),
      expected: 'regression',
    },
    {
      name: 'a varying number that stays a number is noise',
      triples: Array.from({ length: 5 }, (_, i): Triple => [{ n: i }, { n: 100 + i }, { n: 200 + i }]),
      expected: 'noise',
    },
    {
      name: 'a number that becomes a string on a noisy field is a regression',
      triples: Array.from({ length: 5 }, (_, i): Triple => [{ n: i }, { n: 100 + i }, { n: String(200 + i) }]),
      expected: 'regression',
    },
    {
      name: 'a field removed on the candidate while the baseline only changed its value is a regression',
      triples: Array.from({ length: 5 }, (_, i): Triple => [{ a: 1, x: `r${i}` }, { a: 1, x: `b${i}` }, { a: 1 }]),
      expected: 'regression',
    },
    {
      name: 'a field removed on the candidate while the baseline never touched it is a regression',
      triples: Array.from({ length: 5 }, (): Triple => [{ a: 1, x: 1 }, { a: 1, x: 1 }, { a: 1 }]),
      expected: 'regression',
    },
    {
      name: 'a field the baseline also sometimes drops is noise when the candidate drops it',
      triples: Array.from({ length: 6 }, (_, i): Triple => [{ a: 1, x: 1 }, i % 2 ? { a: 1 } : { a: 1, x: 1 }, i % 2 ? { a: 1, x: 1 } : { a: 1 }]),
      expected: 'noise',
    },
    {
      name: 'a field the baseline sometimes adds is noise when the candidate adds it',
      triples: Array.from({ length: 6 }, (_, i): Triple => [{ a: 1 }, i % 2 ? { a: 1, debug: 'b' } : { a: 1 }, i % 2 ? { a: 1 } : { a: 1, debug: 'c' }]),
      expected: 'noise',
    },
    {
      name: 'a field added on the candidate where the baseline only removed is a regression',
      triples: Array.from({ length: 6 }, (_, i): Triple => [{ a: 1, x: 1 }, i % 2 ? { a: 1 } : { a: 1, x: 1 }, { a: 1, x: 1, y: 2 }]),
      expected: 'regression',
    },
  ];
  it.each(table)('$name', ({ triples, expected }) => {
    const { verdicts } = learn(triples);
    expect(verdictOfRaw(verdicts)).toBe(expected);
    if (expected === 'regression') expect(verdicts.filter((v) => v === 'noise')).toEqual([]);
  });

  it('timestamps with few samples stay noise even past the rates (volatile formats vary by nature)', () => {
    // The baseline's clock ticked in 1 exchange of 5, the candidate's in 5: relative 4/6 > 0.2.
    const triples = Array.from({ length: 5 }, (_, i): Triple => [{ at: iso(0) }, { at: i === 0 ? iso(1) : iso(0) }, { at: iso(10 + i) }]);
    expect(verdictOfRaw(learn(triples).verdicts)).toBe('noise');
  });

  it('learned noise lists route, path, kind, source, exchanges affected and example values', () => {
    const { learned } = learn(Array.from({ length: 4 }, (): Triple => [{ id: randomUUID() }, { id: randomUUID() }, { id: randomUUID() }]));
    expect(learned).toHaveLength(1);
    expect(learned[0]).toMatchObject({ method: 'GET', route: '/things/:id', target: 'body', path: '/id', source: 'baseline', exchanges: 4 });
    expect(learned[0]!.kind).toMatch(/uuid/);
    expect(learned[0]!.examples.length).toBeGreaterThan(0);
  });

  it('a key the baseline showed as noise but the candidate never hit is not listed', () => {
    const { learned } = learn(Array.from({ length: 4 }, (_, i): Triple => [{ v: 'r' }, { v: `b${i}` }, { v: 'r' }]));
    expect(learned).toEqual([]);
  });
});

describe('NoiseLearner: headers', () => {
  const h = (body: unknown, headers: HeaderPairs): Side => ({ body, headers });
  it('a header varying on the baseline too (etag, x-request-id) is learned as noise', () => {
    const triples = Array.from({ length: 5 }, (_, i): Triple => [h({}, [['etag', '"r"'], ['x-request-id', `r${i}`]]), h({}, [['etag', '"b"'], ['x-request-id', `b${i}`]]), h({}, [['etag', '"c"'], ['x-request-id', `c${i}`]])]);
    const { verdicts, learned } = learn(triples);
    expect(new Set(verdicts)).toEqual(new Set(['noise']));
    expect(learned.filter((n) => n.target === 'header').map((n) => n.path).sort()).toEqual(['etag', 'x-request-id']);
  });

  it('a header that changes only on the candidate is a regression', () => {
    const triples = Array.from({ length: 5 }, (): Triple => [h({}, [['cache-control', 'max-age=60']]), h({}, [['cache-control', 'max-age=60']]), h({}, [['cache-control', 'no-store']])]);
    const { applied } = learn(triples);
    for (const c of applied) expect(c.differences.map((d) => d.signature)).toEqual(['header:cache-control:value changed']);
  });

  it('a header the candidate drops while the baseline only varies it is a regression', () => {
    const triples = Array.from({ length: 5 }, (_, i): Triple => [h({}, [['x-trace', `r${i}`]]), h({}, [['x-trace', `b${i}`]]), h({}, [])]);
    expect(verdictOfRaw(learn(triples).verdicts)).toBe('regression');
  });

  it('a status change is never learned away when the baseline kept the status', () => {
    const triples = Array.from({ length: 5 }, (_, i): Triple => [{ body: { id: `r${i}` } }, { body: { id: `b${i}` } }, { body: { id: `c${i}` }, status: 500 }]);
    const { applied } = learn(triples);
    for (const c of applied) expect(c.differences.map((d) => d.signature)).toEqual(['status::200 → 500']);
  });
});

describe('NoiseLearner: overlapping formats', () => {
  it('a varying hex id that happens to be all digits (or NNNeNNN) is still the same kind of value', () => {
    // Per-instance ids from randomBytes(6).toString('hex'): about 1% of them read as numbers.
    const ids = ['123456789012', 'a1b2c3d4e5f6', '123e45678901', 'deadbeef0042', '0f1e2d3c4b5a', '998877665544'];
    const triples: Triple[] = ids.map((_, i): Triple => [{ servedBy: ids[0] }, { servedBy: ids[(i + 1) % ids.length] }, { servedBy: ids[(i + 2) % ids.length] }]);
    const { verdicts } = learn(triples);
    expect(verdicts.filter((v) => v === 'regression')).toEqual([]);
  });

  it('a hex id that becomes a plain word is still a change of shape', () => {
    const triples: Triple[] = Array.from({ length: 6 }, (_, i): Triple => [{ servedBy: 'a1b2c3d4e5f6' }, { servedBy: `b2c3d4e5f6a${i}` }, { servedBy: 'server-one' }]);
    expect(verdictOfRaw(learn(triples).verdicts)).toBe('regression');
  });
});

describe('NoiseLearner: applying is idempotent', () => {
  it('applying the model twice (to the raw comparison or to its own output) gives the same verdicts and counts', () => {
    const learner = new NoiseLearner(noiseConfig(), 'baseline');
    const triples = Array.from({ length: 4 }, (): Triple => [{ id: randomUUID() }, { id: randomUUID() }, { id: randomUUID() }]);
    const comparisons = triples.map(([rec, base, cand]) => {
      const c = comparer.compare(response(rec), response(cand), ctx);
      const b = comparer.compare(response(rec), response(base), ctx);
      learner.observe(ctx.method, ctx.route, c.differences, [...b.differences, ...b.filtered]);
      return c;
    });
    const model = learner.finish();
    const once = comparisons.map((c, i) => model.apply({ ...ctx, exchangeId: i + 1 }, c));
    const learnedOnce = model.learned();
    const again = comparisons.map((c, i) => model.apply({ ...ctx, exchangeId: i + 1 }, c));
    const ofOutput = once.map((c, i) => model.apply({ ...ctx, exchangeId: i + 1 }, c));
    expect(again).toEqual(once);
    expect(ofOutput).toEqual(once);
    expect(learnedOnce[0]!.exchanges).toBe(4);
    expect(model.learned()).toEqual(learnedOnce);
  });
});
