import type { ChangeKind } from '../../types/run.js';
import { parseSignature } from '../format.js';

export type { ChangeKind };

/**
 * What a change breaks, in the order reviewers need them: a client that gets another status or no
 * answer at all breaks first, then one whose fields vanished, appeared or changed type, then one that
 * reads other values, and headers last.
 */
export const CHANGE_RANK: Record<ChangeKind, number> = { status: 0, transport: 0, structure: 1, value: 2, header: 3 };

/** The kind of one signature (`${target}:${foldedPath}:${change}`, or `transport:…` for errors). */
export function changeKindOf(signature: string): ChangeKind {
  const { target, change } = parseSignature(signature);
  if (target === 'transport') return 'transport';
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
  const { target, path, change } = parseSignature(signature);
  const pattern = target === 'body' && path.startsWith('/') ? path.split('/').filter((s) => s !== '*').join('/') || path : path;
  return `${target}:${pattern}:${change}`;
}
