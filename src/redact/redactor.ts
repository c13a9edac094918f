import type { RedactConfig } from '../config/schema.js';
import { decodeBody } from '../compare/decode-body.js';
import { contentEncodings, mediaTypeOf } from '../compare/header-values.js';
import { encodeContent } from '../http/content-coding.js';
import type { Capture, HeaderPairs, StoredBody } from '../types/exchange.js';
import { bodyKey, CleanBodies } from './clean-bodies.js';
import { redactPairs } from './form-secrets.js';
import { redactHeaderValue } from './header-secrets.js';
import { looksLikeJson, redactJsonText } from './json-secrets.js';
import { isPlaceholder, placeholderOf } from './placeholder.js';
import { SecretBook } from './secret-book.js';
import { compileSecretRules } from './secret-rules.js';

/** One HTTP message to redact: a request (with its URL) or a response. */
export interface RedactableMessage {
  url?: string;
  headers: HeaderPairs;
  body: StoredBody;
}

export interface Redactor {
  /** A recorded exchange with every secret replaced by its placeholder, both sides. */
  redact<T extends Capture>(exchange: T): T;
  /**
   * Messages seen together (at replay: the request sent, the target's and the baseline's responses),
   * redacted as one exchange is: secrets found in any of them are replaced in all of them.
   */
  redactMessages<T extends RedactableMessage>(messages: readonly T[]): T[];
  /**
   * A URL alone (one forwarded but not recorded, for a metric label): query values under secret
   * names, and every secret already learned, replaced.
   */
  redactUrl(url: string): string;
  /** Treat `value` as a secret from now on (a credential supplied at replay); returns its placeholder. */
  remember(value: string): string;
}

export interface RedactorOptions {
  config: Pick<RedactConfig, 'defaults' | 'headers' | 'keys' | 'query' | 'json'>;
  /** HMAC key for placeholders (see redaction-key.ts). */
  key: Buffer;
  /** Decoding cap: a compressed body that decodes past it cannot be checked and is withheld. */
  maxDecodedBytes: number;
}

/** A body that could not be fully checked for secrets: no bytes kept, flagged truncated. */
function withheld(body: StoredBody): StoredBody {
  return { bytes: null, size: body.size, truncated: true };
}

type BodyKind = 'json' | 'form' | 'other';

/** A body between the two passes: decoded once, redacted by key, then searched for known secrets. */
interface BodyWork {
  original: StoredBody;
  chain: string[];
  kind: BodyKind;
  /** Decoded text (utf8 for json/form; null for other kinds, which stay bytes). */
  text: string | null;
  bytes: Buffer;
  changed: boolean;
  /** Must be stored re-encoded even if unchanged (a truncated encoded stream: keep only what was checked). */
  rewrite: boolean;
  /** What besides its bytes decides the body's outcome, and its key, for `CleanBodies` (null: too small to remember). */
  context: string;
  key: number | null;
}

/** A body known clean as of `version`: scanned only if the secret book has grown since. */
interface KnownClean {
  original: StoredBody;
  headers: HeaderPairs;
  version: number;
}

/**
 * The one redaction mechanism, for recordings and for replay results. Stateful per session (or per
 * replay run): every secret it redacts is remembered, in memory only, and replaced wherever it shows
 * up afterwards.
 *
 * Redacted: credential headers (keeping their shape), JSON values and form fields under secret keys
 * or `redact.json` pointers (request and response bodies, compressed ones decoded and re-encoded),
 * query parameters under secret names, and every later occurrence of a value already redacted. A body
 * that cannot be fully checked (undecodable, or decoding past `maxDecodedBytes`) is withheld.
 */
