/**
 * The comparison stage: a named pipeline of small pure stages,
 * normalize (decode, classify) → diff (status, headers, JSON/text/binary body) → noise rules → classify.
 * Filtered differences are kept, tagged with the rule that filtered them.
 */
import { compareSchema } from '../config/schema.js';
import type { CompareConfig } from '../config/schema.js';
import type { Comparison } from '../types.js';
import { createComparer } from './comparer.js';
import type { Comparer } from './comparer.js';
import type { ComparableResponse, CompareContext } from './contracts.js';

export type { ComparableResponse, CompareContext } from './contracts.js';
export type { Comparer } from './comparer.js';
export { createComparer } from './comparer.js';
export { decodeBody } from './decode-body.js';
export type { DecodedBody } from './decode-body.js';
export { classifyBody } from './classify-body.js';
export type { BodyKind, ClassifiedBody } from './classify-body.js';
export { matchPointer, compilePointerPattern } from './pointer-pattern.js';
export type { PointerPattern } from './pointer-pattern.js';
export { foldPointer, escapeSegment, unescapeSegment, parsePointer, valueAt } from './json-pointer.js';
export { signatureOf, formatSignature, parseSignature, describeDifference, type SignatureParts } from './difference.js';
export { formatOf, matchesFormat } from './formats.js';
export type { ValueFormat, FormatMatcher } from './formats.js';
export { jsonTypeOf, deepEqual, canonicalJson } from './json-value.js';
export type { JsonType } from './json-value.js';
export type { NoiseRuleMatcher, ArrayAligner, ArrayAlignment } from './noise/matcher.js';
export { compileRule } from './noise/compile-rule.js';

let defaultComparer: Comparer | undefined;

/**
 * Compares with `config`, or with the default configuration (built on first use, then reused) when
 * none is given. Passing a config builds a fresh comparer each call; hold one from `createComparer`
 * when comparing many exchanges.
 */
export function compare(recorded: ComparableResponse, candidate: ComparableResponse, ctx: CompareContext, config?: CompareConfig): Comparison {
  if (config) return createComparer(config).compare(recorded, candidate, ctx);
  defaultComparer ??= createComparer(compareSchema.parse({}));
  return defaultComparer.compare(recorded, candidate, ctx);
}
