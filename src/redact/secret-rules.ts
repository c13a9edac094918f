import type { RedactConfig } from '../config/schema.js';
import { compilePointerPattern } from '../compare/pointer-pattern.js';

/** Headers whose values are credentials by default. */
export const DEFAULT_REDACTED_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key'];

/** JSON keys, form fields and query parameters whose values are secrets by default. */
export const DEFAULT_SECRET_KEYS = [
  'password',
  'passwd',
  'secret',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'client_secret',
  'api_key',
  'apikey',
  'private_key',
  'session',
];

/**
 * A key as compared: lower-case, `_` and `-` dropped (so `accessToken`, `access-token` and
 * `ACCESS_TOKEN` are one key), and the bracket forms of form fields and query strings reduced to the
 * innermost name: `api_key[]` → `api_key`, `user[password]` → `password`.
 */
export function normalizeKey(name: string): string {
  let key = name;
  const bracket = /\[([^[\]]*)\]$/;
  for (let m = bracket.exec(key); m; m = bracket.exec(key)) {
    if (m[1] !== '') {
      key = m[1]!;
      break;
    }
    key = key.slice(0, m.index);
  }
  return key.toLowerCase().replace(/[-_]/g, '');
}

/** What is secret, compiled once from `redact`. */
export interface SecretRules {
  /** A JSON key, form field or query parameter whose value is secret. */
  isSecretKey(name: string): boolean;
  isSecretHeader(lowerName: string): boolean;
  /** A JSON pointer configured under `redact.json`. */
  matchesPointer(pointer: string): boolean;
  readonly hasPointers: boolean;
}

export function compileSecretRules(config: Pick<RedactConfig, 'defaults' | 'headers' | 'keys' | 'query' | 'json'>): SecretRules {
  const headers = new Set([...(config.defaults ? DEFAULT_REDACTED_HEADERS : []), ...config.headers.map((h) => h.toLowerCase())]);
  const keys = new Set([...(config.defaults ? DEFAULT_SECRET_KEYS : []), ...config.keys, ...config.query].map(normalizeKey));
  const patterns = config.json.map(compilePointerPattern);
  // Keys repeat across bodies (`id`, `name` on every item): decide each once.
  const decided = new Map<string, boolean>();
  return {
    isSecretKey: (name) => {
      let secret = decided.get(name);
      if (secret === undefined) {
        secret = keys.has(normalizeKey(name));
        if (decided.size >= 10_000) decided.clear();
        decided.set(name, secret);
      }
      return secret;
    },
    isSecretHeader: (lower) => headers.has(lower),
    matchesPointer: (pointer) => patterns.some((p) => p.matches(pointer)),
    hasPointers: patterns.length > 0,
  };
}