export function createRedactor(options: RedactorOptions): Redactor {
  const rules = compileSecretRules(options.config);
  const book = new SecretBook();
  const clean = new CleanBodies();
  const placeholderCache = new Map<string, string>();
  const redactValue = (value: string): string => {
    if (value === '' || isPlaceholder(value)) return value;
    let placeholder = placeholderCache.get(value);
    if (placeholder === undefined) {
      placeholder = placeholderOf(options.key, value);
      if (placeholderCache.size > 4096) placeholderCache.clear();
      placeholderCache.set(value, placeholder);
    }
    book.add(value, placeholder);
    return placeholder;
  };

  function redactUrlByName(url: string): string {
    const q = url.indexOf('?');
    if (q === -1) return url;
    const query = redactPairs(url.slice(q + 1), rules.isSecretKey, redactValue);
    return query === null ? url : `${url.slice(0, q + 1)}${query}`;
  }

  function redactHeadersByName(headers: HeaderPairs): HeaderPairs {
    return headers.map(([name, value]) => {
      const lower = name.toLowerCase();
      if (rules.isSecretHeader(lower)) return [name, redactHeaderValue(lower, value, redactValue)];
      if (lower === 'location') return [name, redactUrlByName(value)];
      return [name, value];
    });
  }

  function startBody(headers: HeaderPairs, body: StoredBody, useClean = true): BodyWork | KnownClean | StoredBody {
    if (!body.bytes || body.bytes.length === 0) return body;
    const type = mediaTypeOf(headers).type;
    const declared: BodyKind | null = type === 'application/x-www-form-urlencoded' ? 'form' : /[/+]json$/.test(type) ? 'json' : null;
    // JSON sent without its type (no content-type, text/plain, octet-stream) is recognised by its first byte.
    const sniff = declared === null && (type === '' || type === 'text/plain' || type === 'application/octet-stream');
    // Nothing to look for in, say, an image or a script before a secret is known: stored as is.
    if (declared === null && !sniff && book.size === 0) return body;
    const chain = contentEncodings(headers);
    const context = `${declared ?? (sniff ? 'sniff' : 'other')}|${chain.join(',')}|${body.truncated ? 't' : ''}`;
    const key = bodyKey(context, body.bytes);
    if (useClean && key !== null) {
      const version = clean.cleanAt(key, context, body.bytes);
      // Same bytes, same kind and codings: the scan by key finds nothing again and learns nothing.
      if (version !== undefined) return { original: body, headers, version };
    }
    let bytes = body.bytes;
    if (chain.length > 0) {
      const decoded = decodeBody(headers, body, options.maxDecodedBytes);
      // Undecodable (corrupt, unknown coding), or decoded only in part past the cap: not checked.
      if (decoded.bytes === body.bytes || (decoded.partial && !body.truncated)) return withheld(body);
      bytes = decoded.bytes;
    }
    const kind: BodyKind = declared ?? (sniff && looksLikeJson(bytes.subarray(0, 64).toString('utf8')) ? 'json' : 'other');
    let text: string | null = null;
    let changed = false;
    if (kind !== 'other') {
      text = bytes.toString('utf8');
      const redacted = kind === 'json' ? redactJsonText(text, rules, redactValue) : redactPairs(text, rules.isSecretKey, redactValue);
      if (redacted !== null) {
        text = redacted;
        changed = true;
      }
    }
    return { original: body, chain, kind, text, bytes, changed, rewrite: chain.length > 0 && body.truncated, context, key };
  }

  function finishBody(work: BodyWork | KnownClean | StoredBody): StoredBody {
    if (!('original' in work)) return work;
    if ('version' in work) {
      if (work.version === book.version) return work.original;
      // A secret learned since may occur in it: checked in full.
      return finishBody(startBody(work.headers, work.original, false));
    }
    let bytes = work.bytes;
    let changed = work.changed;
    if (work.text !== null) {
      const spread = book.replaceIn(work.text);
      if (spread !== null) {
        work.text = spread;
        changed = true;
      }
      if (changed) bytes = Buffer.from(work.text, 'utf8');
    } else {
      const spread = book.replaceInBytes(bytes);
      if (spread !== null) {
        bytes = spread;
        changed = true;
      }
    }
    if (!changed && !work.rewrite) {
      if (work.key !== null) clean.add(work.key, work.context, work.original.bytes!, book.version);
      return work.original;
    }
    // Stored "as on the wire": with the content-encoding its headers declare.
    const encoded = work.chain.length > 0 ? encodeContent(bytes, work.chain) : bytes;
    if (!encoded) return withheld(work.original);
    const truncated = work.original.truncated;
    return { bytes: encoded, size: truncated ? work.original.size : encoded.length, truncated };
  }

  function spreadHeaders(headers: HeaderPairs): HeaderPairs {
    return headers.map(([name, value]) => [name, book.replaceIn(value) ?? value]);
  }

  function redactMessages<T extends RedactableMessage>(messages: readonly T[]): T[] {
    // First pass: redact by name and learn the secrets; second: replace them wherever they appear.
    const firstPass = messages.map((m) => ({
      url: m.url === undefined ? undefined : redactUrlByName(m.url),
      headers: redactHeadersByName(m.headers),
      body: startBody(m.headers, m.body),
    }));
    return messages.map((m, i) => {
      const p = firstPass[i]!;
      const out: T = { ...m, headers: spreadHeaders(p.headers), body: finishBody(p.body) };
      if (p.url !== undefined) out.url = book.replaceIn(p.url) ?? p.url;
      return out;
    });
  }

  return {
    redactMessages,
    remember: redactValue,
    redactUrl(url: string): string {
      const byName = redactUrlByName(url);
      return book.replaceIn(byName) ?? byName;
    },
    redact<T extends Capture>(e: T): T {
      if (!e.response) {
        const [request] = redactMessages([e.request]);
        return { ...e, request: request! };
      }
      const [request, response] = redactMessages<RedactableMessage>([e.request, e.response]);
      return { ...e, request: { ...e.request, ...request! } as Capture['request'], response: { ...e.response, ...response! } };
    },
  };
}
