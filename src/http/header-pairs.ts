import type { IncomingHttpHeaders } from 'node:http';
import type { HeaderPairs } from '../types.js';

/** Node's `rawHeaders` (name, value, name, value…) as pairs, order and case as on the wire. */
export function pairsFromRaw(raw: readonly string[]): HeaderPairs {
  const out: HeaderPairs = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i]!, raw[i + 1]!]);
  return out;
}

/** A headers object (undici, node:http) as pairs; a repeated header becomes one pair per value. */
export function pairsFromObject(headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>): HeaderPairs {
  const out: HeaderPairs = [];
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const item of v) out.push([k, item]);
    else out.push([k, String(v)]);
  }
  return out;
}
