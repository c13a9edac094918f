import jsonpatch from 'fast-json-patch';
import type { Difference } from '../types.js';
import { makeDifference } from './difference.js';
import { valueAt } from './json-pointer.js';
import { deepEqual, jsonTypeOf, isPlainObject } from './json-value.js';

/**
 * The change kind of one JSON operation: `removed`, `added`, `value changed` when the JSON type stayed,
 * and `<type> → <type>` when it did not (`number → string`, `object → null`), so a type change groups
 * apart from an ordinary value change.
 */
export function jsonChangeKind(op: 'add' | 'remove' | 'replace', before: unknown, after: unknown): string {
  if (op === 'remove') return 'removed';
  if (op === 'add') return 'added';
  const from = jsonTypeOf(before);
  const to = jsonTypeOf(after);
  return from === to ? 'value changed' : `${from} → ${to}`;
}

/**
 * RFC 6902 differences between two parsed JSON documents (`undefined` = no body), via fast-json-patch.
 * Each op gets `before` (the value at its pointer in the recorded document) and `after` (the value in the
 * candidate). fast-json-patch walks arrays index by index; arrays of different lengths are lined up
 * beforehand (`align-arrays.ts`) so that an insertion is not reported as a change at every index.
 */
export function diffJson(recorded: unknown, candidate: unknown): Difference[] {
  if (recorded === undefined && candidate === undefined) return [];
  if (recorded === undefined) return [root('add', undefined, candidate)];
  if (candidate === undefined) return [root('remove', recorded, undefined)];
  if (deepEqual(recorded, candidate)) return [];
  // fast-json-patch only walks two containers of the same kind: handed a scalar it iterates the
  // characters of a string, handed array vs object at the root it emits one root replace per key.
  const sameContainers =
    (Array.isArray(recorded) && Array.isArray(candidate)) || (isPlainObject(recorded) && isPlainObject(candidate));
  if (!sameContainers) return [root('replace', recorded, candidate)];

  const ops = jsonpatch.compare(recorded as object, candidate as object);
  const out: Difference[] = [];
  for (const op of ops) {
    if (op.op !== 'add' && op.op !== 'remove' && op.op !== 'replace') continue; // compare() emits no others
    const before = op.op === 'add' ? undefined : valueAt(recorded, op.path).value;
    const after = op.op === 'remove' ? undefined : (op as { value: unknown }).value;
    out.push(body(op.op, op.path, before, after));
  }
  return out;
}

function root(op: 'add' | 'remove' | 'replace', before: unknown, after: unknown): Difference {
  return body(op, '', before, after);
}

function body(op: 'add' | 'remove' | 'replace', path: string, before: unknown, after: unknown): Difference {
  const diff = makeDifference({ target: 'body', op, path, change: jsonChangeKind(op, before, after) });
  if (op !== 'add') diff.before = before;
  if (op !== 'remove') diff.after = after;
  return diff;
}

export { body as jsonDifference };
