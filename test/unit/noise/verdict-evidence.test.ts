import { describe, expect, it } from 'vitest';
import { createComparer, foldPointer, type ComparableResponse } from '../../../src/compare/index.js';
import { compareSchema, configSchema } from '../../../src/config/schema.js';
import { benjaminiHochberg } from '../../../src/noise/false-discovery.js';
import { learnedNoiseToConfig } from '../../../src/noise/learned-config.js';
import { NoiseLearner } from '../../../src/noise/noise-learner.js';
import { markReproduced } from '../../../src/noise/reproduction.js';
import { ValueDomain } from '../../../src/noise/value-domain.js';
import { EpochTracker, shapesOf } from '../../../src/noise/value-shape.js';
import type { Comparison, Difference } from '../../../src/types.js';

describe('Benjamini–Hochberg', () => {
  it('rejects the step-up prefix: p_(k) ≤ k/m · level', () => {
    // m = 5, level 0.05: thresholds 0.01, 0.02, 0.03, 0.04, 0.05.
    expect(benjaminiHochberg([0.04, 0.001, 0.5, 0.019, 0.03], 0.05).rejected).toEqual([true, true, false, true, true]);
    expect(benjaminiHochberg([0.02, 0.04, 0.5], 0.05).rejected).toEqual([false, false, false]); // 0.02 > 0.05/3, 0.04 > 0.1/3
    expect(benjaminiHochberg([0.02, 0.03, 0.5], 0.05).rejected).toEqual([true, true, false]);
    expect(benjaminiHochberg([], 0.05).rejected).toEqual([]);
  });
  it('a p-value that passes alone (0.04 < 0.05) does not pass among a hundred tests', () => {
    const ps = [0.04, ...Array.from({ length: 99 }, () => 0.6)];
    expect(benjaminiHochberg(ps, 0.05).rejected[0]).toBe(false);
  });
});

describe('ValueDomain', () => {
  const domainOf = (recorded: unknown[], baseline: unknown[]) => {
    const d = new ValueDomain();
    for (const v of recorded) d.add(v, 'recorded');
    for (const v of baseline) d.add(v, 'baseline');
    return d.values();
  };
  it('closes on enough evidence: every value seen more than once', () => {
    expect(domainOf(['open', 'closed', 'open', 'sold'], ['closed', 'sold', 'open', 'closed'])).toEqual(['closed', 'open', 'sold']);
  });
  it('stays open on thin evidence, on many values, and on objects', () => {
    expect(domainOf(['a', 'b'], ['c'])).toBeNull();
    expect(domainOf(Array.from({ length: 40 }, (_, i) => `v${i % 20}`), [])).toBeNull();
    expect(domainOf([{ a: 1 }, { a: 1 }], [{ a: 2 }, { a: 2 }])).toBeNull();
  });
  it('a per-deployment constant (one value per side) is no domain; booleans always are', () => {
    expect(domainOf(['"r"', '"r"', '"r"'], ['"b"', '"b"', '"b"'])).toBeNull();
    expect(domainOf([true, true, true], [false, false])).toEqual([false, true]);
  });
});

describe('number shapes', () => {
  it('integers of any magnitude and sign are one shape; a string is another', () => {
    for (const n of [1366923993, -1738793727, 1234567890123456, 3, 0.5]) expect(shapesOf(n)).toEqual(['number']);
    expect(shapesOf('12')).not.toContain('number');
  });
  const clock = (values: number[]) => {
    const t = new EpochTracker();
    for (const v of values) t.add(v);
    return t.isClock();
  };
  it('a clock only when every value is a plausible epoch of one unit within two years', () => {
    expect(clock([1_760_000_000, 1_760_000_100, 1_760_086_400])).toBe(true);
    expect(clock([1_760_000_000_000, 1_760_000_000_500])).toBe(true);
    expect(clock([1366923993, 1_960_000_000])).toBe(false); // decades apart: random integers
    expect(clock([1366923993, -1738793727])).toBe(false);
    expect(clock([1_760_000_000, 1_760_000_000_000])).toBe(false); // seconds and milliseconds
    expect(clock([1_760_000_000])).toBe(false); // one value proves nothing
  });
});

