import { parsePointer } from '../compare/json-pointer.js';

/** Fewer distinct keys than this under one object never make its keys data. */
const MIN_KEYS = 5;
/** Share of those keys allowed to recur in a second exchange (random ids collide rarely, names never). */
const MAX_RECURRING = 0.1;
/** Keys remembered per object; past it the object is judged on what was seen. */
const MAX_TRACKED = 256;

/** The pointer of the object holding `pointer`'s last key (`/a/b` → `/a`, `/a` → ``). */
export function parentOf(pointer: string): string {
  const i = pointer.lastIndexOf('/');
  return i <= 0 ? '' : pointer.slice(0, i);
}

/**
 * Objects whose keys are data (`{ "fluffy-cat": {...}, "grumpy-dog": {...} }`): keys that appear and
 * disappear and never recur from one exchange to the next. Keys that look like ids, dates or hashes
 * are folded to `*` by `foldPointer` already; this catches the rest (random names) from the run.
 */
export class KeyVariety {
  private readonly objects = new Map<string, { parent: string; keys: Map<string, number> }>();

  /** One exchange's added or removed pointers (each counted once per exchange). */
  exchange(method: string, route: string, pointers: Iterable<string>): void {
    for (const pointer of new Set(pointers)) {
      const keys = parsePointer(pointer);
      if (keys.length === 0) continue;
      const parent = parentOf(pointer);
      const id = `${method} ${route}\u0000${parent}`;
      let o = this.objects.get(id);
      if (!o) this.objects.set(id, (o = { parent, keys: new Map() }));
      const key = keys[keys.length - 1]!;
      if (o.keys.size < MAX_TRACKED || o.keys.has(key)) o.keys.set(key, (o.keys.get(key) ?? 0) + 1);
    }
  }

  /** `METHOD /route\0parent` → parent, for each object whose keys vary. */
  varying(): Map<string, string> {
    const out = new Map<string, string>();
    for (const [id, o] of this.objects) {
      if (o.keys.size < MIN_KEYS) continue;
      let recurring = 0;
      for (const n of o.keys.values()) if (n > 1) recurring++;
      if (recurring <= MAX_RECURRING * o.keys.size) out.set(id, o.parent);
    }
    return out;
  }
}
