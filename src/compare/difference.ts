import type { Difference, DifferenceTarget } from '../types.js';
import { foldPointer } from './json-pointer.js';

/** A difference before its signature is derived. */
export type DifferenceInput = Omit<Difference, 'signature' | 'filteredBy'>;

/** What the differences of one group share: where (target and folded pointer pattern) and what kind of change. */
export interface SignatureParts {
  target: DifferenceTarget;
  /** Pointer with indices (and keys that are data) folded to `*`, a header name, `line *`, or `''`. */
  pattern: string;
  /** `removed`, `number → string`, `404 → 500`, `value changed`… never holds a colon. */
  change: string;
}

const TARGETS: ReadonlySet<string> = new Set<DifferenceTarget>(['status', 'header', 'body']);

/**
 * The one written form of a signature, `${target}:${pattern}:${change}`, e.g.
 * `body:/items/*\/price:number → string`, `status::404 → 500`, `header:location:value changed`. It is
 * how results store it and the key groups are counted by; {@link parseSignature} is its inverse.
 */
export function formatSignature(parts: SignatureParts): string {
  return `${parts.target}:${parts.pattern}:${parts.change}`;
}

/**
 * The inverse of {@link formatSignature}. Targets and change kinds never hold a colon (a test checks
 * every kind the comparer makes), so the first and the last colon delimit the pattern whatever it
 * holds: `body:/a:b/c:removed` is the pattern `/a:b/c`.
 */
export function parseSignature(signature: string): SignatureParts {
  const first = signature.indexOf(':');
  const last = signature.lastIndexOf(':');
  const target = signature.slice(0, first);
  if (first < 0 || last === first || !TARGETS.has(target)) return { target: 'body', pattern: '', change: signature };
  return { target: target as DifferenceTarget, pattern: signature.slice(first + 1, last), change: signature.slice(last + 1) };
}

/**
 * The signature of a difference. Text hunks fold their line number (`body:line *:line changed`)
 * because the same edit shifts lines from one exchange to the next.
 */
export function signatureOf(diff: Pick<Difference, 'target' | 'path' | 'change'>): string {
  const pattern = diff.target === 'body' && /^line \d+$/.test(diff.path) ? 'line *' : foldPointer(diff.path);
  return formatSignature({ target: diff.target, pattern, change: diff.change });
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
