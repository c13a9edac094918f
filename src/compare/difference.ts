import type { Difference, DifferenceTarget } from '../types.js';
import { foldPointer } from './json-pointer.js';

/** A difference before its signature is derived. */
export type DifferenceInput = Omit<Difference, 'signature' | 'filteredBy'>;

/**
 * The grouping key `${target}:${foldedPath}:${change}`, e.g. `body:/items/*\/price:number → string`,
 * `status::404 → 500`, `header:location:value changed`. Text hunks fold their line number
 * (`body:line *:line changed`) because the same edit shifts lines from one exchange to the next.
 */
export function signatureOf(diff: Pick<Difference, 'target' | 'path' | 'change'>): string {
  const path = diff.target === 'body' && /^line \d+$/.test(diff.path) ? 'line *' : foldPointer(diff.path);
  return `${diff.target}:${path}:${diff.change}`;
}

export function makeDifference(input: DifferenceInput): Difference {
  return { ...input, signature: signatureOf(input) };
}

/**
 * One human line for a difference: `/email removed`, `/total number → string`, `status 404 → 500`,
 * `header content-type changed`, `body line 3: line changed`, `body bytes changed (10 → 12 bytes)`.
 */
export function describeDifference(diff: Pick<Difference, 'target' | 'path' | 'change' | 'op' | 'before' | 'after'>): string {
  const target: DifferenceTarget = diff.target;
  if (target === 'status') return `status ${diff.change}`;
  if (target === 'header') {
    const verb = diff.op === 'add' ? 'added' : diff.op === 'remove' ? 'removed' : 'changed';
    return `header ${diff.path} ${verb}`;
  }
  if (diff.change === 'bytes changed') {
    return `body bytes changed (${sizeOf(diff.before)} → ${sizeOf(diff.after)} bytes)`;
  }
  if (diff.path === '') return `body ${diff.change}`;
  if (!diff.path.startsWith('/')) return `body ${diff.path}: ${diff.change}`;
  return `${diff.path} ${diff.change}`;
}

function sizeOf(v: unknown): string {
  return typeof v === 'object' && v !== null && 'size' in v ? String((v as { size: unknown }).size) : '?';
}
