import type { Difference } from '../types.js';
import type { CompareContext } from './contracts.js';
import type { NoiseRuleMatcher } from './noise/matcher.js';

/** Differences split by the noise stage; nothing is dropped. */
export interface NoiseOutcome {
  differences: Difference[];
  filtered: Difference[];
}

/**
 * Tags each difference with the first rule that filters it. Only JSON body differences are offered to
 * the rules: pointer patterns mean nothing for a status, a header (those have `ignoreHeaders`), a text
 * hunk or a hash.
 */
export function applyNoise(
  diffs: readonly Difference[],
  isJson: (d: Difference) => boolean,
  matchers: readonly NoiseRuleMatcher[],
  ctx: CompareContext,
): NoiseOutcome {
  const out: NoiseOutcome = { differences: [], filtered: [] };
  for (const diff of diffs) {
    const rule = isJson(diff) ? matchers.find((m) => m.filters(diff, ctx)) : undefined;
    if (rule) out.filtered.push({ ...diff, filteredBy: rule.describe() });
    else out.differences.push(diff);
  }
  return out;
}
