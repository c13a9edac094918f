import type { CompareConfig } from '../config/schema.js';
import { equalButForPlaceholders } from '../redact/placeholder.js';
import type { Comparison, Difference } from '../types.js';
import { applyNoise } from './apply-noise.js';
import { capValue } from './cap-value.js';
import { verdictOf } from './classify-verdict.js';
import { signatureOf } from './difference.js';
import { foldVaryingKeys } from './noise/keys-vary.js';
import { compareBodies } from './compare-bodies.js';
import { compareHeaders } from './compare-headers.js';
import { compareStatus } from './compare-status.js';
import { createOriginMap, splitEchoed, type OriginMap } from './origin-map.js';
import type { ComparableResponse, CompareContext } from './contracts.js';
import { resolveRouteRules } from './route-rules.js';
import type { RouteRules } from './route-rules.js';

/** Compares a recorded response with a candidate's under one configuration. Pure: no I/O, no clock. */
export interface Comparer {
  /**
   * Runs the pipeline normalize → diff → noise rules → classify. Never throws on response content:
   * what could not be decoded or parsed is compared as bytes or text and explained in `notes`.
   */
  compare(recorded: ComparableResponse, candidate: ComparableResponse, ctx: CompareContext): Comparison;
}

/**
 * Builds a comparer. Rules are compiled once per route (patterns parsed, regexes built) on first use
 * and reused for every exchange of that route; that cache is the comparer's only state.
 */
export function createComparer(config: CompareConfig): Comparer {
  const routes = new Map<string, RouteRules>();
  // A handful of (target, upstream, host) combinations per run: built once each.
  const origins = new Map<string, OriginMap | null>();
  const originMapFor = (ctx: CompareContext): OriginMap | null => {
    if (!config.mapOrigins) return null;
    const key = `${ctx.candidateOrigin ?? ''}\0${ctx.recordedOrigin ?? ''}\0${ctx.recordedHost ?? ''}`;
    if (!origins.has(key)) origins.set(key, createOriginMap(ctx));
    return origins.get(key)!;
  };
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
      const body = compareBodies(recorded, candidate, config.maxDecodedBytes, rules.aligners);
      const all = [
        ...compareStatus(recorded.status, candidate.status),
        ...compareHeaders(recorded.headers, candidate.headers, rules.headers, ctx, rules.ignoredHeaders),
        ...body.differences,
        // Both sides redacted there: secrets are compared as "present", never by value.
      ].filter((d) => !equalButForPlaceholders(d.before, d.after));
      const isJson = (d: Difference): boolean => d.target === 'body' && body.kind === 'json';
      // Environment, not behaviour: the target echoing its own address where the recording had the upstream's.
      const { echoed, rest } = splitEchoed(all, originMapFor(ctx));
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
