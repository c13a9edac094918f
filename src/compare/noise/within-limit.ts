/**
 * |a − b| ≤ limit, forgiving the last bits of binary floating point: 10.3 − 10 is 0.3000000000000007,
 * and a user who wrote `tolerance: 0.3` means that pair to pass.
 */
export function withinLimit(a: number, b: number, limit: number): boolean {
  const slack = 8 * Number.EPSILON * Math.max(1, Math.abs(a), Math.abs(b));
  return Math.abs(a - b) <= limit + slack;
}
