/**
 * Bodies already checked and found to hold no secret, remembered byte for byte so that the same body
 * seen again (a catalogue page, a config document: most large responses of a staging API repeat) is
 * not decoded, parsed and scanned again. Recording a 64 KB body that repeats spent ~0.7 ms of the
 * writer thread per exchange in the scan, more than the disk; a hit costs a sampled fingerprint and
 * one memcmp.
 *
 * Written by hand: a hash-keyed cache (lru-cache over a sha256) would cost a full hash per lookup;
 * what makes a hit safe here is the byte comparison, which a fingerprint of a few sampled bytes only
 * has to route to. A body is kept on its second sighting only (a body seen once, say with a counter
 * in it, is never copied), and a body is clean only as of the secret book's version it was checked
 * at: a secret learned since may occur in it.
 */

/** Bytes of bodies kept, in all. */
const MAX_BYTES = 8 * 1024 * 1024;
/** Bodies smaller than this are scanned each time: the scan costs about what a lookup does. */
const MIN_CLEAN_BODY_BYTES = 256;
const SAMPLES = 16;

interface Entry {
  context: string;
  bytes: Buffer;
  /** The secret book's version when the body was found clean. */
  version: number;
  /** Lookups it answered, and lookups under its key by other bodies. */
  hits: number;
  misses: number;
}

/** Other bodies under an entry's key, beyond its own hits, before one of them takes its place. */
const MISSES_TO_REPLACE = 4;

/**
 * A 32-bit fingerprint of the context, the length and a few sampled bytes: computed once per body
 * (it is asked for on every body, most of which are never seen again), and a number, so that a
 * lookup builds no string.
 */
export function bodyKey(context: string, bytes: Buffer): number | null {
  const n = bytes.length;
  // Too small to be worth remembering: no key, never looked up or added.
  if (n < MIN_CLEAN_BODY_BYTES) return null;
  let h = n | 0;
  for (let k = 0; k < context.length; k++) h = (Math.imul(h, 31) + context.charCodeAt(k)) | 0;
  for (let k = 0; k < SAMPLES; k++) h = (Math.imul(h, 31) + bytes[Math.floor((k * (n - 1)) / (SAMPLES - 1))]!) | 0;
  // The last bytes too: a body that differs by a trailing counter or a truncation point is told apart.
  for (let k = Math.max(0, n - 8); k < n; k++) h = (Math.imul(h, 31) + bytes[k]!) | 0;
  return h;
}

export class CleanBodies {
  private readonly entries = new Map<number, Entry>();
  /** Keys seen once, so that a body is copied only when it comes back. */
  private readonly seen = new Set<number>();
  private bytes = 0;

  /**
   * The version `bytes` was found clean at, under `context` (what else decides the outcome: the
   * body's kind and content codings), or undefined when it is not known clean. `key` is
   * `bodyKey(context, bytes)`.
   */
  cleanAt(key: number, context: string, bytes: Buffer): number | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.context !== context || !entry.bytes.equals(bytes)) {
      entry.misses++;
      return undefined;
    }
    entry.hits++;
    // Most recently used last: eviction takes the body not seen for longest.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.version;
  }

  /** Remembers `bytes` (copied: callers pass views into buffers that are reused) as clean at `version`. */
  add(key: number, context: string, bytes: Buffer, version: number): void {
    if (bytes.length > MAX_BYTES / 8) return;
    const old = this.entries.get(key);
    if (old === undefined && !this.seen.has(key)) {
      if (this.seen.size >= 4096) this.seen.clear();
      this.seen.add(key);
      return;
    }
    if (old !== undefined) {
      // Found clean again after a secret was learned: the same bytes, a newer version.
      if (old.context === context && old.bytes.equals(bytes)) {
        old.version = version;
        return;
      }
      // Another body under the same key (bodies that differ only where the samples do not look, such
      // as a counter mid-body). Replacing the entry with each of them copied every such body, 64 KB
      // per exchange on the bench's unique-bodies route; never replacing it left a body that does
      // repeat scanned forever behind one that never came back. The entry gives way once strangers
      // outnumber its own hits.
      if (old.misses < old.hits + MISSES_TO_REPLACE) return;
      this.bytes -= old.bytes.length;
      this.entries.delete(key);
    }
    while (this.bytes + bytes.length > MAX_BYTES) {
      const [oldestKey, oldest] = this.entries.entries().next().value as [number, Entry];
      this.entries.delete(oldestKey);
      this.bytes -= oldest.bytes.length;
    }
    this.entries.set(key, { context, bytes: Buffer.from(bytes), version, hits: 0, misses: 0 });
    this.bytes += bytes.length;
  }
}
