import type { LearnedNoise, NoiseTests, RunSummary } from '../types.js';
import { formatCount, formatPercent, formatValue, plural, routeKey } from './format.js';

/** `GET /users/:id  body /updatedAt value varies (timestamp), 120 exchanges, from baseline`. */
export function describeLearnedNoise(n: LearnedNoise): string {
  const where = n.target === 'status' ? 'status' : `${n.target} ${n.path || '(whole body)'}`;
  const source = n.source === 'baseline' ? 'seen against the baseline' : 'varied between repeats';
  return `${routeKey(n.method, n.route)}  ${where} ${n.kind}, ${plural(n.exchanges, 'exchange')}, ${source}`;
}

/** A few example values, short, for tables. */
export function learnedNoiseExamples(n: LearnedNoise, max = 3): string {
  return n.examples
    .slice(0, max)
    .map((v) => formatValue(v, 40))
    .join(', ');
}

/** `noise learning tested 42 keys; 3 significant at a false discovery rate of 5% (Benjamini–Hochberg)`. */
export function describeNoiseTests(t: NoiseTests): string {
  return `noise learning tested ${plural(t.keys, 'key')} against the noise source; ${formatCount(t.significant)} significant at a false discovery rate of ${formatPercent(t.level, 1)} (${t.method})`;
}

/** The lines every reporter leads with when the replay did not reproduce the recording, harmless drift last. */
export function unreproducedLines(summary: Pick<RunSummary, 'unreproduced'>): { failing: string[]; harmless: string[] } {
  const failing = summary.unreproduced.filter((g) => !g.harmless).map((g) => g.message);
  const harmless = summary.unreproduced.filter((g) => g.harmless).map((g) => g.message);
  return { failing, harmless };
}