describe('reproduction and drift', () => {
  const d = (path: string, after: unknown, target: Difference['target'] = 'body'): Difference => ({ target, op: 'replace', path, before: 1, after, change: 'value changed', signature: `${target}:${path}:value changed` });
  it('marks the candidate differences the baseline showed with the same value', () => {
    const marked = markReproduced([d('/a', 2), d('/b', 3)], [d('/a', 2), d('/b', 4)]);
    expect(marked.map((x) => x.onBaseline ?? false)).toEqual([true, false]);
  });

  const comparer = createComparer(compareSchema.parse({}));
  const res = (body: unknown, status = 200): ComparableResponse => {
    const bytes = Buffer.from(JSON.stringify(body));
    return { status, headers: [['content-type', 'application/json']], body: { bytes, size: bytes.length, truncated: false } };
  };
  const ctx = { method: 'GET', route: '/things/:id' };
  /** Observe (recorded, baseline, candidate) triples as the replay does, then apply the model. */
  const run = (triples: Array<[unknown, unknown, unknown]>) => {
    const learner = new NoiseLearner(configSchema.parse({}).noise, 'baseline');
    const comparisons: Comparison[] = triples.map(([r, b, c]) => {
      const base = comparer.compare(res(r), res(b), ctx);
      const noise = [...base.differences, ...base.filtered];
      const cand = comparer.compare(res(r), res(c), ctx);
      const marked = { ...cand, differences: markReproduced(cand.differences, noise) };
      learner.observe(ctx.method, ctx.route, marked.differences, noise);
      return marked;
    });
    const model = learner.finish();
    return { applied: comparisons.map((c, i) => model.apply({ ...ctx, exchangeId: i + 1 }, c)), model };
  };

  it('a value the candidate and the baseline agree on, on every exchange, is unreproduced, never noise', () => {
    const { applied, model } = run(Array.from({ length: 6 }, (_, i) => [{ id: i, count: 3 }, { id: i, count: 0 }, { id: i, count: 0 }]));
    expect(applied.map((c) => c.verdict)).toEqual(Array(6).fill('unreproduced'));
    expect(model.learned()).toEqual([]);
    expect(model.unreproduced()[0]!.message).toMatch(/^\/count value changed on 6 reads on both target and baseline/);
  });
  it('a value that varies between the candidate and the baseline is noise, not drift', () => {
    const { applied } = run(Array.from({ length: 6 }, (_, i) => [{ n: `r${i}` }, { n: `b${i}` }, { n: `c${i}` }]));
    expect(applied.map((c) => c.verdict)).toEqual(Array(6).fill('noise'));
  });
  it('a never-seen value on a field that varies within its domain is a regression', () => {
    const pick = ['open', 'closed', 'sold'];
    const triples: Array<[unknown, unknown, unknown]> = Array.from({ length: 12 }, (_, i) => [{ s: pick[i % 3] }, { s: pick[(i + 1) % 3] }, { s: i === 5 ? 'reserved' : pick[(i + 2) % 3] }]);
    const { applied, model } = run(triples);
    expect(applied.map((c) => c.verdict)).toEqual(triples.map((_, i) => (i === 5 ? 'regression' : 'noise')));
    expect(learnedNoiseToConfig(model.learned())).toEqual({ compare: { routes: { 'GET /things/:id': { rules: [{ path: '/s', match: 'domain', values: ['closed', 'open', 'sold'] }] } } } });
  });
  it('the learned snippet never ignores: a sometimes-missing field gets no rule at all', () => {
    const { model } = run(Array.from({ length: 6 }, (_, i) => [{ a: 1, x: 1 }, i % 2 ? { a: 1 } : { a: 1, x: 1 }, i % 2 ? { a: 1, x: 1 } : { a: 1 }]));
    expect(model.learned().map((n) => n.kind)).toEqual(['sometimes removed']);
    expect(learnedNoiseToConfig(model.learned())).toEqual({ compare: { routes: {} } });
  });
  it('objects keyed by data: keys folded and learned as `keys: vary`', () => {
    expect(foldPointer('/pets/3f2a9c1e-0b7d-4c55-9a8e-1d2c3b4a5f60/name')).toBe('/pets/*/name');
    expect(foldPointer('/byDay/2026-12-01/visits')).toBe('/byDay/*/visits');
    expect(foldPointer('/attributes/a1b2c3d4e5f6')).toBe('/attributes/*');
    expect(foldPointer('/attributes/colour')).toBe('/attributes/colour');
    const triples: Array<[unknown, unknown, unknown]> = Array.from({ length: 8 }, (_, i) => [{ nick: { [`fluffy-${i}`]: 1 } }, { nick: { [`grumpy-${i}`]: 1 } }, { nick: { [`sleepy-${i}`]: 1 } }]);
    const { applied, model } = run(triples);
    expect(new Set(applied.map((c) => c.verdict))).toEqual(new Set(['noise']));
    expect(learnedNoiseToConfig(model.learned()).compare!.routes!['GET /things/:id']!.rules).toEqual([{ path: '/nick', keys: 'vary' }]);
  });
});

describe('configured rules: match domain, keys vary', () => {
  const res = (body: unknown): ComparableResponse => {
    const bytes = Buffer.from(JSON.stringify(body));
    return { status: 200, headers: [['content-type', 'application/json']], body: { bytes, size: bytes.length, truncated: false } };
  };
  const ctx = { method: 'GET', route: '/pets' };
  const comparer = createComparer(
    compareSchema.parse({
      rules: [
        { path: '/status', match: 'domain', values: ['available', 'sold'] },
        { path: '/pets/*/attributes', keys: 'vary' },
      ],
    }),
  );
  it('a value inside the domain is noise, outside it a change', () => {
    expect(comparer.compare(res({ status: 'available' }), res({ status: 'sold' }), ctx).verdict).toBe('noise');
    expect(comparer.compare(res({ status: 'available' }), res({ status: 'reserved' }), ctx).verdict).toBe('regression');
  });
  it('keys under a keys-vary object come and go as noise; changes inside them fold into one signature', () => {
    const c = comparer.compare(res({ pets: [{ attributes: { a: { w: 1 }, b: { w: 1 } } }] }), res({ pets: [{ attributes: { c: { w: 1 }, b: { w: '1' } } }] }), ctx);
    expect(c.filtered.map((d) => d.filteredBy)).toEqual(['keys vary /pets/*/attributes', 'keys vary /pets/*/attributes']);
    expect(c.differences.map((d) => d.signature)).toEqual(['body:/pets/*/attributes/*/w:number → string']);
  });
  it('the schema asks for values with match domain, and accepts keys: vary as a rule kind', () => {
    expect(compareSchema.safeParse({ rules: [{ path: '/s', match: 'domain' }] }).success).toBe(false);
    expect(compareSchema.safeParse({ rules: [{ path: '/s', match: 'type', values: ['a'] }] }).success).toBe(false);
    expect(compareSchema.safeParse({ rules: [{ path: '/s', keys: 'vary', match: 'type' }] }).success).toBe(false);
  });
});
