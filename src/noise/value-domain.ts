import { canonicalJson } from '../compare/json-value.js';

/** More distinct values than this and a key has no domain (ids, counters, free text). */
const MAX_DOMAIN = 12;

/**
 * The small set of values a key takes (enums, booleans, status words), as recorded and as the
 * baseline answered. A key may be noisy *within* its domain — a random boolean, a status that moves
 * between `open` and `closed` — and a candidate value outside it is still a change: a new enum value
 * is new behaviour, not noise.
 *
 * The domain only closes on enough evidence: every value seen at least twice, or the Good–Turing
 * estimate of the mass not yet seen (values seen once / observations) at most 10 %. A key seen three
 * times with three values might well have a fourth. And one side at least (the recording or the
 * baseline) must itself have shown two values: a value constant per deployment (an instance name, an
 * etag) differs between recording and baseline without any domain, and the candidate's own value is
 * then a third one, not a new enum value.
 */
export class ValueDomain {
  private readonly counts = new Map<string, number>();
  private readonly sides = new Map<string, Set<string>>();
  private observations = 0;
  private open = false;

  add(value: unknown, side: 'recorded' | 'baseline'): void {
    if (this.open) return;
    if (value !== null && typeof value === 'object') {
      this.open = true;
      return;
    }
    const key = canonicalJson(value);
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    this.observations++;
    let seen = this.sides.get(side);
    if (!seen) this.sides.set(side, (seen = new Set()));
    seen.add(key);
    if (this.counts.size > MAX_DOMAIN) {
      this.open = true;
      this.counts.clear();
      this.sides.clear();
    }
  }

  /** The values, when they form a domain on the evidence; `null` otherwise. */
  values(): unknown[] | null {
    if (this.open || this.counts.size < 2) return null;
    // Booleans are a domain by their type: both values seen is all there is.
    if (this.counts.size === 2 && this.counts.has('true') && this.counts.has('false')) return [false, true];
    if (![...this.sides.values()].some((v) => v.size >= 2)) return null;
    let once = 0;
    for (const n of this.counts.values()) if (n === 1) once++;
    if (once > 0 && once / this.observations > 0.1) return null;
    return [...this.counts.keys()].sort().map((k) => JSON.parse(k) as unknown);
  }

  has(value: unknown): boolean {
    return (value === null || typeof value !== 'object') && this.counts.has(canonicalJson(value));
  }
}
