import type { ChangeKind } from '../../types/run.js';
import { parseSignature } from '../format.js';

export type { ChangeKind };

/**
 * Transport errors have no difference, so no comparer signature; changes give them one of their own,
 * `transport::timeout (UND_ERR_HEADERS_TIMEOUT)`, outside the comparer's targets.
 */
export const TRANSPORT_PREFIX = 'transport::';

/** The signature a transport error groups under. */
export function transportSignature(error: { kind?: string; code?: string } | null | undefined): string {
  return `${TRANSPORT_PREFIX}${error?.kind ?? 'error'} (${error?.code ?? 'unknown'})`;
}

/**
 * What a change breaks, in the order reviewers need them: a client that gets another status or no
 * answer at all breaks first, then one whose fields vanished, appeared or changed type, then one that
 * reads other values, and headers last.
 */
export const CHANGE_RANK: Record<ChangeKind, number> = { status: 0, transport: 0, structure: 1, value: 2, header: 3 };

/** The kind of one signature (`${target}:${foldedPath}:${change}`, or `transport:…` for errors). */
export function changeKindOf(signature: string): ChangeKind {
  if (signature.startsWith(TRANSPORT_PREFIX)) return 'transport';
  const { target, change } = parseSignature(signature);
  if (target === 'status') return 'status';
  if (target === 'header') return 'header';
  // JSON ops: `removed`, `added`, and `<type> → <type>` when the type changed (json-diff.ts).
  if (change === 'removed' || change === 'added' || / → /.test(change)) return 'structure';
  return 'value';
}

/**
 * The part of a signature that names a change across routes: target, pointer pattern and change,
 * with array wildcards dropped so a list route (`/*\/id`) and an item route (`/id`) showing the same
 * field change are one change.
 */
export function crossRouteKey(signature: string): string {
  if (signature.startsWith(TRANSPORT_PREFIX)) return signature;
  const { target, pattern: path, change } = parseSignature(signature);
  const pattern = target === 'body' && path.startsWith('/') ? path.split('/').filter((s) => s !== '*').join('/') || path : path;
  return `${target}:${pattern}:${change}`;
}
