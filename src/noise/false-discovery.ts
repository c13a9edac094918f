/**
 * Benjamini–Hochberg: which of many tests to call significant so that, on average, no more than a
 * share `level` of the keys called regressions are false discoveries. A run tests a hundred keys or
 * more; at p < 0.05 each, five of them would be flagged on an unchanged build by chance alone.
 */

export interface FalseDiscoveryOutcome {
  /** Per p-value (input order): rejected (significant) at the level. */
  rejected: boolean[];
  /** The largest p-value still rejected, `0` when none is. */
  threshold: number;
}

export function benjaminiHochberg(pValues: readonly number[], level: number): FalseDiscoveryOutcome {
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p);
  // The largest rank k with p_(k) ≤ k/m · level; every test up to it is rejected (step-up).
  let k = 0;
  for (let r = m; r >= 1; r--) {
    if (order[r - 1]!.p <= (r / m) * level) {
      k = r;
      break;
    }
  }
  const rejected = new Array<boolean>(m).fill(false);
  for (let r = 0; r < k; r++) rejected[order[r]!.i] = true;
  return { rejected, threshold: k ? order[k - 1]!.p : 0 };
}
