import type { Capture, StoredBody } from '../types.js';
import type { UpstreamObservation } from './upstream-latency.js';

/**
 * Captures cross to the writer thread as one message per batch: small metadata objects (structured
 * clone) plus every body copied once into a single ArrayBuffer that is *transferred*, not cloned.
 * Cloning a Buffer would copy its whole backing store, which for a slice of a pooled or socket buffer
 * is many times the body.
 */

interface BodyRef {
  offset: number;
  length: number;
  size: number;
  truncated: boolean;
  /** No body at all (as opposed to an empty one). */
  none: boolean;
}

type PackedExchange = Omit<Capture, 'request' | 'response'> & {
  request: Omit<Capture['request'], 'body'> & { body: BodyRef };
  response: (Omit<NonNullable<Capture['response']>, 'body'> & { body: BodyRef }) | null;
};

export interface PackedBatch {
  items: PackedExchange[];
  bodies: ArrayBuffer;
  /** Captures dropped since the previous batch (storage fell behind). */
  dropped: number;
  /** Bytes this batch accounts for in the writer's bounded queue. */
  bytes: number;
  /** Per item: seconds to the upstream's answer or transport failure, for the latency histogram; null: not observed. */
  latencies: Array<number | null>;
  /** Forwarded requests not in `items` (not captured, or dropped), for the latency histogram. */
  observed: UpstreamObservation[];
}

export function bodyBytesOf(e: Capture): number {
  return (e.request.body.bytes?.length ?? 0) + (e.response?.body.bytes?.length ?? 0);
}

/**
 * `take(size)` supplies the buffer (at least `size` bytes): the writer hands batch buffers back once
 * written, so the recorder reuses a few instead of allocating one per batch, which V8 would reclaim
 * only lazily as external memory.
 */
export function packBatch(
  exchanges: readonly Capture[],
  dropped: number,
  bytes: number,
  take: (size: number) => ArrayBuffer = (n) => new ArrayBuffer(n),
  latencies: Array<number | null> = exchanges.map(() => null),
  observed: UpstreamObservation[] = [],
): PackedBatch {
  let total = 0;
  for (const e of exchanges) total += bodyBytesOf(e);
  const bodies = take(total);
  const view = new Uint8Array(bodies);
  let at = 0;
  const ref = (b: StoredBody): BodyRef => {
    const r: BodyRef = { offset: at, length: b.bytes?.length ?? 0, size: b.size, truncated: b.truncated, none: b.bytes === null };
    if (b.bytes) {
      view.set(b.bytes, at);
      at += b.bytes.length;
    }
    return r;
  };
  const items = exchanges.map((e) => ({
    ...e,
    request: { ...e.request, body: ref(e.request.body) },
    response: e.response ? { ...e.response, body: ref(e.response.body) } : null,
  }));
  return { items, bodies, dropped, bytes, latencies, observed };
}

export function unpackBatch(batch: PackedBatch): Capture[] {
  // A view, not a copy: the bodies are read (bound into SQLite) before the buffer goes back.
  const all = Buffer.from(batch.bodies);
  const body = (r: BodyRef): StoredBody => ({
    bytes: r.none ? null : all.subarray(r.offset, r.offset + r.length),
    size: r.size,
    truncated: r.truncated,
  });
  return batch.items.map((p) => ({
    ...p,
    request: { ...p.request, body: body(p.request.body) },
    response: p.response ? { ...p.response, body: body(p.response.body) } : null,
  }));
}
