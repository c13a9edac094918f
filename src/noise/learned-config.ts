import type { ConfigInput, NoiseRule } from '../config/schema.js';
import type { LearnedNoise } from '../types.js';

type RouteEntry = { ignore?: string[]; rules?: NoiseRule[]; ignoreHeaders?: string[] };

const FORMAT_RULE: Record<string, NoiseRule['match']> = {
  uuid: 'uuid',
  'iso-timestamp': 'timestamp',
  epoch: 'timestamp',
  jwt: 'jwt',
  hex: 'hex',
  'number-like': 'number-like',
};

/** The formats named in a learned kind such as `value varies (uuid, iso-timestamp)`. */
function formatsOf(kind: string): string[] {
  const m = /\(([^)]*)\)/.exec(kind);
  return m ? m[1]!.split(',').map((s) => s.trim()) : [];
}

/**
 * Learned noise as configuration to commit, so the noise stays filtered without a baseline. The rule
 * is as narrow as what was seen: a varying uuid becomes `match: uuid` (a change of format is still
 * caught), a varying plain value `match: type`, a sometimes-missing field an ignore, a header an
 * ignored header.
 */
export function learnedNoiseToConfig(learned: readonly LearnedNoise[]): ConfigInput {
  const routes: Record<string, RouteEntry> = {};
  for (const n of learned) {
    const entry = (routes[`${n.method} ${n.route}`] ??= {});
    if (n.target === 'header') {
      const headers = (entry.ignoreHeaders ??= []);
      if (!headers.includes(n.path)) headers.push(n.path);
      continue;
    }
    if (n.target !== 'body' || (n.path !== '' && !n.path.startsWith('/'))) continue;
    const formats = formatsOf(n.kind);
    const rule: NoiseRule | null = n.kind.startsWith('sometimes')
      ? null
      : formats.length === 1 && FORMAT_RULE[formats[0]!]
        ? { path: n.path, match: FORMAT_RULE[formats[0]!] }
        : { path: n.path, match: 'type' };
    if (rule) (entry.rules ??= []).push(rule);
    else (entry.ignore ??= []).push(n.path);
  }
  return { compare: { routes } } as ConfigInput;
}
