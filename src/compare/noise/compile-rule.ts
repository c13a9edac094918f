import { ReplayguardError } from '../../errors.js';
import type { NoiseRule } from '../../config/schema.js';
import { domainMatch } from './domain-match.js';
import { formatMatch } from './format-match.js';
import { keysVary } from './keys-vary.js';
import type { NoiseRuleMatcher } from './matcher.js';
import { regexMatch } from './regex-match.js';
import { relativeTolerance } from './relative-tolerance.js';
import { sameType } from './same-type.js';
import { tolerance } from './tolerance.js';
import { unordered } from './unordered.js';
import { unorderedBy } from './unordered-by.js';

/**
 * Turns one configured rule into its matcher. The schema already guarantees exactly one kind per rule;
 * the check here covers programmatic callers who build a CompareConfig by hand.
 */
export function compileRule(rule: NoiseRule): NoiseRuleMatcher {
  const { path } = rule;
  if (rule.unordered) return unordered(path);
  if (rule.unorderedBy !== undefined) return unorderedBy(path, rule.unorderedBy);
  if (rule.tolerance !== undefined) return tolerance(path, rule.tolerance);
  if (rule.relative !== undefined) return relativeTolerance(path, rule.relative);
  if (rule.keys === 'vary') return keysVary(path);
  switch (rule.match) {
    case 'type':
      return sameType(path);
    case 'regex':
      if (rule.pattern === undefined) break;
      return regexMatch(path, rule.pattern);
    case 'domain':
      if (rule.values === undefined) break;
      return domainMatch(path, rule.values);
    case 'uuid':
    case 'timestamp':
    case 'jwt':
    case 'hex':
    case 'number-like':
      return formatMatch(path, rule.match);
    case undefined:
      break;
  }
  throw new ReplayguardError('RG_ERR_CONFIG_INVALID', {
    details: `noise rule for ${path} needs one of match, tolerance, relative, unordered, unorderedBy, keys (match regex needs a pattern, match domain values)`,
    source: 'compare.rules',
  });
}
