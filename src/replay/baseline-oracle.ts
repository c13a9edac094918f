import type { Comparer, ComparableResponse, CompareContext } from '../compare/index.js';
import type { Comparison } from '../types/comparison.js';
import type { ExchangeFailure } from '../types/exchange.js';
import type { ReplayResult } from '../types/run.js';

/**
 * `--oracle baseline`: the candidate is judged against the baseline's answer to the same request, not
 * against the recording. Used when both call stubs of their dependencies under the same fault plan:
 * the recording was made without faults, so only the baseline shows what a good build does under them
 * (a fallback, a 503, a fast failure). Nothing is learned as noise here: the baseline is the oracle.
 */
export function judgeAgainstBaseline(input: {
  comparer: Comparer;
  ctx: CompareContext;
  baselineOrigin: string;
  candidate: ComparableResponse;
  baseline: ComparableResponse | null;
  baselineFailure: ExchangeFailure | null;
}): Pick<ReplayResult, 'verdict' | 'comparison' | 'skippedReason'> {
  if (!input.baseline) {
    // Without the oracle's answer there is nothing to judge: said, and counted as skipped, never a pass.
    const why = input.baselineFailure ? `${input.baselineFailure.kind} (${input.baselineFailure.code}): ${input.baselineFailure.message}` : 'it was not sent';
    return { verdict: 'skipped', comparison: null, skippedReason: `the baseline is the oracle (--oracle baseline) and gave no answer: ${why}` };
  }
  const compared = input.comparer.compare(input.baseline, input.candidate, { ...input.ctx, recordedOrigin: input.baselineOrigin });
  const comparison: Comparison = { ...compared, notes: ['compared with the baseline (--oracle baseline), not with the recording', ...compared.notes] };
  return { verdict: comparison.verdict, comparison };
}
