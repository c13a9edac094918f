import { routeKey } from '../routes/route-key.js';
import type { Difference } from '../types/comparison.js';
import type { ReplayResult } from '../types/run.js';

/** One signature group a result belongs to. */
export interface SignatureHit {
  /** Identifies the group across results (route, verdict, signature and, for noise, the rule); never parsed. */
  key: string;
  verdict: 'regression' | 'unreproduced' | 'noise';
  signature: string;
  /** The rule that filtered it, for noise. */
  filteredBy?: string;
  /** The first difference of this result in the group (its values make the group's example). */
  difference: Difference;
}

/**
 * The one grouping of results by signature, shared by the summary (counts every reporter shows) and
 * the HTML report (groups with examples): unfiltered differences group as regressions (or as
 * unreproduced, when the replay did not reproduce the recording there), filtered ones
 * as noise under the rule that filtered them, and a result counts once per group however many
 * indices show the signature.
 */
export function signatureHits(result: ReplayResult): SignatureHit[] {
  const cmp = result.comparison;
  if (!cmp) return [];
  const rk = routeKey(result.method, result.route);
  const hits = new Map<string, SignatureHit>();
  for (const d of cmp.differences) {
    const verdict = d.unreproduced ? 'unreproduced' : 'regression';
    const key = `${rk}\0${verdict}\0${d.signature}`;
    if (!hits.has(key)) hits.set(key, { key, verdict, signature: d.signature, difference: d });
  }
  for (const d of cmp.filtered) {
    const rule = d.filteredBy ?? 'noise rule';
    const key = `${rk}\0noise\0${d.signature}\0${rule}`;
    if (!hits.has(key)) hits.set(key, { key, verdict: 'noise', signature: d.signature, filteredBy: rule, difference: d });
  }
  return [...hits.values()];
}
