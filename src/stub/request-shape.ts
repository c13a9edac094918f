import { createHash } from 'node:crypto';
import { parseJsonBody } from '../compare/json-body.js';
import { canonicalJson as canonicalForm } from '../compare/json-value.js';
import { childPointer } from '../compare/json-pointer.js';
import { compilePointerPattern, type PointerPattern } from '../compare/pointer-pattern.js';
import { isPlaceholder } from '../redact/placeholder.js';
import type { RouteTemplater } from '../routes/route-template.js';
import type { HeaderPairs } from '../types.js';

/**
 * A request reduced to what a stub matches on: method, route template, path, query as a multiset,
 * the chosen headers, and the body (JSON canonicalised so key order and whitespace do not count,
 * other bodies by hash). Recorded and incoming requests go through the same function, so "the same
 * request" means one thing for matching, repeat counting and fault decisions.
 */
export interface RequestShape {
  method: string;
  route: string;
  path: string;
  /** `name=value` pairs, sorted (a multiset: order never counts, repeats do). */
  query: string[];
  /** `name: value` of the matched headers, names lower-cased, sorted. */
  headers: string[];
  body: BodyShape;
  /** sha1 of all the above: equal keys, same request. */
  key: string;
}

export type BodyShape = { kind: 'none' } | { kind: 'json'; canonical: string } | { kind: 'bytes'; hash: string; size: number };

/** What is left out of matching: `stub.ignore` and what recording redacted (a secret cannot be matched). */
export interface IgnoreSet {
  pointers: readonly PointerPattern[];
  query: ReadonlySet<string>;
  headers: ReadonlySet<string>;
}

export interface ShapeRules {
  templater: RouteTemplater;
  ignore: IgnoreSet;
  /** Lower-cased header names that must match. */
  matchHeaders: readonly string[];
}

/** `stub.ignore` split into body pointers (`/…`, `**…`) and query parameter names (everything else). */
export function compileIgnore(entries: readonly string[]): IgnoreSet {
  const pointers = entries.filter((e) => e.startsWith('/') || e.startsWith('**')).map(compilePointerPattern);
  const query = new Set(entries.filter((e) => !e.startsWith('/') && !e.startsWith('**')));
  return { pointers, query, headers: new Set() };
}

export function mergeIgnore(a: IgnoreSet, b: IgnoreSet): IgnoreSet {
  return { pointers: [...a.pointers, ...b.pointers], query: new Set([...a.query, ...b.query]), headers: new Set([...a.headers, ...b.headers]) };
}

export interface RawRequest {
  method: string;
  url: string;
  headers: HeaderPairs;
  body: Buffer | null;
}

function splitUrl(url: string): { path: string; search: string } {
  const q = url.indexOf('?');
  return q === -1 ? { path: url, search: '' } : { path: url.slice(0, q), search: url.slice(q + 1) };
}

export function queryPairs(search: string): Array<[string, string]> {
  return search === '' ? [] : [...new URLSearchParams(search)];
}

function headerValue(headers: HeaderPairs, name: string): string[] {
  return headers.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);
}

/** The request's JSON value, by the one rule replay and comparison use (compare/json-body). */
function jsonOf(request: RawRequest): { value: unknown } | null {
  return request.body ? parseJsonBody(request.headers, { bytes: request.body, size: request.body.length, truncated: false }) : null;
}

/**
 * Keys sorted, ignored pointers dropped: two bodies equal as JSON give the same string. The value is
 * pruned here and written by compare's canonicalJson, the one canonical form of a JSON value.
 */
export function canonicalJson(value: unknown, ignore: readonly PointerPattern[]): string {
  return ignore.length === 0 ? canonicalForm(value) : canonicalForm(pruneIgnored(value, ignore, ''));
}

/** An ignored array item stays as a marker (positions still count); an ignored key goes. */
function pruneIgnored(value: unknown, ignore: readonly PointerPattern[], pointer: string): unknown {
  if (Array.isArray(value)) return value.map((v, i) => (isIgnored(ignore, childPointer(pointer, i)) ? '\u0000ignored' : pruneIgnored(v, ignore, childPointer(pointer, i))));
  if (value !== null && typeof value === 'object') {
    // No prototype: a recorded `"__proto__"` key stays an ordinary key.
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const [k, v] of Object.entries(value)) {
      const p = childPointer(pointer, k);
      if (!isIgnored(ignore, p)) out[k] = pruneIgnored(v, ignore, p);
    }
    return out;
  }
  return value;
}

function isIgnored(ignore: readonly PointerPattern[], pointer: string): boolean {
  for (const p of ignore) if (p.matches(pointer)) return true;
  return false;
}

export function shapeOf(request: RawRequest, rules: ShapeRules, extra?: IgnoreSet): RequestShape {
  const ignore = extra ? mergeIgnore(rules.ignore, extra) : rules.ignore;
  const { path, search } = splitUrl(request.url);
  const method = request.method.toUpperCase();
  const query = queryPairs(search)
    .filter(([n]) => !ignore.query.has(n))
    .map(([n, v]) => `${n}=${v}`)
    .sort();
  const headers: string[] = [];
  for (const name of rules.matchHeaders) {
    if (ignore.headers.has(name)) continue;
    for (const v of headerValue(request.headers, name)) headers.push(`${name}: ${v}`);
  }
  headers.sort();
  const json = jsonOf(request);
  const body: BodyShape =
    json !== null
      ? { kind: 'json', canonical: canonicalJson(json.value, ignore.pointers) }
      : request.body && request.body.length > 0
        ? { kind: 'bytes', hash: createHash('sha1').update(request.body).digest('hex'), size: request.body.length }
        : { kind: 'none' };
  const route = rules.templater.templateOf(path);
  const h = createHash('sha1');
  for (const part of [method, path, ...query, '\u0001', ...headers, '\u0001', body.kind, body.kind === 'json' ? body.canonical : body.kind === 'bytes' ? body.hash : '']) h.update(part).update('\u0000');
  return { method, route, path, query, headers, body, key: h.digest('hex') };
}

/**
 * Where a recorded request holds a redaction placeholder: those fields can never equal what a live
 * client sends, so matching leaves them out (for requests to the same route).
 */
export function redactedFields(request: RawRequest, matchHeaders: readonly string[]): { pointers: string[]; query: string[]; headers: string[] } {
  const out = { pointers: [] as string[], query: [] as string[], headers: [] as string[] };
  for (const [n, v] of queryPairs(splitUrl(request.url).search)) if (v.includes('[REDACTED:')) out.query.push(n);
  for (const name of matchHeaders) if (headerValue(request.headers, name).some((v) => v.includes('[REDACTED:'))) out.headers.push(name);
  const walk = (v: unknown, p: string): void => {
    if (isPlaceholder(v)) out.pointers.push(p);
    else if (Array.isArray(v)) v.forEach((x, i) => walk(x, childPointer(p, i)));
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, childPointer(p, k));
  };
  const json = jsonOf(request);
  if (json !== null) walk(json.value, '');
  return out;
}
