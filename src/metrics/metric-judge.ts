import { judgeShift, type ShiftCriteria } from './mann-whitney.js';

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
  /**
   * The samples judged (counters as growth per request), kept so `replayguard merge` can judge the
   * union of every shard's samples. Absent in summaries written before merge read them.
   */
  values?: { candidate: number[]; baseline: number[] };
}

export type MetricJudgeOptions = Omit<ShiftCriteria, 'minChange' | 'tail'>;

/** Significantly **and** materially worse, with enough samples: a single odd sample never flags. */
export function judgeMetric(name: string, candidate: readonly number[], baseline: readonly number[], options: MetricJudgeOptions): MetricVerdict {
  const { candidateMedian, baselineMedian, effect, p, flagged, note } = judgeShift(candidate, baseline, options);
  return { name, worse: options.worse, candidateMedian, baselineMedian, effect, p, samples: { candidate: candidate.length, baseline: baseline.length }, flagged, note };
}
