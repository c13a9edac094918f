/**
 * The Mann–Whitney U test (Wilcoxon rank-sum), one-sided: is `b` stochastically greater than `a`?
 * Kayenta and Argo Rollouts judge canary metrics this way: it assumes no distribution, so one outlier
 * (a GC pause, a slow scrape) moves it little. Ties get mid-ranks; the p-value uses the normal
 * approximation with tie and continuity corrections, which is accurate from about 5 samples a side.
 * Written here (≈40 lines) rather than pulled in: the npm packages that offer it are unmaintained or
 * pull a whole statistics suite for one function. The one statistics module of both judges: the
 * candidate's metrics (metric-judge.ts) and per-route latency (replay/latency.ts).
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

/** What a judge asks of candidate vs baseline samples (metric-judge.ts, replay/latency.ts). */
export interface ShiftCriteria {
  /** One-sided test level. */
  significance: number;
  /** Smallest relative worsening of the median that counts (Kayenta's effect size): 0.1 = 10%. */
  minEffect: number;
  /** Smallest absolute worsening of the median that counts, in the samples' unit (latency's ms floor). @default 0 */
  minChange?: number;
  /** Samples needed on each side before anything can be flagged. */
  minSamples: number;
  /** `increase`: a higher candidate value is worse (memory, CPU, latency); `decrease`: lower is worse. */
  worse: 'increase' | 'decrease';
  /**
   * Also count a worsening of the 95th percentile as material (latency: a regression may live in the
   * tail), from 20 samples a side, where the p95 is no longer the single largest sample.
   * Significance still comes from the rank test. @default false
   */
  tail?: boolean;
}

export interface ShiftJudgement {
  candidateMedian: number;
  baselineMedian: number;
  /**
   * Relative worsening of the candidate's median against the baseline's (0.3 = 30% worse; negative =
   * better); with `tail`, of the median or the p95, whichever worsened more.
   */
  effect: number;
  /** The absolute worsening behind `effect`, in the samples' unit. */
  change: number;
  /** Where `effect` was measured. */
  at: 'median' | 'p95';
  /** One-sided Mann–Whitney p-value for "the candidate is worse". */
  p: number;
  flagged: boolean;
  /** Why not flagged, when it is not (too few samples, not significant, too small); '' when flagged. */
  note: string;
}

/** Below this many samples the nearest-rank p95 is the largest one: a single slow sample would be the tail. */
const TAIL_MIN_SAMPLES = 20;

/**
 * The one rule both judges apply: flagged only when the candidate is significantly worse (one-sided
 * Mann–Whitney U) **and** materially so (its median worse by more than `minEffect`, and by at least
 * `minChange` in absolute terms), with `minSamples` a side. A rank test moves little for one odd sample,
 * and a lone outlier does not move a median: a single slow sample never flags.
 */
export function judgeShift(candidate: readonly number[], baseline: readonly number[], criteria: ShiftCriteria): ShiftJudgement {
  const sign = criteria.worse === 'increase' ? 1 : -1;
  const cm = median(candidate);
  const bm = median(baseline);
  // Worse is "greater" after the sign flip, so one one-sided test serves both directions.
  const { p } = mannWhitneyGreater(baseline.map((v) => sign * v), candidate.map((v) => sign * v));
  const worsening = (c: number, b: number) => {
    const change = sign * (c - b);
    return { change, effect: b === 0 ? (c === 0 ? 0 : Infinity * Math.sign(change)) : change / Math.abs(b) };
  };
  let shift = { ...worsening(cm, bm), at: 'median' as 'median' | 'p95' };
  if (criteria.tail && Math.min(candidate.length, baseline.length) >= TAIL_MIN_SAMPLES) {
    const p95 = (v: readonly number[]) => percentile([...v].sort((x, y) => x - y), 95);
    const tail = worsening(p95(candidate), p95(baseline));
    if (tail.effect > shift.effect) shift = { ...tail, at: 'p95' };
  }
  const { change, effect, at } = shift;
  const minChange = criteria.minChange ?? 0;
  const enough = candidate.length >= criteria.minSamples && baseline.length >= criteria.minSamples;
  const flagged = enough && p < criteria.significance && effect > criteria.minEffect && change >= minChange;
  const note = flagged
    ? ''
    : !enough
      ? `too few samples (${candidate.length} and ${baseline.length}; ${criteria.minSamples} needed a side)`
      : p >= criteria.significance
        ? `not significant (p = ${p.toFixed(3)})`
        : effect <= criteria.minEffect
          ? `change below the minimum effect (${(effect * 100).toFixed(1)}% ≤ ${(criteria.minEffect * 100).toFixed(0)}%)`
          : `change below the floor (${change.toFixed(1)} < ${minChange})`;
  return { candidateMedian: cm, baselineMedian: bm, effect, change, at, p, flagged, note };
}

/** Nearest-rank percentile of sorted samples. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}
