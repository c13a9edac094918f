import type { CompareConfig } from '../config/schema.js';
import { equalButForPlaceholders } from '../redact/placeholder.js';
import type { Difference } from '../types.js';
import type { Comparer } from './comparer.js';
import { applyNoise } from './apply-noise.js';
import { capValue } from './cap-value.js';
import { verdictOf } from './classify-verdict.js';
import { signatureOf } from './difference.js';
import { foldVaryingKeys } from './noise/keys-vary.js';
import { compareBodies } from './compare-bodies.js';
import { diffJson } from './json-diff.js';
import { compareHeaders } from './compare-headers.js';
import { compareStatus } from './compare-status.js';
import { createOriginMap, splitEchoed } from './origin-map.js';
import type { CompareContext } from './contracts.js';
import { resolveRouteRules } from './route-rules.js';
import type { RouteRules } from './route-rules.js';

/**
 * The straightforward comparer, kept as the reference the optimised one (`comparer.ts`) must agree
 * with difference for difference (a seeded property test checks it): stage by stage, fast-json-patch's
 * `compare` for the JSON diff, `valueAt` for each `before`, every rule asked about every difference.
 * It is the code path replayguard ran before issue 16; do not optimise it, it is the yardstick.
 */
export function createReferenceComparer(config: CompareConfig): Comparer {
  const routes = new Map<string, RouteRules>();
  const rulesFor = (ctx: CompareContext): RouteRules => {
    const key = `${ctx.method.toUpperCase()} ${ctx.route}`;
    let rules = routes.get(key);
    if (!rules) {
      rules = resolveRouteRules(config, ctx.method, ctx.route);
      routes.set(key, rules);
    }
    return rules;
  };

  return {
    compare(recorded, candidate, ctx) {
      const rules = rulesFor(ctx);
      const body = compareBodies(recorded, candidate, config.maxDecodedBytes, rules.aligners, diffJson);
      const all = [
        ...compareStatus(recorded.status, candidate.status),
        ...compareHeaders(recorded.headers, candidate.headers, rules.headers, ctx, rules.ignoredHeaders),
        ...body.differences,
        // Both sides redacted there: secrets are compared as "present", never by value.
      ].filter((d) => !equalButForPlaceholders(d.before, d.after));
      const isJson = (d: Difference): boolean => d.target === 'body' && body.kind === 'json';
      const { echoed, rest } = splitEchoed(all, config.mapOrigins ? createOriginMap(ctx) : null);
      const noise = applyNoise(rest, isJson, rules.matchers, ctx);
      noise.filtered.unshift(...echoed);
      // Keys that are data fold into `*`, so a change inside them is one signature, not one per key.
      const sign = (d: Difference): Difference =>
        rules.varyingKeys.length && isJson(d) ? { ...d, signature: signatureOf({ ...d, path: foldVaryingKeys(d.path, rules.varyingKeys) }) } : d;
      const differences = noise.differences.map(sign);
      const filtered = noise.filtered.map(sign);
      return {
        verdict: verdictOf(differences, filtered),
        differences: differences.map(capDifference),
        filtered: filtered.map(capDifference),
        notes: body.notes,
      };
    },
  };
}

/** Last stage: rules have seen the full values; what is stored and rendered stays small. */
function capDifference(d: Difference): Difference {
  const out = { ...d };
  if ('before' in d) out.before = capValue(d.before);
  if ('after' in d) out.after = capValue(d.after);
  return out;
}
