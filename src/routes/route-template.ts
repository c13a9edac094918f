/**
 * Route templates group concrete URLs into endpoints: `/users/123` → `/users/:id`. Automatic rules
 * recognise ids (numbers, UUIDs, hex ids, ULIDs, Mongo ObjectIds, long opaque tokens) and dates;
 * user templates (`/users/:name/repos`) win over them.
 */

import { LRUCache } from 'lru-cache';
import { UUID_PATTERN } from '../compare/formats.js';

import { DATE, HEX_ID, NUMBER, OPAQUE, ULID } from './data-key.js';

/** The placeholder for one path segment, or null when the segment is a literal. */
export function placeholderFor(segment: string): string | null {
  if (segment === '') return null;
  let s = segment;
  try {
    s = decodeURIComponent(segment);
  } catch {
    // a malformed escape is kept as the literal it is
  }
  if (NUMBER.test(s) || UUID_PATTERN.test(s) || ULID.test(s) || HEX_ID.test(s) || OPAQUE.test(s)) return ':id';
  if (DATE.test(s)) return ':date';
  const dot = s.lastIndexOf('.');
  if (dot > 0) {
    // `/avatars/42.png` → `/avatars/:id.png`
    const inner = placeholderFor(s.slice(0, dot));
    if (inner) return `${inner}${s.slice(dot)}`;
  }
  return null;
}

interface CompiledTemplate {
  template: string;
  segments: Array<{ literal: string } | { param: string }>;
  wildcard: boolean;
}

function compile(template: string): CompiledTemplate {
  const parts = template.split('/').slice(1);
  const wildcard = parts[parts.length - 1] === '**';
  if (wildcard) parts.pop();
  return {
    template,
    wildcard,
    segments: parts.map((p) => (p.startsWith(':') ? { param: p.slice(1) } : p === '*' ? { param: '*' } : { literal: p })),
  };
}

export interface RouteTemplater {
  /** The route template for a path or URL (the query string is ignored). */
  templateOf(urlOrPath: string): string;
}

/** A templater with user templates compiled once; they are tried in order before the automatic rules. */
export function createRouteTemplater(userTemplates: readonly string[] = []): RouteTemplater {
  const compiled = userTemplates.map(compile);
  // Templates are few, but raw paths are unbounded in a long recording: the most recent are kept.
  const cache = new LRUCache<string, string>({ max: 10_000 });
  function matchUser(parts: string[]): string | null {
    for (const t of compiled) {
      if (t.wildcard ? parts.length < t.segments.length : parts.length !== t.segments.length) continue;
      const ok = t.segments.every((seg, i) => 'param' in seg || seg.literal === parts[i]);
      if (ok) return t.template;
    }
    return null;
  }
  return {
    templateOf(urlOrPath: string): string {
      const q = urlOrPath.indexOf('?');
      const p = q === -1 ? urlOrPath : urlOrPath.slice(0, q);
      const cached = cache.get(p);
      if (cached !== undefined) return cached;
      const parts = p.split('/').slice(1);
      const route = matchUser(parts) ?? '/' + parts.map((s) => placeholderFor(s) ?? s).join('/');
      cache.set(p, route);
      return route;
    },
  };
}

export const defaultTemplater = createRouteTemplater();
