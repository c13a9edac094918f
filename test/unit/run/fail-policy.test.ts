import { describe, expect, it } from 'vitest';
import { evaluateFailOn } from '../../../src/run/fail-policy.js';
import type { VerdictCounts } from '../../../src/types/run.js';

const counts = (c: Partial<VerdictCounts>): VerdictCounts => {
  const base = { pass: 0, noise: 0, regression: 0, unreproduced: 0, error: 0, skipped: 0, ...c };
  return { ...base, total: c.total ?? base.pass + base.noise + base.regression + base.error + base.skipped };
};

describe('evaluateFailOn', () => {
  it.each([
    { tokens: ['regression', 'error'], c: { pass: 10 }, exit: 0 },
    { tokens: ['regression', 'error'], c: { pass: 9, regression: 1 }, exit: 1 },
    { tokens: ['regression', 'error'], c: { pass: 9, error: 1 }, exit: 1 },
    { tokens: ['regression', 'error'], c: { pass: 5, noise: 5, skipped: 3 }, exit: 0 },
    { tokens: ['error'], c: { pass: 9, regression: 1 }, exit: 0 },
    { tokens: ['regression'], c: { pass: 9, error: 1 }, exit: 0 },
    { tokens: ['regression>50%'], c: { pass: 5, regression: 5 }, exit: 0 }, // exactly 50%: not past it
    { tokens: ['regression>50%'], c: { pass: 4, regression: 6 }, exit: 1 },
    { tokens: ['regression>1%'], c: { pass: 99, regression: 1 }, exit: 0 },
    { tokens: ['regression>1%'], c: { pass: 98, regression: 2 }, exit: 1 },
    { tokens: ['regression>0.5%'], c: { pass: 199, regression: 1 }, exit: 0 },
    { tokens: ['error>5'], c: { pass: 5, error: 5 }, exit: 0 },
    { tokens: ['error>5'], c: { pass: 4, error: 6 }, exit: 1 },
    { tokens: ['noise'], c: { pass: 9, noise: 1 }, exit: 1 },
    { tokens: ['skipped>2'], c: { pass: 7, skipped: 3 }, exit: 1 },
    { tokens: [], c: { regression: 10, unreproduced: 0, error: 10 }, exit: 0 },
  ])('$tokens with $c → $exit', ({ tokens, c, exit }) => {
    expect(evaluateFailOn(tokens, counts(c)).exitCode).toBe(exit);
  });

  it('slower routes count as regressions', () => {
    expect(evaluateFailOn(['regression'], counts({ pass: 10 }), 1)).toMatchObject({ exitCode: 1, reason: expect.stringMatching(/1 slower routes/) });
    expect(evaluateFailOn(['error'], counts({ pass: 10 }), 1).exitCode).toBe(0);
    expect(evaluateFailOn(['regression>2'], counts({ pass: 8, regression: 2 }), 1).exitCode).toBe(1);
  });

  it('the reason names what tripped and the policy', () => {
    const r = evaluateFailOn(['regression>1%', 'error'], counts({ pass: 90, regression: 5, unreproduced: 0, error: 5 }));
    expect(r.reason).toContain('5 regressions (failOn regression>1%)');
    expect(r.reason).toContain('5 errors (failOn error)');
    expect(evaluateFailOn(['regression'], counts({ pass: 1 })).reason).toMatch(/no failOn policy tripped \(regression\)/);
  });

  it('rejects a malformed token', () => {
    expect(() => evaluateFailOn(['regresion'], counts({}))).toThrow(/invalid failOn token "regresion"/);
    expect(() => evaluateFailOn(['regresion'], counts({}))).toThrow(expect.objectContaining({ code: 'RG_ERR_CONFIG_INVALID', hint: expect.stringContaining('replay.failOn') }));
    expect(() => evaluateFailOn(['regression>'], counts({}))).toThrow(expect.objectContaining({ code: 'RG_ERR_CONFIG_INVALID' }));
  });
});
