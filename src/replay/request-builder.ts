import { ReplayguardError } from '../errors.js';
import { HOP_BY_HOP_HEADERS } from '../http/hop-by-hop.js';
import type { Exchange, HeaderPairs } from '../types/exchange.js';
import type { OutgoingRequest } from './http-client.js';

/** Hop-by-hop headers, and those the client must compute itself. */
const DROPPED: ReadonlySet<string> = new Set([...HOP_BY_HOP_HEADERS, 'host', 'content-length', 'expect']);

export interface RequestBuilderOptions {
  /** Header overrides from --header / replay.headers, already env-expanded. */
  headers: Readonly<Record<string, string>>;
  /** The marker redaction wrote in place of secrets. */
  redactedMarker: string;
  /** Called once per header name that was redacted at record time and is not overridden. */
  onRedacted: (headerName: string) => void;
}

/** `replay.headers` with `${VAR}` expanded from `env`; an unset variable is a configuration error. */
export function resolveHeaderOverrides(headers: Readonly<Record<string, string>>, env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    const { value, missing } = expandEnv(v, env);
    if (missing.length) {
      throw new ReplayguardError('RG_ERR_CONFIG_INVALID', { details: `replay.headers.${k} references unset environment variable ${missing.map((m) => '${' + m + '}').join(', ')}`, source: 'the environment' });
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
 * client sets Host to the target), overrides applied, and redacted credentials never sent as if they
 * were real ones: they are dropped, and the caller warns once per header.
 */
export function createRequestBuilder(options: RequestBuilderOptions): (exchange: Exchange) => OutgoingRequest {
  const overrides = Object.entries(options.headers).map(([k, v]) => [k.toLowerCase(), k, v] as const);
  const overridden = new Set(overrides.map(([lower]) => lower));
  const encodedMarker = encodeURIComponent(options.redactedMarker);
  return (exchange) => {
    const url = exchange.request.url;
    const q = url.indexOf('?');
    if (q !== -1 && (url.includes(encodedMarker, q) || url.includes(options.redactedMarker, q))) options.onRedacted('query string');
    const headers: HeaderPairs = [];
    for (const [name, value] of exchange.request.headers) {
      const lower = name.toLowerCase();
      if (DROPPED.has(lower) || overridden.has(lower)) continue;
      if (value.includes(options.redactedMarker)) {
        options.onRedacted(lower);
        continue;
      }
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
