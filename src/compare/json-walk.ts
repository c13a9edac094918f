import type { Difference } from '../types.js';
import { jsonChangeKind, jsonDifference } from './json-diff.js';
import { escapeSegment, foldSegment } from './json-pointer.js';
import { deepEqual, isPlainObject } from './json-value.js';
import { compileRuleScope, type RuleScope } from './rule-scope.js';

type Op = 'add' | 'remove' | 'replace';

/**
 * The comparer's JSON diff: the same RFC 6902 operations as fast-json-patch's `compare`, in the same
 * order (an object's keys last to first, then its added keys first to last; an array's indices likewise),
 * each already a {@link Difference}. fast-json-patch stays the reference (`diffJson` in `json-diff.ts`,
 * used by the reference comparer that a property test holds this one to). It is written by hand because
 * no JSON diff library hands over what the noise stage needs per operation, and on a noisy document that
 * bookkeeping, not the diff, was the cost: here `before` is the node the walk is standing on (instead of
 * re-walking the recording from the root for every operation), and the folded pointer of the signature
 * is built a segment at a time on the way down (instead of splitting and testing every pointer again).
 * Likewise the noise rules' pointer patterns: given the route's {@link RuleScope}, the walk moves it
 * down with the pointer and pushes onto `scopes` the scope of each difference it emits (one entry per
 * difference, in order), so the rules that can judge a difference are known without matching its pointer.
 */
export function walkJsonDiff(recorded: unknown, candidate: unknown, scope: RuleScope = NO_RULES, scopes: RuleScope[] = []): Difference[] {
  const out: Walk = { diffs: [], scopes };
  // At the root the values are handed over as they are, not copied: what the reference has always done.
  const root = (op: Op, before: unknown, after: unknown): void => {
    out.diffs.push(jsonDifference(op, '', before, after));
    scopes.push(scope);
  };
  if (recorded === undefined && candidate === undefined) return out.diffs;
  if (recorded === undefined) root('add', undefined, candidate);
  else if (candidate === undefined) root('remove', recorded, undefined);
  else if (Array.isArray(recorded) && Array.isArray(candidate)) walkArray(recorded, candidate, '', new Fold(''), scope, out);
  else if (isPlainObject(recorded) && isPlainObject(candidate)) walkObject(recorded, candidate, '', new Fold(''), scope, out);
  else if (!deepEqual(recorded, candidate)) root('replace', recorded, candidate);
  return out.diffs;
}

const NO_RULES = compileRuleScope([]);

/** What the walk emits: the differences and, index for index, the rule scope each was found in. */
interface Walk {
  diffs: Difference[];
  scopes: RuleScope[];
}

/**
 * A folded pointer (indices and data keys as `*`), shared by every node that folds to it: the 2,000
 * `/items/<i>/name` of a document are one `/items/*\/name`, whose text and signatures are written once
 * per comparison instead of once per difference.
 */
class Fold {
  private kids: Map<string, Fold> | undefined;
  private star: Fold | undefined;
  private signatures: Map<string, string> | undefined;

  constructor(readonly text: string) {}

  /** The fold of an escaped child segment. */
  child(segment: string): Fold {
    const folded = foldSegment(segment);
    if (folded === '*') return this.element();
    this.kids ??= new Map();
    let kid = this.kids.get(folded);
    if (!kid) this.kids.set(folded, (kid = new Fold(`${this.text}/${folded}`)));
    return kid;
  }

  /** The fold of an array index, which always folds. */
  element(): Fold {
    return (this.star ??= new Fold(`${this.text}/*`));
  }

  signature(change: string): string {
    this.signatures ??= new Map();
    let sig = this.signatures.get(change);
    if (sig === undefined) this.signatures.set(change, (sig = `body:${this.text}:${change}`));
    return sig;
  }
}

function walkArray(mirror: readonly unknown[], obj: readonly unknown[], path: string, folded: Fold, scope: RuleScope, out: Walk): void {
  if (obj === mirror) return;
  for (let i = mirror.length - 1; i >= 0; i--) {
    if (i < obj.length) {
      // As for object members: equal scalars (most elements of most arrays) cost no pointer.
      if (mirror[i] !== obj[i]) child(mirror[i], obj[i], `${path}/${i}`, folded.element(), scope.element(i), out);
    } else emit('remove', `${path}/${i}`, folded.element(), mirror[i], undefined, scope.element(i), out);
  }
  for (let i = mirror.length; i < obj.length; i++) emit('add', `${path}/${i}`, folded.element(), undefined, obj[i], scope.element(i), out);
}

function walkObject(mirror: Record<string, unknown>, obj: Record<string, unknown>, path: string, folded: Fold, scope: RuleScope, out: Walk): void {
  if (obj === mirror) return;
  const oldKeys = Object.keys(mirror);
  let deleted = false;
  for (let t = oldKeys.length - 1; t >= 0; t--) {
    const key = oldKeys[t]!;
    if (Object.hasOwn(obj, key)) {
      const oldVal = mirror[key];
      const newVal = obj[key];
      // Scalars that are equal (the bulk of any document) cost no pointer at all.
      if (oldVal === newVal) continue;
      const segment = escapeSegment(key);
      child(oldVal, newVal, `${path}/${segment}`, folded.child(segment), scope.child(key), out);
    } else {
      const segment = escapeSegment(key);
      emit('remove', `${path}/${segment}`, folded.child(segment), mirror[key], undefined, scope.child(key), out);
      deleted = true;
    }
  }
  const newKeys = Object.keys(obj);
  // Every old key still present and as many keys as before: no key can have been added.
  if (!deleted && newKeys.length === oldKeys.length) return;
  for (const key of newKeys) {
    if (Object.hasOwn(mirror, key)) continue;
    const segment = escapeSegment(key);
    emit('add', `${path}/${segment}`, folded.child(segment), undefined, obj[key], scope.child(key), out);
  }
}

/** Two values at the same place: containers of one kind are walked, anything else is a replace. */
function child(oldVal: unknown, newVal: unknown, path: string, folded: Fold, scope: RuleScope, out: Walk): void {
  if (typeof oldVal === 'object' && oldVal !== null && typeof newVal === 'object' && newVal !== null) {
    const oldArray = Array.isArray(oldVal);
    if (oldArray === Array.isArray(newVal)) {
      if (oldArray) walkArray(oldVal as unknown[], newVal as unknown[], path, folded, scope, out);
      else walkObject(oldVal as Record<string, unknown>, newVal as Record<string, unknown>, path, folded, scope, out);
      return;
    }
  }
  if (oldVal !== newVal) emit('replace', path, folded, oldVal, newVal, scope, out);
}

function emit(op: Op, path: string, folded: Fold, before: unknown, after: unknown, scope: RuleScope, out: Walk): void {
  const change = jsonChangeKind(op, before, after);
  // Property order as makeDifference gives it, so stored results serialise as they always did.
  const diff: Difference = { target: 'body', op, path, change, signature: folded.signature(change) };
  if (op !== 'add') diff.before = before;
  // fast-json-patch hands over a JSON copy of an added or replacing container; so does this walk, so the
  // difference never aliases the candidate document (and -0 inside it reads 0, as it always has).
  if (op !== 'remove') diff.after = typeof after === 'object' && after !== null ? (JSON.parse(JSON.stringify(after)) as unknown) : after;
  out.diffs.push(diff);
  out.scopes.push(scope);
}
