import type { LearnedNoise } from '../types.js';
import { formatValue, plural, routeKey } from './format.js';

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
