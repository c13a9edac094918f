import type { ConfigInput, NoiseRule } from '../config/schema.js';
import type { LearnedNoise } from '../types.js';

type RouteEntry = { rules?: NoiseRule[]; ignoreHeaders?: string[] };

/**
 * Learned noise as configuration to commit, so the noise stays filtered without a baseline. Each
 * rule is as narrow as the evidence (see `suggest` in noise-learner.ts): a domain, a format, a clock,
 * a JSON type, an object whose keys are data, a header whose value varies. Never an ignore of a
 * path, a whole body or a status: committed, such a rule would hide a field that disappears or a
 * status that changes. Noise that no narrow rule expresses (a field sometimes missing) is left out,
 * and keeps needing a baseline.
 */
export function learnedNoiseToConfig(learned: readonly LearnedNoise[]): ConfigInput {
  const routes: Record<string, RouteEntry> = {};
  for (const n of learned) {
    const s = n.suggestion;
    if (!s) continue;
    const entry = (routes[`${n.method} ${n.route}`] ??= {});
    if ('ignoreHeader' in s) {
      const headers = (entry.ignoreHeaders ??= []);
      if (!headers.includes(s.ignoreHeader)) headers.push(s.ignoreHeader);
    } else (entry.rules ??= []).push(s.rule);
  }
  return { compare: { routes } } as ConfigInput;
}
