import { contentEncodings, headerValue, mediaTypeOf } from '../compare/header-values.js';
import { parseJsonBody } from '../compare/json-body.js';
import type { ComparableResponse } from '../compare/index.js';
import { decodeComponent } from '../redact/form-secrets.js';
import { containsPlaceholder, isPlaceholder, PLACEHOLDER_PATTERN, placeholdersIn } from '../redact/placeholder.js';
import { normalizeKey } from '../redact/secret-rules.js';
import type { HeaderPairs } from '../types.js';
import type { OutgoingRequest } from './http-client.js';

/** A secret put back into a request: which placeholder, under which name, from where. */
export interface SecretUse {
  placeholder: string;
  /** The key, field, header or cookie name it sat under (`password`, `authorization`); `path` in a path. */
  name: string;
  source: 'target' | 'supplied';
  /** The live value sent. Never stored: callers keep its placeholder instead. */
  value: string;
}

export type Resolution =
  | { ok: true; request: OutgoingRequest; uses: SecretUse[] }
  | { ok: false; missing: string[] };

interface Found {
  placeholder: string;
  name: string;
}

/**
 * Stateful replay of secrets. The recording holds placeholders where secrets were; this map turns them
 * back into values the target accepts, per target:
 * - a placeholder whose value the target itself produced (a login response's token, a session cookie),
 *   learned by lining the target's response up with the recorded one, becomes the target's own value;
 * - a secret the client sent (a password) comes from `--secret name=value`, by the key name it sat under;
 * - anything else cannot be reproduced: `resolve` names what is missing and nothing is sent.
 */
export class PlaceholderMap {
  /** placeholder → live value */
  private readonly live = new Map<string, { value: string; source: 'target' | 'supplied' }>();

  /** @param supplied values by normalized key name (see normalizeKey) */
  constructor(private readonly supplied: ReadonlyMap<string, string>) {}

  /** Where the recorded response has a placeholder and the target's a value, that value is the target's own secret. */
  learn(recorded: ComparableResponse, observed: ComparableResponse): void {
    this.learnHeaders(recorded.headers, observed.headers);
    // Most recorded responses hold no placeholder: when the stored bytes are plain, look for one
    // before parsing anything (this ran on every exchange of every replay).
    const stored = recorded.body.bytes;
    if (!stored || (contentEncodings(recorded.headers).length === 0 && !stored.includes(MARK))) return;
    const a = parseJsonBody(recorded.headers, recorded.body);
    if (!a || !containsPlaceholder(JSON.stringify(a.value))) return;
    const b = parseJsonBody(observed.headers, observed.body);
    if (b) this.walk(a.value, b.value);
  }

  private set(placeholder: string, value: unknown): void {
    if ((typeof value === 'string' && value !== '' && !isPlaceholder(value)) || typeof value === 'number') this.live.set(placeholder, { value: String(value), source: 'target' });
  }

