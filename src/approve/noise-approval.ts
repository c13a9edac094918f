import type { NoiseRule } from '../config/schema.js';
import { TRANSPORT_PREFIX } from '../report/changes/change-kind.js';
import { noiseSnippet } from '../report/noise-snippet.js';
import type { Change } from '../types/run.js';

/** One narrow rule for one route, as `compare.routes[route][field]` gains it. */
export type RouteRuleAddition =
  | { route: string; field: 'ignore'; value: string }
  | { route: string; field: 'rules'; value: NoiseRule }
  | { route: string; field: 'ignoreHeaders'; value: string };

export interface NoiseApproval {
  additions: Array<RouteRuleAddition & { change: string; signature: string; explanation: string }>;
  /** Signatures no rule can file as noise (a status change, a text hunk), with why. */
  refused: Array<{ change: string; route: string; signature: string; reason: string }>;
}

/**
 * The narrowest rules that would have filtered the approved changes, one per route and signature,
 * chosen as the report's snippets are (a type-only rule for a value that kept its type, an ignored
 * header, an ignored pointer). `example` gives a value seen before and after for a signature.
 */
export function noiseApproval(changes: readonly Change[], example: (route: string, signature: string) => { before?: unknown; after?: unknown } | undefined): NoiseApproval {
  const out: NoiseApproval = { additions: [], refused: [] };
  for (const c of changes) {
    for (const s of c.signatures) {
      if (s.signature.startsWith(TRANSPORT_PREFIX)) {
        out.refused.push({ change: c.id, route: s.route, signature: s.signature, reason: 'A transport error cannot be marked as noise: fix the candidate.' });
        continue;
      }
      const sp = s.route.indexOf(' ');
      const snippet = noiseSnippet({ method: s.route.slice(0, sp), route: s.route.slice(sp + 1), signature: s.signature, ...example(s.route, s.signature) });
      const entry = snippet.config?.compare?.routes?.[s.route] as { ignore?: string[]; rules?: NoiseRule[]; ignoreHeaders?: string[] } | undefined;
      const base = { change: c.id, signature: s.signature, explanation: snippet.explanation };
      if (entry?.rules?.[0]) out.additions.push({ ...base, route: s.route, field: 'rules', value: entry.rules[0] });
      else if (entry?.ignoreHeaders?.[0]) out.additions.push({ ...base, route: s.route, field: 'ignoreHeaders', value: entry.ignoreHeaders[0] });
      else if (entry?.ignore?.[0] !== undefined) out.additions.push({ ...base, route: s.route, field: 'ignore', value: entry.ignore[0] });
      else out.refused.push({ change: c.id, route: s.route, signature: s.signature, reason: snippet.explanation });
    }
  }
  return out;
}
