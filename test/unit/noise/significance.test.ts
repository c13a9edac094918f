import { describe, expect, it } from 'vitest';
import { excessPValue } from '../../../src/noise/significance.js';

describe('excessPValue (one-sided: is raw/n really above noise/n?)', () => {
  it.each([
    [6, 3, 6, 1 / 11], // Fisher exact: C(6,3)/C(12,9) summed tail = 20/220
    [6, 0, 6, 1 / 924], // all six on the candidate's side: 1 / C(12,6)
    [3, 3, 6, 1],
    [2, 5, 6, 1],
  ])('raw %i, noise %i of %i → %f', (raw, noise, n, p) => {
    expect(excessPValue(raw, noise, n)).toBeCloseTo(p, 6);
  });

  it('large samples use the two-proportion z-test: a 2-point gap over 1,000 is borderline, 4 points is not', () => {
    expect(excessPValue(100, 80, 1000)).toBeGreaterThan(0.05);
    expect(excessPValue(100, 60, 1000)).toBeLessThan(0.001);
  });

  it('is monotone in the excess', () => {
    const ps = [3, 4, 5, 6].map((raw) => excessPValue(raw, 2, 6));
    expect([...ps].sort((a, b) => b - a)).toEqual(ps);
  });
});
