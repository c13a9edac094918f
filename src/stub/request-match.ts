import { diffJson } from '../compare/json-diff.js';
import type { FieldDifference } from '../types/run.js';
import type { RequestShape } from './request-shape.js';

export type { FieldDifference };

/** At most this many body fields are named per candidate: enough to see the cause, small enough to read. */
const MAX_BODY_FIELDS = 8;

function byName(pairs: readonly string[], sep: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const p of pairs) {
    const i = p.indexOf(sep);
    const name = p.slice(0, i);
    const list = out.get(name) ?? [];
    list.push(p.slice(i + sep.length));
    out.set(name, list);
  }
  return out;
}

function multisetDifferences(recorded: readonly string[], received: readonly string[], sep: string, prefix: string): FieldDifference[] {
  const a = byName(recorded, sep);
  const b = byName(received, sep);
  const out: FieldDifference[] = [];
  for (const name of new Set([...a.keys(), ...b.keys()])) {
    const x = (a.get(name) ?? []).sort();
    const y = (b.get(name) ?? []).sort();
    if (x.length === y.length && x.every((v, i) => v === y[i])) continue;
    const one = (v: string[]): unknown => (v.length === 0 ? undefined : v.length === 1 ? v[0] : v);
    out.push({ field: `${prefix}.${name}`, recorded: one(x), received: one(y) });
  }
  return out;
}

function bodyDifferences(recorded: RequestShape['body'], received: RequestShape['body']): FieldDifference[] {
  if (recorded.kind === 'json' && received.kind === 'json') {
    if (recorded.canonical === received.canonical) return [];
    const diffs = diffJson(JSON.parse(recorded.canonical), JSON.parse(received.canonical));
    return diffs.slice(0, MAX_BODY_FIELDS).map((d) => ({ field: `body${d.path}`, recorded: d.before, received: d.after }));
  }
  if (recorded.kind === 'bytes' && received.kind === 'bytes') {
    return recorded.hash === received.hash ? [] : [{ field: 'body', recorded: `${recorded.size} bytes (sha1 ${recorded.hash.slice(0, 12)})`, received: `${received.size} bytes (sha1 ${received.hash.slice(0, 12)})` }];
  }
  if (recorded.kind === 'none' && received.kind === 'none') return [];
  const describe = (b: RequestShape['body']): string => (b.kind === 'none' ? 'no body' : b.kind === 'json' ? 'a JSON body' : `${b.size} bytes`);
  return [{ field: 'body', recorded: describe(recorded), received: describe(received) }];
}

/** Every field in which two requests of the same method and route differ (empty: they match). */
export function differencesBetween(recorded: RequestShape, received: RequestShape): FieldDifference[] {
  const out: FieldDifference[] = [];
  if (recorded.path !== received.path) out.push({ field: 'path', recorded: recorded.path, received: received.path });
  out.push(...multisetDifferences(recorded.query, received.query, '=', 'query'));
  out.push(...multisetDifferences(recorded.headers, received.headers, ': ', 'header'));
  out.push(...bodyDifferences(recorded.body, received.body));
  return out;
}

export interface NearMiss<T> {
  candidate: T;
  differences: FieldDifference[];
}

/**
 * The recorded requests closest to the one received (fewest differing fields first, then recorded
 * order), at most `limit`. Candidates sharing a key are one request: only the first of each is scored.
 */
export function closestCandidates<T extends { shape: RequestShape }>(candidates: Iterable<T>, received: RequestShape, limit: number, maxScored = 200): Array<NearMiss<T>> {
  const seen = new Set<string>();
  const scored: Array<NearMiss<T>> = [];
  for (const c of candidates) {
    if (seen.has(c.shape.key)) continue;
    seen.add(c.shape.key);
    scored.push({ candidate: c, differences: differencesBetween(c.shape, received) });
    // A route recorded a million times is not scored a million times per miss.
    if (seen.size >= maxScored) break;
  }
  return scored.sort((a, b) => a.differences.length - b.differences.length).slice(0, limit);
}
