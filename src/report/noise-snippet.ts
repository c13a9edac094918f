import type { ConfigInput } from '../config/schema.js';
import { parseSignature, routeKey } from './format.js';

export interface NoiseSnippet {
  /** Ready-to-paste JSON for replayguard.config.json, or `null` when no rule can express it. */
  config: ConfigInput | null;
  /** What the snippet does, or why there is none. */
  explanation: string;
}

export interface SnippetInput {
  method: string;
  route: string;
  signature: string;
  /** A value seen before and after, when known, to tell a same-type value change. */
  before?: unknown;
  after?: unknown;
}

function jsonType(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

/**
 * The smallest `compare.routes` entry that would file a regression group under noise: a type-only
 * rule when the value changed but kept its type (so a later type change is still caught), an
 * ignored header, or an ignored pointer. Status changes and text hunks have no such rule on purpose.
 */
export function noiseSnippet(input: SnippetInput): NoiseSnippet {
  const { target, pattern: path, change } = parseSignature(input.signature);
  const key = routeKey(input.method, input.route);
  const wrap = (entry: Record<string, unknown>): ConfigInput => ({ compare: { routes: { [key]: entry } } }) as ConfigInput;

  if (target === 'status') {
    return { config: null, explanation: 'A status change cannot be marked as noise: fix the candidate or re-record.' };
  }
  if (target === 'header') {
    return { config: wrap({ ignoreHeaders: [path] }), explanation: `Stops comparing the ${path} header on ${key}.` };
  }
  if (path !== '' && !path.startsWith('/')) {
    return { config: null, explanation: 'Text bodies are compared line by line; no rule ignores a line. Ignore the whole body only if it never matters.' };
  }
  const sameType =
    change === 'value changed' &&
    input.before !== undefined &&
    input.after !== undefined &&
    jsonType(input.before) === jsonType(input.after) &&
    jsonType(input.before) !== 'object' &&
    jsonType(input.before) !== 'array';
  if (sameType) {
    return {
      config: wrap({ rules: [{ path, match: 'type' }] }),
      explanation: `Accepts any ${jsonType(input.before)} at ${path} on ${key}; a change of type is still a regression.`,
    };
  }
  const where = path === '' ? 'the whole body' : path;
  return { config: wrap({ ignore: [path] }), explanation: `Ignores every difference at ${where} on ${key}.` };
}

/** The snippet as pasted text (two-space JSON), or `null`. */
export function noiseSnippetText(input: SnippetInput): string | null {
  const s = noiseSnippet(input);
  return s.config ? JSON.stringify(s.config, null, 2) : null;
}
