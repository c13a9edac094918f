import { mannWhitneyGreater, median } from './mann-whitney.js';

/** One metric judged candidate vs baseline (shown by reporters, kept in the run summary). */
export interface MetricVerdict {
  name: string;
  /** `increase`: a higher candidate value is worse (memory, CPU, errors); `decrease`: lower is worse. */
  worse: 'increase' | 'decrease';
  candidateMedian: number;
  baselineMedian: number;
  /** Relative change of the candidate's median against the baseline's (0.3 = 30% worse). */
  effect: number;
  /** One-sided Mann–Whitney p-value for "the candidate is worse". */
  p: number;
  samples: { candidate: number; baseline: number };
  flagged: boolean;
  /** Why not flagged, when it is not (too few samples, not significant, too small). */
  note: string;
}

export interface MetricJudgeOptions {
  significance: number;
  /** Smallest relative worsening that counts (Kayenta's effect size). */
  minEffect: number;
  minSamples: number;
  worse: 'increase' | 'decrease';
}

/** Significantly **and** materially worse, with enough samples: a single odd sample never flags. */
export function judgeMetric(name: string, candidate: readonly number[], baseline: readonly number[], options: MetricJudgeOptions): MetricVerdict {
  const sign = options.worse === 'increase' ? 1 : -1;
  const cm = median(candidate);
  const bm = median(baseline);
  // Worse is "greater" after the sign flip, so one one-sided test serves both directions.
  const { p } = mannWhitneyGreater(baseline.map((v) => sign * v), candidate.map((v) => sign * v));
  const effect = bm === 0 ? (cm === 0 ? 0 : Infinity * Math.sign(sign * cm)) : (sign * (cm - bm)) / Math.abs(bm);
  const enough = candidate.length >= options.minSamples && baseline.length >= options.minSamples;
  const flagged = enough && p < options.significance && effect > options.minEffect;
  const note = flagged
    ? ''
    : !enough
      ? `too few samples (${candidate.length} and ${baseline.length}; ${options.minSamples} needed a side)`
      : p >= options.significance
        ? `not significant (p = ${p.toFixed(3)})`
        : `change below the minimum effect (${(effect * 100).toFixed(1)}% ≤ ${(options.minEffect * 100).toFixed(0)}%)`;
  return { name, worse: options.worse, candidateMedian: cm, baselineMedian: bm, effect, p, samples: { candidate: candidate.length, baseline: baseline.length }, flagged, note };
}
