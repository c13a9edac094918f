import type { Comparison, Difference } from '../types.js';

/** `pass` with no difference at all, `noise` when every difference was filtered, else `regression`. */
export function verdictOf(differences: readonly Difference[], filtered: readonly Difference[]): Comparison['verdict'] {
  if (differences.length > 0) return 'regression';
  return filtered.length > 0 ? 'noise' : 'pass';
}
