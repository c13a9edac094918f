import type { Difference, HeaderPairs } from '../types.js';
import type { CompareContext } from './contracts.js';
import { makeDifference } from './difference.js';
import { headerValue } from './header-values.js';
import { HOP_BY_HOP_HEADERS } from '../http/hop-by-hop.js';

/**
 * Compares only the headers the route compares (`content-type` and `location` unless configured);
 * `date`, `etag`, hop-by-hop headers and the like are therefore never compared unless someone lists
 * them. Names are case-insensitive and repeated headers are joined with `, ` before comparing.
 */
export function compareHeaders(recorded: HeaderPairs, candidate: HeaderPairs, names: readonly string[], ctx: CompareContext, ignored: ReadonlySet<string> = new Set()): Difference[] {
  const out: Difference[] = [];
  for (const name of names.includes('*') ? expandAll(recorded, candidate, names, ignored) : names) {
    const before = normalize(name, headerValue(recorded, name));
    const after = normalize(name, rewriteOrigin(name, headerValue(candidate, name), ctx));
    if (before === after) continue;
    if (before === undefined) out.push(makeDifference({ target: 'header', op: 'add', path: name, after, change: 'added' }));
    else if (after === undefined) out.push(makeDifference({ target: 'header', op: 'remove', path: name, before, change: 'removed' }));
    else out.push(makeDifference({ target: 'header', op: 'replace', path: name, before, after, change: 'value changed' }));
  }
  return out;
}

/**
 * Headers that `*` never brings in: hop-by-hop ones, and those that only restate the body
 * (`content-length`, `content-encoding`: bodies are compared decoded).
 */
const NEVER_BY_WILDCARD: ReadonlySet<string> = new Set([...HOP_BY_HOP_HEADERS, 'content-length', 'content-encoding']);

/** `*` in the compared list: every header either side sent, in a stable order. */
function expandAll(recorded: HeaderPairs, candidate: HeaderPairs, names: readonly string[], ignored: ReadonlySet<string>): string[] {
  const all = new Set(names.filter((n) => n !== '*'));
  for (const [k] of recorded) all.add(k.toLowerCase());
  for (const [k] of candidate) all.add(k.toLowerCase());
  return [...all].filter((n) => !NEVER_BY_WILDCARD.has(n) && !ignored.has(n)).sort();
}

/**
 * `content-type` parameters are case- and space-insensitive in practice (`charset=UTF-8` and
 * `charset=utf-8; ` name the same thing); other headers compare as sent.
 */
function normalize(name: string, value: string | undefined): string | undefined {
  if (value === undefined || name !== 'content-type') return value;
  return value
    .split(';')
    .map((p) => p.trim().toLowerCase())
    .filter((p) => p !== '')
    .join('; ');
}

/**
 * The candidate redirects to itself with its own origin; the recording redirected to the recorded
 * upstream. Rewriting the candidate's origin back makes `http://127.0.0.1:3000/x` equal to
 * `http://staging:8080/x`. Origins are compared through URL so default ports and case do not matter.
 */
export function rewriteOrigin(name: string, value: string | undefined, ctx: CompareContext): string | undefined {
  if (name !== 'location' || value === undefined || !ctx.candidateOrigin || !ctx.recordedOrigin) return value;
  let target: URL;
  let candidate: URL;
  let recorded: URL;
  try {
    target = new URL(value);
    candidate = new URL(ctx.candidateOrigin);
    recorded = new URL(ctx.recordedOrigin);
  } catch {
    return value; // relative redirect or unparsable origin: nothing to rewrite
  }
  if (target.origin !== candidate.origin) return value;
  // Slice rather than re-serialise: the rest of the value must stay byte-for-byte as the candidate sent it.
  const authority = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(value);
  return authority ? `${recorded.origin}${value.slice(authority[0].length)}` : value;
}
