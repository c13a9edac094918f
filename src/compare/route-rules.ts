import type { CompareConfig, RouteCompareConfig } from '../config/schema.js';
import { compileRule } from './noise/compile-rule.js';
import { ignorePath } from './noise/ignore-path.js';
import { isArrayAligner } from './noise/matcher.js';
import { compilePointerPattern, type PointerPattern } from './pointer-pattern.js';
import { compileRuleScope, type RuleScope } from './rule-scope.js';
import type { ArrayAligner, NoiseRuleMatcher } from './noise/matcher.js';
import { routeKey } from '../routes/route-key.js';

/** Everything that decides how one route is compared, compiled once per route. */
export interface RouteRules {
  /** Every noise rule that applies, in order: global, then `* /route`, then `METHOD /route`. */
  matchers: NoiseRuleMatcher[];
  /** The subset of `matchers` that must align arrays before the diff. */
  aligners: ArrayAligner[];
  /** Lower-case names of the headers compared on this route, ignore list already removed; may hold `*`. */
  headers: string[];
  /** Lower-case names never compared on this route (matters when `headers` holds `*`). */
  ignoredHeaders: ReadonlySet<string>;
  /** Objects whose keys are data (`keys: 'vary'` rules): their keys fold to `*` in signatures. */
  varyingKeys: PointerPattern[];
  /** `matchers` as one automaton over pointer segments, at the document's root (see rule-scope.ts). */
  scope: RuleScope;
}

/**
 * Route entries add to the global configuration: their `ignore` and `rules` are appended, their
 * `ignoreHeaders` join the global ones, and a route's `headers` list replaces the global list (the
 * method-specific entry winning over `* /route`).
 */
export function resolveRouteRules(config: CompareConfig, method: string, route: string): RouteRules {
  const entries = [config.routes[routeKey('*', route)], config.routes[routeKey(method.toUpperCase(), route)]].filter(
    (e): e is RouteCompareConfig => e !== undefined,
  );
  const ignore = [...config.ignore, ...entries.flatMap((e) => e.ignore ?? [])];
  const rules = [...config.rules, ...entries.flatMap((e) => e.rules ?? [])];
  const matchers = [...ignore.map(ignorePath), ...rules.map(compileRule)];

  let headers = config.headers;
  for (const e of entries) if (e.headers !== undefined) headers = e.headers;
  const ignored = new Set([...config.ignoreHeaders, ...entries.flatMap((e) => e.ignoreHeaders ?? [])].map((h) => h.toLowerCase()));
  const compared = [...new Set(headers.map((h) => h.toLowerCase()))].filter((h) => !ignored.has(h));

  const varyingKeys = rules.filter((r) => r.keys === 'vary').map((r) => compilePointerPattern(r.path));
  return { matchers, aligners: matchers.filter(isArrayAligner), headers: compared, ignoredHeaders: ignored, varyingKeys, scope: compileRuleScope(matchers) };
}
