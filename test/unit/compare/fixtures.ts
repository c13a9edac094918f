import type { z } from 'zod';
import { compareSchema } from '../../../src/config/schema.js';
import type { CompareConfig } from '../../../src/config/schema.js';
import type { ComparableResponse, CompareContext } from '../../../src/compare/index.js';
import type { HeaderPairs } from '../../../src/types.js';

/** Test data factories for the comparer: responses, contexts, configurations. */

export const ctx: CompareContext = { method: 'GET', route: '/users/:id' };

export interface ResponseOptions {
  status?: number;
  headers?: HeaderPairs;
  truncated?: boolean;
  /** Wire size; defaults to the byte length (or more when truncated). */
  size?: number;
}

/** A response whose body is given as bytes, as text, or `null` for no body. */
export function response(body: Buffer | string | null, options: ResponseOptions = {}): ComparableResponse {
  const bytes = body === null ? null : Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  return {
    status: options.status ?? 200,
    headers: options.headers ?? [],
    body: { bytes, size: options.size ?? bytes?.length ?? 0, truncated: options.truncated ?? false },
  };
}

/** A JSON response (`application/json`). */
export function jsonResponse(value: unknown, options: ResponseOptions = {}): ComparableResponse {
  return response(JSON.stringify(value), { ...options, headers: [['Content-Type', 'application/json'], ...(options.headers ?? [])] });
}

/** A full CompareConfig from a partial one, through the real schema (so defaults match production). */
export function config(input: z.input<typeof compareSchema> = {}): CompareConfig {
  return compareSchema.parse(input);
}
