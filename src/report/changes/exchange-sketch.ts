/**
 * A bottom-k sketch of a set of exchange ids (the k smallest hashes), so "do these two signatures
 * occur on the same exchanges?" is answered in memory that never grows with the run: k numbers per
 * signature. Sets of at most k exchanges are held whole, so for them the Jaccard index is exact; past
 * that it is the standard KMV estimate (error about 1/√k). Written by hand: the npm sketch libraries
 * (MinHash with k hash functions) cost k hashes per add, this one a single mix and an insertion.
 */
export const SKETCH_SIZE = 128;

/** murmur3's 32-bit finaliser: spreads consecutive ids over the whole range. */
export function mixId(id: number): number {
  let h = (id ^ Math.floor(id / 0x100000000)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Sorted ascending, distinct, at most SKETCH_SIZE values. */
export type Sketch = number[];

/** Adds one hashed id, keeping the sketch sorted and bounded. */
export function sketchAdd(sketch: Sketch, hash: number): void {
  if (sketch.length >= SKETCH_SIZE && hash >= sketch[sketch.length - 1]!) return;
  let lo = 0;
  let hi = sketch.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sketch[mid]! < hash) lo = mid + 1;
    else hi = mid;
  }
  if (sketch[lo] === hash) return;
  sketch.splice(lo, 0, hash);
  if (sketch.length > SKETCH_SIZE) sketch.pop();
}

/** The sketch of the union of two sets. */
export function sketchUnion(a: Sketch, b: Sketch): Sketch {
  const out: Sketch = [];
  let i = 0;
  let j = 0;
  while (out.length < SKETCH_SIZE && (i < a.length || j < b.length)) {
    const x = a[i];
    const y = b[j];
    if (y === undefined || (x !== undefined && x < y)) out.push(a[i++]!);
    else if (x === undefined || y < x) out.push(b[j++]!);
    else {
      out.push(x);
      i++;
      j++;
    }
  }
  return out;
}

/** Jaccard index of the two sets (exact while their union has at most SKETCH_SIZE members). */
export function jaccard(a: Sketch, b: Sketch): number {
  const union = sketchUnion(a, b);
  if (union.length === 0) return 1;
  const inA = new Set(a);
  const inB = new Set(b);
  let both = 0;
  for (const h of union) if (inA.has(h) && inB.has(h)) both++;
  return both / union.length;
}
