import { describe, expect, it } from 'vitest';
import { compilePlan, parseCalls, validateFaultPlan } from '../../../src/faults/fault-plan.js';
import { latencyMs } from '../../../src/faults/kinds/latency.js';
import { isReplayguardError } from '../../../src/errors.js';

const identity = (over: Partial<{ method: string; path: string; key: string; repeat: number; elapsedMs: number }> = {}) => ({ method: 'GET', path: '/price/1', key: 'k1', repeat: 1, elapsedMs: 0, ...over });

describe('fault plans', () => {
  it('parses calls as ranges of the repeat number', () => {
    const pick = (calls: string) => [1, 2, 3, 4, 5, 6, 10].filter(parseCalls(calls));
    expect(pick('1-3')).toEqual([1, 2, 3]);
    expect(pick('2')).toEqual([2]);
    expect(pick('4-')).toEqual([4, 5, 6, 10]);
    expect(pick('every 5')).toEqual([5, 10]);
  });

  it('selects with record.include patterns, first rule that fires wins', () => {
    const plan = compilePlan(
      validateFaultPlan({ faults: [{ match: ['POST /charge', 'GET,HEAD /price/**'], status: { code: 503 } }, { latency: { ms: 1 } }] }, 'test'),
    );
    expect(plan.decide(identity())?.rule.label).toBe('#0 status');
    expect(plan.decide(identity({ method: 'POST', path: '/charge' }))?.rule.label).toBe('#0 status');
    expect(plan.decide(identity({ method: 'DELETE', path: '/price/1' }))?.rule.label).toBe('#1 latency');
  });

  it('windows by time since start', () => {
    const plan = compilePlan(validateFaultPlan({ faults: [{ after: '1s', for: 500, empty: {} }] }, 'test'));
    expect(plan.decide(identity({ elapsedMs: 999 }))).toBeNull();
    expect(plan.decide(identity({ elapsedMs: 1000 }))).not.toBeNull();
    expect(plan.decide(identity({ elapsedMs: 1500 }))).toBeNull();
  });

  it('decides probability from (seed, rule, request, repeat) only, near the asked rate', () => {
    const plan = compilePlan(validateFaultPlan({ seed: 3, faults: [{ probability: 0.25, empty: {} }] }, 'test'));
    const decide = (key: string, repeat: number) => plan.decide(identity({ key, repeat })) !== null;
    const first = Array.from({ length: 2000 }, (_, i) => decide(`k${i}`, 1));
    const again = Array.from({ length: 2000 }, (_, i) => decide(`k${i}`, 1));
    expect(again).toEqual(first);
    const rate = first.filter(Boolean).length / first.length;
    expect(rate).toBeGreaterThan(0.2);
    expect(rate).toBeLessThan(0.3);
    const other = compilePlan(validateFaultPlan({ seed: 3, faults: [{ probability: 0.25, empty: {} }] }, 'test'), 4);
    expect(Array.from({ length: 2000 }, (_, i) => other.decide(identity({ key: `k${i}` })) !== null)).not.toEqual(first);
  });

  it('gives each decision its own reproducible random stream (jitter, lognormal)', () => {
    const plan = compilePlan(validateFaultPlan({ seed: 1, faults: [{ latency: { median: 100, sigma: 0.8 } }] }, 'test'));
    const delay = (key: string) => latencyMs({ median: 100, sigma: 0.8 }, plan.decide(identity({ key }))!.random);
    expect(delay('a')).toBe(delay('a'));
    const many = Array.from({ length: 400 }, (_, i) => delay(`k${i}`)).sort((x, y) => x - y);
    expect(many[200]!).toBeGreaterThan(70);
    expect(many[200]!).toBeLessThan(140);
    expect(latencyMs({ ms: 100, jitter: 50 }, () => 0.5)).toBe(125);
  });

  it('refuses invalid plans with a catalogue error naming the key', () => {
    const bad = [
      [{ faults: [{ match: 'GET /x', status: { code: 503 }, latency: { ms: 1 } }] }, /exactly one of/],
      [{ faults: [{ match: 'GET /x' }] }, /exactly one of .*got none/],
      [{ faults: [{ calls: 'sometimes', empty: {} }] }, /faults.0.calls/],
      [{ faults: [{ probability: 2, empty: {} }] }, /faults.0.probability/],
      [{ faults: [{ latency: {} }] }, /latency needs/],
      [{ faults: [{ status: { code: 99 } }] }, /faults.0.status.code/],
    ] as const;
    for (const [plan, message] of bad) {
      try {
        validateFaultPlan(plan, 'plan.json');
        expect.unreachable();
      } catch (e) {
        expect(isReplayguardError(e) && e.code).toBe('RG_ERR_FAULT_PLAN');
        expect((e as Error).message).toMatch(message);
        expect((e as Error).message).toContain('plan.json');
      }
    }
  });
});