  private walk(a: unknown, b: unknown): void {
    if (isPlaceholder(a)) this.set(a, b);
    else if (Array.isArray(a) && Array.isArray(b)) {
      for (let i = 0; i < Math.min(a.length, b.length); i++) this.walk(a[i], b[i]);
    } else if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
      const bo = b as Record<string, unknown>;
      for (const [k, v] of Object.entries(a)) if (k in bo) this.walk(v, bo[k]);
    }
  }

  private learnHeaders(recorded: HeaderPairs, observed: HeaderPairs): void {
    const cookies = (headers: HeaderPairs): Map<string, string> => {
      const out = new Map<string, string>();
      for (const [k, v] of headers) {
        if (k.toLowerCase() !== 'set-cookie') continue;
        const pair = v.split(';')[0]!;
        const eq = pair.indexOf('=');
        if (eq > 0) out.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
      }
      return out;
    };
    const theirs = cookies(observed);
    for (const [name, value] of cookies(recorded)) if (isPlaceholder(value) && theirs.has(name)) this.set(value, theirs.get(name));
    for (const [k, v] of recorded) {
      const lower = k.toLowerCase();
      if (lower === 'set-cookie' || !isPlaceholder(v)) continue;
      const other = headerValue(observed, lower);
      if (other !== undefined) this.set(v, other);
    }
  }

  /** The request with every placeholder replaced by a live value, or the names of the secrets it lacks. */
  resolve(request: OutgoingRequest): Resolution {
    const found = this.find(request);
    if (found.length === 0) return { ok: true, request, uses: [] };
    const uses = new Map<string, SecretUse>();
    const missing: string[] = [];
    for (const { placeholder, name } of found) {
      if (uses.has(placeholder)) continue;
      let entry = this.live.get(placeholder);
      if (!entry && name !== 'path' && name !== 'body') {
        const value = this.supplied.get(normalizeKey(name));
        if (value !== undefined) {
          // The same placeholder elsewhere later (the password again, in another form) gets it too.
          entry = { value, source: 'supplied' };
          this.live.set(placeholder, entry);
        }
      }
      if (entry) uses.set(placeholder, { placeholder, name, source: entry.source, value: entry.value });
      else if (!missing.includes(name)) missing.push(name);
    }
    if (missing.length > 0) return { ok: false, missing };
    const value = (p: string): string => uses.get(p)!.value;
    // In a URL the placeholder may itself be percent-encoded (a client that encodes `[` `:` `]`).
    const inUrl = (s: string): string =>
      s.replace(/%5BREDACTED%3A([0-9a-f]{8})%5D/gi, (_, hex: string) => encodeURIComponent(value(`[REDACTED:${hex.toLowerCase()}]`))).replace(PLACEHOLDER_PATTERN, (p) => encodeURIComponent(value(p)));
    const raw = (s: string): string => s.replace(PLACEHOLDER_PATTERN, (p) => value(p));
    const q = request.path.indexOf('?');
    const path = q === -1 ? inUrl(request.path) : `${inUrl(request.path.slice(0, q))}?${inUrl(request.path.slice(q + 1))}`;
    const headers: HeaderPairs = request.headers.map(([k, v]) => [k, containsPlaceholder(v) ? raw(v) : v]);
    let body = request.body;
    if (body && body.length > 0) {
      const text = body.toString('utf8');
      if (containsPlaceholder(text)) {
        const kind = bodyKind(request.headers);
        const replaced = text.replace(PLACEHOLDER_PATTERN, (p) => (kind === 'json' ? JSON.stringify(value(p)).slice(1, -1) : kind === 'form' ? encodeURIComponent(value(p)) : value(p)));
        body = Buffer.from(replaced, 'utf8');
      }
    }
    return { ok: true, request: { ...request, path, headers, body }, uses: [...uses.values()] };
  }

  /** Every placeholder in the request, with the name it sits under. */
  private find(request: OutgoingRequest): Found[] {
    const out: Found[] = [];
    const q = request.path.indexOf('?');
    // Decoding and splitting the URL only where a placeholder may be (as is or percent-encoded).
    if (MAYBE_IN_URL.test(request.path)) {
      const pathPart = q === -1 ? request.path : request.path.slice(0, q);
      for (const placeholder of placeholdersIn(decodeComponent(pathPart))) out.push({ placeholder, name: 'path' });
      if (q !== -1) out.push(...pairsFound(request.path.slice(q + 1)));
    }
    for (const [k, v] of request.headers) {
      if (!containsPlaceholder(v)) continue;
      const lower = k.toLowerCase();
      if (lower === 'cookie') out.push(...pairsFound(v.replace(/;\s*/g, '&')));
      else for (const placeholder of placeholdersIn(v)) out.push({ placeholder, name: lower });
    }
    const body = request.body;
    if (body && body.length > 0 && body.includes(MARK)) {
      const text = body.toString('utf8');
      const kind = bodyKind(request.headers);
      if (kind === 'form') out.push(...pairsFound(text));
      else if (kind === 'json') {
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        if (parsed === undefined) for (const placeholder of placeholdersIn(text)) out.push({ placeholder, name: 'body' });
        else collectJson(parsed, 'body', out);
      } else for (const placeholder of placeholdersIn(text)) out.push({ placeholder, name: 'body' });
    }
    return out;
  }
}

/** How every placeholder starts, in bytes and in a URL (`[` and `:` percent-encoded or not). */
const MARK = '[REDACTED:';
const MAYBE_IN_URL = /(\[|%5B)REDACTED(:|%3A)/i;

function bodyKind(headers: HeaderPairs): 'json' | 'form' | 'other' {
  const type = mediaTypeOf(headers).type;
  if (type === 'application/x-www-form-urlencoded') return 'form';
  return /[/+]json$/.test(type) || type === '' ? 'json' : 'other';
}

function pairsFound(text: string): Found[] {
  const out: Found[] = [];
  for (const pair of text.split('&')) {
    const eq = pair.indexOf('=');
    const name = eq === -1 ? 'query' : decodeComponent(pair.slice(0, eq)).trim();
    for (const placeholder of placeholdersIn(decodeComponent(eq === -1 ? pair : pair.slice(eq + 1)))) out.push({ placeholder, name });
  }
  return out;
}

function collectJson(value: unknown, key: string, out: Found[]): void {
  if (typeof value === 'string') {
    for (const placeholder of placeholdersIn(value)) out.push({ placeholder, name: key });
  } else if (Array.isArray(value)) {
    for (const v of value) collectJson(v, key, out);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) collectJson(v, k, out);
  }
}
