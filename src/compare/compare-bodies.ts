import type { Difference } from '../types.js';
import { alignArrays } from './align-arrays.js';
import { serialisedBound } from './cap-value.js';
import { diffBinary } from './binary-diff.js';
import { classifyBody } from './classify-body.js';
import type { ClassifiedBody } from './classify-body.js';
import type { ComparableResponse } from './contracts.js';
import { decodeBody } from './decode-body.js';
import type { DecodedBody } from './decode-body.js';
import { walkJsonDiff } from './json-walk.js';
import type { ArrayAligner } from './noise/matcher.js';
import type { RuleScope } from './rule-scope.js';
import { headerValue } from './header-values.js';
import { diffText } from './text-diff.js';

/** The body stage's output: differences, remarks, and whether they are JSON (noise rules apply). */
export interface BodyComparison {
  differences: Difference[];
  notes: string[];
  /** `json` when differences carry JSON pointers (both bodies JSON, or JSON against an empty body). */
  kind: 'json' | 'text' | 'binary' | 'empty';
  /** For JSON: no value taken from either document serialises to more characters than this (see serialisedBound). */
  serialisedAtMost?: number;
}

/**
 * normalize (decode, trim to what both sides can show, classify) → diff by kind. JSON against JSON is
 * a structural diff after array alignment; anything binary is a hash comparison; the rest is a line diff
 * (a JSON body that turned into HTML shows the lines that changed).
 */
export function compareBodies(
  recorded: ComparableResponse,
  candidate: ComparableResponse,
  maxDecodedBytes: number,
  aligners: readonly ArrayAligner[],
  /** The structural JSON diff: the fast walk, or fast-json-patch for the reference comparer. */
  diffJson: (recorded: unknown, candidate: unknown) => Difference[] = walkJsonDiff,
  /** The route's rule automaton, which spares the alignment a pointer per array (the reference has none). */
  scope?: RuleScope,
): BodyComparison {
  // Fast path, the common case of a replay that passes: the same bytes under the same encoding are
  // the same body, whatever their kind; no decoding, parsing or diffing needed.
  if (identicalWire(recorded, candidate)) return { differences: [], notes: [], kind: 'empty' };
  const notes: string[] = [];
  const a = decodeBody(recorded.headers, recorded.body, maxDecodedBytes);
  const b = decodeBody(candidate.headers, candidate.body, maxDecodedBytes);
  if (a.note) notes.push(`recorded ${a.note}`);
  if (b.note) notes.push(`candidate ${b.note}`);
  const [ra, rb] = trimToComparable(a, b, notes);

  if (ra.length === 0 && rb.length === 0) return { differences: [], notes, kind: 'empty' };
  const ca = classifyBody(recorded.headers, ra);
  const cb = classifyBody(candidate.headers, rb);
  if (ca.note) notes.push(`recorded ${ca.note}`);
  if (cb.note) notes.push(`candidate ${cb.note}`);

  const ja = jsonOrAbsent(ca, ra);
  const jb = jsonOrAbsent(cb, rb);
  if (ja !== NOT_JSON && jb !== NOT_JSON) {
    const aligned = alignArrays(ja, jb, aligners, scope);
    const serialisedAtMost = Math.max(serialisedBound(ca.kind === 'json' ? ca.text : ''), serialisedBound(cb.kind === 'json' ? cb.text : ''));
    return { differences: [...aligned.differences, ...diffJson(ja, aligned.candidate)], notes, kind: 'json', serialisedAtMost };
  }
  if (ca.kind === 'binary' || cb.kind === 'binary') return { differences: diffBinary(ra, rb), notes, kind: 'binary' };
  if (ca.kind !== cb.kind && ra.length > 0 && rb.length > 0) notes.push(`recorded body is ${ca.kind}, candidate body is ${cb.kind}; compared as text`);
  const text = diffText(textOf(ca), textOf(cb));
  return { differences: text.differences, notes: [...notes, ...text.notes], kind: 'text' };
}

const NOT_JSON = Symbol('not json');

function identicalWire(a: ComparableResponse, b: ComparableResponse): boolean {
  if (a.body.truncated || b.body.truncated) return false;
  const ba = a.body.bytes ?? EMPTY;
  const bb = b.body.bytes ?? EMPTY;
  return ba.length === bb.length && headerValue(a.headers, 'content-encoding') === headerValue(b.headers, 'content-encoding') && ba.equals(bb);
}

const EMPTY = Buffer.alloc(0);

/** The parsed value, `undefined` for an empty body (so JSON vs nothing is a root add/remove), or NOT_JSON. */
function jsonOrAbsent(c: ClassifiedBody, bytes: Buffer): unknown {
  if (c.kind === 'json') return c.value;
  return bytes.length === 0 ? undefined : NOT_JSON;
}

function textOf(c: ClassifiedBody): string {
  return c.kind === 'binary' ? '' : c.text;
}

/**
 * When one side is only a prefix (stored truncated, or decoded past the cap), bytes of the other side
 * beyond that prefix have nothing to be compared with; comparing them would invent differences. The
 * longer side is cut to the shorter's length — but only the side that is longer than a partial one,
 * so a complete body that is genuinely shorter still shows as different.
 */
function trimToComparable(a: DecodedBody, b: DecodedBody, notes: string[]): [Buffer, Buffer] {
  let ra = a.bytes;
  let rb = b.bytes;
  if (a.partial && rb.length > ra.length) rb = rb.subarray(0, ra.length);
  if (b.partial && ra.length > rb.length) ra = ra.subarray(0, rb.length);
  if (ra !== a.bytes || rb !== b.bytes) notes.push(`compared the first ${Math.min(ra.length, rb.length)} bytes of both bodies only`);
  return [ra, rb];
}
