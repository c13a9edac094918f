/**
 * The Mann–Whitney U test (Wilcoxon rank-sum), one-sided: is `b` stochastically greater than `a`?
 * Kayenta and Argo Rollouts judge canary metrics this way: it assumes no distribution, so one outlier
 * (a GC pause, a slow scrape) moves it little. Ties get mid-ranks; the p-value uses the normal
 * approximation with tie and continuity corrections, which is accurate from about 5 samples a side.
 * Written here (≈40 lines) rather than pulled in: the npm packages that offer it are unmaintained or
 * pull a whole statistics suite for one function.
 */

export interface MannWhitneyResult {
  /** U of `b` (how often a `b` sample beats an `a` sample, ties counting half). */
  u: number;
  /** One-sided p-value for "b is greater than a". */
  p: number;
}

/** Standard normal upper tail, Q(z) = P(Z > z) (Abramowitz–Stegun 7.1.26 on erfc; error < 1.5e-7). */
function upperTail(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erfc = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-x * x);
  return z >= 0 ? erfc / 2 : 1 - erfc / 2;
}

export function mannWhitneyGreater(a: readonly number[], b: readonly number[]): MannWhitneyResult {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) return { u: 0, p: 1 };
  const all = [...a.map((v) => ({ v, side: 0 })), ...b.map((v) => ({ v, side: 1 }))].sort((x, y) => x.v - y.v);
  let rankSumB = 0;
  let tieTerm = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j + 1 < all.length && all[j + 1]!.v === all[i]!.v) j++;
    const rank = (i + j) / 2 + 1;
    const count = j - i + 1;
    tieTerm += count ** 3 - count;
    for (let k = i; k <= j; k++) if (all[k]!.side === 1) rankSumB += rank;
    i = j + 1;
  }
  const u = rankSumB - (n2 * (n2 + 1)) / 2;
  const n = n1 + n2;
  const mean = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return { u, p: u > mean ? 0 : 1 };
  const z = (u - mean - 0.5) / Math.sqrt(variance);
  return { u, p: upperTail(z) };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((x, y) => x - y);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
