import { ReplayguardError } from '../errors.js';
import { HOP_BY_HOP_HEADERS } from '../http/hop-by-hop.js';
import type { Exchange, HeaderPairs } from '../types/exchange.js';
import type { OutgoingRequest } from './http-client.js';

/** Hop-by-hop headers, and those the client must compute itself. */
const DROPPED: ReadonlySet<string> = new Set([...HOP_BY_HOP_HEADERS, 'host', 'content-length', 'expect']);

export interface RequestBuilderOptions {
  /** Header overrides from --header / replay.headers, already env-expanded. */
  headers: Readonly<Record<string, string>>;
}

/**
 * `replay.headers` (or `replay.secrets`) with `${VAR}` expanded from `env`; an unset variable is a
 * configuration error.
 */
export function resolveHeaderOverrides(headers: Readonly<Record<string, string>>, env: Record<string, string | undefined>, section: 'headers' | 'secrets' = 'headers'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    const { value, missing } = expandEnv(v, env);
    if (missing.length) {
      throw new ReplayguardError('RG_ERR_CONFIG_INVALID', { details: `replay.${section}.${k} references unset environment variable ${missing.map((m) => '${' + m + '}').join(', ')}`, source: 'the environment' });
    }
    out[k] = value;
  }
  return out;
}

/** Expand `${NAME}` from the environment; an unset variable is an error the caller reports. */
export function expandEnv(value: string, env: Record<string, string | undefined>): { value: string; missing: string[] } {
  const missing: string[] = [];
  const out = value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const v = env[name];
    if (v === undefined) missing.push(name);
    return v ?? '';
  });
  return { value: out, missing };
}

/**
 * Turn a recorded request into the one sent to a target: hop-by-hop headers and Host dropped (the
 * client sets Host to the target), overrides applied. Placeholders of redacted secrets stay: the
 * placeholder map puts live values in their place, or the exchange is not sent at all.
 */
export function createRequestBuilder(options: RequestBuilderOptions): (exchange: Exchange) => OutgoingRequest {
  const overrides = Object.entries(options.headers).map(([k, v]) => [k.toLowerCase(), k, v] as const);
  const overridden = new Set(overrides.map(([lower]) => lower));
  return (exchange) => {
    const headers: HeaderPairs = [];
    for (const [name, value] of exchange.request.headers) {
      const lower = name.toLowerCase();
      if (DROPPED.has(lower) || overridden.has(lower)) continue;
      headers.push([name, value]);
    }
    for (const [, name, value] of overrides) headers.push([name, value]);
    return {
      method: exchange.request.method,
      path: exchange.request.url,
      headers,
      body: exchange.request.body.bytes,
    };
  };
}
