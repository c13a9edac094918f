import { formatOf } from '../compare/index.js';
import { MAX_JSON_BODY, parseJsonBody } from '../compare/json-body.js';
import { hasJsonContentType, headerValue } from '../compare/header-values.js';
import type { ComparableResponse } from '../compare/index.js';
import { compilePointerPattern, type PointerPattern } from '../compare/pointer-pattern.js';
import type { OutgoingRequest } from './http-client.js';

/**
 * Stateful replay: ids created during the replay carried into later requests.
 *
 * A recorded `POST /orders` answered `{"id":"a1…"}` and the recording then asked `GET /orders/a1…`.
 * Replayed, the candidate creates its own order, `{"id":"f7…"}`, so the recorded GET would ask for an
 * order the candidate never had. After each state-changing exchange, ids that differ between the
 * recorded and the candidate response (same place in both documents, id-like on both sides) are
 * mapped recorded → candidate; later requests are rewritten (path segments, query values, JSON
 * bodies), and later candidate responses are translated back before comparing, so `f7…` in a response
 * reads as the `a1…` the recording had.
 */

/**
 * Which ids are identities (mapped) and which are references (never mapped, unless configured):
 * - the `id`, `_id`, `uuid` or `guid` of the response's top-level object, or of each element of a
 *   top-level array;
 * - the last path segment of a `Location` header;
 * - values at the `replay.identities` pointer patterns (`/data/id`, `/items/*\/sku`).
 * A nested `category.id`, `tags[].id` or a reference such as `userId` is someone else's identity: a
 * candidate that linked the wrong category would otherwise have that mistake mapped away. Tokens are
 * secrets, followed through their placeholders (placeholder-map.ts), not here.
 */
const ID_KEY = /^(id|_id|uuid|guid)$/;
const MAX_ENTRIES = 10_000;

/**
 * Short values are never mapped: an order numbered 7 in the recording and 8 in the candidate would
 * otherwise turn every later `/users/7` into `/users/8`.
 */
const MIN_ID_LENGTH = 6;

function idLike(value: unknown): value is string | number {
  if (typeof value === 'number') return Number.isSafeInteger(value) && String(value).length >= MIN_ID_LENGTH;
  if (typeof value !== 'string' || value.length < MIN_ID_LENGTH || value.length > 512) return false;
  return formatOf(value) === 'jwt' || /^[\w.~-]+$/.test(value);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Replace every string (or number) equal to a key of `map`; returns the new value and whether it changed. */
function substitute(value: unknown, map: ReadonlyMap<string, string>): { value: unknown; changed: boolean } {
  if (typeof value === 'string' || typeof value === 'number') {
    const to = map.get(String(value));
    if (to === undefined) return { value, changed: false };
    return { value: typeof value === 'number' && /^-?\d+$/.test(to) ? Number(to) : to, changed: true };
  }
  if (Array.isArray(value)) {
    let changed = false;
    const out = value.map((v) => {
      const r = substitute(v, map);
      changed ||= r.changed;
      return r.value;
    });
    return { value: changed ? out : value, changed };
  }
  if (value !== null && typeof value === 'object') {
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const r = substitute(v, map);
      changed ||= r.changed;
      out[k] = r.value;
    }
    return { value: changed ? out : value, changed };
  }
  return { value, changed: false };
}

/** One recorded → candidate replacement, as shown in results and the report. */
export interface IdMapping {
  from: string;
  to: string;
  /** Where the recorded id was found when it was learned, e.g. `POST /things → /id`, `Location`. */
  learnedAt: string;
}

export class IdMap {
  /** recorded → candidate */
  private readonly forward = new Map<string, string>();
  /** candidate → recorded */
  private readonly backward = new Map<string, string>();
  private readonly origin = new Map<string, string>();
  private readonly identities: PointerPattern[];

  /** @param identities extra pointer patterns whose values are identities (`replay.identities`) */
  constructor(identities: readonly string[] = []) {
    this.identities = identities.map(compilePointerPattern);
  }

  get size(): number {
    return this.forward.size;
  }

  /** Learn from a state-changing exchange: identities that differ at the same place in both responses. */
  learn(recorded: ComparableResponse, candidate: ComparableResponse, label = ''): void {
    if (recorded.status >= 400 || candidate.status >= 400) return;
    const loc = [headerValue(recorded.headers, 'location'), headerValue(candidate.headers, 'location')];
    if (loc[0] && loc[1]) {
      const a = loc[0].split('?')[0]!.split('/').pop();
      const b = loc[1].split('?')[0]!.split('/').pop();
      this.pair(a, b, `${label} Location`.trim());
    }
    const a = parseJsonBody(recorded.headers, recorded.body);
    const b = parseJsonBody(candidate.headers, candidate.body);
    if (!a || !b) return;
    const roots = Array.isArray(a.value) && Array.isArray(b.value) ? a.value.map((v, i) => [v, (b.value as unknown[])[i], `/${i}`] as const) : [[a.value, b.value, ''] as const];
    for (const [x, y, at] of roots) {
      if (!isObject(x) || !isObject(y)) continue;
      for (const key of Object.keys(x)) if (ID_KEY.test(key) && key in y) this.pair(x[key], y[key], `${label} ${at}/${key}`.trim());
    }
    if (this.identities.length > 0) this.walk(a.value, b.value, '', label);
  }

