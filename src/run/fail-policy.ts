import { ReplayguardError } from '../errors.js';
import type { VerdictCounts } from '../types.js';

type Counted = 'regression' | 'unreproduced' | 'error' | 'noise' | 'skipped';

interface Token {
  verdict: Counted;
  /** Trips when the count (or share, with `%`) exceeds this; absent: any one trips it. */
  above?: { value: number; percent: boolean };
  source: string;
}

function parseToken(token: string): Token {
  const m = /^(regression|unreproduced|error|noise|skipped)(?:>(\d+(?:\.\d+)?)(%)?)?$/.exec(token.trim());
  if (!m) {
    throw new ReplayguardError('RG_ERR_CONFIG_INVALID', {
      details: `invalid failOn token "${token}": expected regression, unreproduced, error, noise or skipped, optionally with a threshold such as regression>1% or error>5`,
      source: 'replay.failOn',
    });
  }
  const verdict = m[1] as Counted;
  return m[2] === undefined ? { verdict, source: token } : { verdict, above: { value: Number(m[2]), percent: m[3] === '%' }, source: token };
}

/**
 * The exit code of a replay: 1 when any failOn token trips (by default `regression` and `error`: any
 * one of either fails the run), 0 otherwise. `regression>1%` trips past 1% of exchanges;
 * `error>5` past five errors; `unreproduced>5%` (a default) past 5 % of exchanges the replay did not
 * reproduce. Slower routes count as regressions.
 */
export function evaluateFailOn(tokens: readonly string[], counts: VerdictCounts, slowRoutes = 0): { exitCode: 0 | 1; reason: string } {
  const tripped: string[] = [];
  for (const t of tokens.map(parseToken)) {
    const n = counts[t.verdict] + (t.verdict === 'regression' ? slowRoutes : 0);
    const limit = t.above ? (t.above.percent ? (t.above.value / 100) * counts.total : t.above.value) : 0;
    if (n > limit) {
      const what = t.verdict === 'regression' && slowRoutes ? `${counts.regression} regressions + ${slowRoutes} slower routes` : `${n} ${t.verdict}${n === 1 ? '' : t.verdict === 'noise' || t.verdict === 'unreproduced' ? '' : 's'}`;
      tripped.push(`${what} (failOn ${t.source})`);
    }
  }
  return tripped.length
    ? { exitCode: 1, reason: tripped.join('; ') }
    : { exitCode: 0, reason: `no failOn policy tripped (${tokens.join(', ') || 'none'})` };
}
