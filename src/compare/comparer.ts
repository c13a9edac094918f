import type { CompareConfig } from '../config/schema.js';
import { equalButForPlaceholders } from '../redact/placeholder.js';
import type { Comparison, Difference } from '../types.js';
import type { NoiseRuleMatcher } from './noise/matcher.js';
import { capValue } from './cap-value.js';
import { verdictOf } from './classify-verdict.js';
import { signatureOf } from './difference.js';
import { foldVaryingKeys } from './noise/keys-vary.js';
import { compareBodies } from './compare-bodies.js';
import { walkJsonDiff } from './json-walk.js';
import type { RuleScope } from './rule-scope.js';
import { compareHeaders } from './compare-headers.js';
import { compareStatus } from './compare-status.js';
import { createOriginMap, type OriginMap } from './origin-map.js';
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
      // The walk reports the rule scope of each difference it emits; the alignment stage's few
      // differences, which come first, have none and are matched against every rule's pattern.
      const scopes: RuleScope[] = [];
      const body = compareBodies(recorded, candidate, config.maxDecodedBytes, rules.aligners, (a, b) => walkJsonDiff(a, b, rules.scope, scopes), rules.scope);
      const differences: Difference[] = [];
      const filtered: Difference[] = [];
      // Environment, not behaviour: the target echoing its own address where the recording had the
      // upstream's. Listed first among the filtered, as the reference comparer does (splitEchoed).
      const echoed: Difference[] = [];
      const origin = originMapFor(ctx);
      // One pass, one object per difference: the stages of the reference comparer (placeholders, noise,
      // signature folding, capping) each copied every difference, which on a noisy 64 KB body was
      // thousands of short-lived objects. The differences come fresh from the diff stages, so they are
      // finished in place; the result is the reference's, key order included (a property test checks).
      const take = (d: Difference, json: boolean, scope?: RuleScope): void => {
        // Both sides redacted there: secrets are compared as "present", never by value.
        if (equalButForPlaceholders(d.before, d.after)) return;
        const why = origin?.explain(d) ?? null;
        const rule = !why && json ? firstFilter(scope, rules.matchers, d, ctx) : undefined;
        // Keys that are data fold into `*`, so a change inside them is one signature, not one per key.
        if (json && rules.varyingKeys.length) d.signature = signatureOf({ ...d, path: foldVaryingKeys(d.path, rules.varyingKeys) });
        // Last stage: rules have seen the full values; what is stored and rendered stays small.
        const within = json ? body.serialisedAtMost : undefined;
        if ('before' in d) d.before = capValue(d.before, within);
        if ('after' in d) d.after = capValue(d.after, within);
        if (why) {
          d.filteredBy = why;
          echoed.push(d);
        } else if (rule) {
          d.filteredBy = rule.describe();
          filtered.push(d);
        } else {
          differences.push(d);
        }
      };
      for (const d of compareStatus(recorded.status, candidate.status)) take(d, false);
      for (const d of compareHeaders(recorded.headers, candidate.headers, rules.headers, ctx, rules.ignoredHeaders)) take(d, false);
      const json = body.kind === 'json';
      const firstScoped = body.differences.length - scopes.length;
      body.differences.forEach((d, i) => take(d, json, i >= firstScoped ? scopes[i - firstScoped] : undefined));
      if (echoed.length) filtered.unshift(...echoed);
      return { verdict: verdictOf(differences, filtered), differences, filtered, notes: body.notes };
    },
  };
}

/**
 * The first rule that filters a JSON body difference, as `applyNoise` decides it (rules in order: the
 * ignores, then the rules, global before route). With the difference's scope, only the rules whose
 * pattern is known to cover it are asked, and only about its values.
 */
function firstFilter(scope: RuleScope | undefined, matchers: readonly NoiseRuleMatcher[], d: Difference, ctx: CompareContext): NoiseRuleMatcher | undefined {
  if (scope) {
    for (const m of scope.rules) if (m.judge ? m.judge(d, ctx) : m.filters(d, ctx)) return m;
    return undefined;
  }
  for (const m of matchers) if (m.filters(d, ctx)) return m;
  return undefined;
}