  private pair(a: unknown, b: unknown, learnedAt: string): void {
    if (this.forward.size >= MAX_ENTRIES || a === b || !idLike(a) || !idLike(b) || typeof a !== typeof b) return;
    this.forward.set(String(a), String(b));
    this.backward.set(String(b), String(a));
    this.origin.set(String(a), learnedAt);
  }

  /** Configured identities anywhere in the document. */
  private walk(a: unknown, b: unknown, pointer: string, label: string): void {
    if (Array.isArray(a) && Array.isArray(b)) {
      for (let i = 0; i < Math.min(a.length, b.length); i++) this.walk(a[i], b[i], `${pointer}/${i}`, label);
    } else if (isObject(a) && isObject(b)) {
      for (const k of Object.keys(a)) if (k in b) this.walk(a[k], b[k], `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, label);
    } else if (this.identities.some((p) => p.matches(pointer))) {
      this.pair(a, b, `${label} ${pointer}`.trim());
    }
  }

  /** The mappings a rewritten request used, for the result. */
  mappingsIn(original: OutgoingRequest, rewritten: OutgoingRequest): IdMapping[] {
    if (original === rewritten) return [];
    const before = `${original.path}\n${original.body?.toString('utf8') ?? ''}`;
    const out: IdMapping[] = [];
    for (const [from, to] of this.forward) {
      if (before.includes(from) || before.includes(encodeURIComponent(from))) out.push({ from, to, learnedAt: this.origin.get(from) ?? '' });
    }
    return out;
  }

  /** The request with recorded ids replaced by the candidate's, in the path, the query and a JSON body. */
  rewriteRequest(request: OutgoingRequest): OutgoingRequest {
    if (this.forward.size === 0) return request;
    const q = request.path.indexOf('?');
    const rawPath = q === -1 ? request.path : request.path.slice(0, q);
    const mapPart = (part: string): string => {
      let decoded = part;
      try {
        decoded = decodeURIComponent(part);
      } catch {
        return part;
      }
      const to = this.forward.get(decoded);
      return to === undefined ? part : encodeURIComponent(to);
    };
    const path = rawPath.split('/').map(mapPart).join('/');
    const query = q === -1 ? '' : `?${request.path.slice(q + 1).split('&').map((kv) => {
      const eq = kv.indexOf('=');
      return eq === -1 ? kv : `${kv.slice(0, eq + 1)}${mapPart(kv.slice(eq + 1))}`;
    }).join('&')}`;
    let body = request.body;
    let headers = request.headers;
    if (body && body.length > 0 && body.length <= MAX_JSON_BODY && hasJsonContentType(request.headers) && !headerValue(request.headers, 'content-encoding')) {
      try {
        const r = substitute(JSON.parse(body.toString('utf8')), this.forward);
        if (r.changed) {
          body = Buffer.from(JSON.stringify(r.value));
          headers = request.headers.filter(([k]) => k.toLowerCase() !== 'content-length');
        }
      } catch {
        // not JSON after all: sent as recorded
      }
    }
    return { ...request, path: path + query, headers, body };
  }

  /** The candidate's response with its own ids read back as the recorded ones, for comparing. */
  translateResponse(response: ComparableResponse): ComparableResponse {
    if (this.backward.size === 0) return response;
    let headers = response.headers;
    const loc = headerValue(headers, 'location');
    if (loc) {
      const mapped = loc.split('/').map((p) => this.backward.get(p) ?? p).join('/');
      if (mapped !== loc) headers = headers.map(([k, v]) => (k.toLowerCase() === 'location' ? [k, mapped] : [k, v]));
    }
    const parsed = parseJsonBody(response.headers, response.body);
    if (!parsed) return headers === response.headers ? response : { ...response, headers };
    const r = substitute(parsed.value, this.backward);
    if (!r.changed) return headers === response.headers ? response : { ...response, headers };
    const bytes = Buffer.from(JSON.stringify(r.value));
    return {
      ...response,
      // Re-serialised and no longer encoded: drop the encoding so the comparer reads it as is.
      headers: headers.filter(([k]) => k.toLowerCase() !== 'content-encoding' && k.toLowerCase() !== 'content-length'),
      body: { bytes, size: bytes.length, truncated: false },
    };
  }
}

/**
 * The identities a recorded response hands out, by the same rules `IdMap.learn` maps them (top-level
 * `id`/`_id`/`uuid`/`guid`, the `Location` segment, the `replay.identities` patterns): what later
 * requests of a stateful chain refer to. Shards keep such chains together (shard-filter.ts).
 */
export function createdIdentities(response: ComparableResponse, identities: readonly PointerPattern[] = []): string[] {
  if (response.status >= 400) return [];
  const out: string[] = [];
  const add = (v: unknown): void => {
    if (idLike(v)) out.push(String(v));
  };
  const loc = headerValue(response.headers, 'location');
  if (loc) add(loc.split('?')[0]!.split('/').pop());
  const parsed = parseJsonBody(response.headers, response.body);
  if (!parsed) return out;
  for (const root of Array.isArray(parsed.value) ? parsed.value : [parsed.value]) {
    if (isObject(root)) for (const key of Object.keys(root)) if (ID_KEY.test(key)) add(root[key]);
  }
  if (identities.length > 0) {
    const walk = (v: unknown, pointer: string): void => {
      if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${pointer}/${i}`));
      else if (isObject(v)) for (const k of Object.keys(v)) walk(v[k], `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`);
      else if (identities.some((p) => p.matches(pointer))) add(v);
    };
    walk(parsed.value, '');
  }
  return out;
}
