import type { Capture, ExchangeFailure, HeaderPairs, StoredBody } from '../types.js';
import type { UpstreamObservation } from './upstream-latency.js';

/**
 * Captures cross to the writer thread as one message per batch: small metadata objects (structured
 * clone) plus every body copied once into a single ArrayBuffer that is *transferred*, not cloned.
 * Cloning a Buffer would copy its whole backing store, which for a slice of a pooled or socket buffer
 * is many times the body.
 */

/**
 * One capture as a flat tuple of primitives (and its header pairs): the structured clone then writes
 * no property names and builds no objects per field, which it did for every nested object of every
 * capture (the costliest step of the handover on the proxy thread in a CPU profile). A body is
 * `offset, length, size, truncated` in the batch buffer, `length` -1 when there is no body at all.
 */
export type PackedExchange = [
  startedAt: number,
  upstream: string,
  method: string,
  url: string,
  requestHeaders: HeaderPairs,
  requestBodyOffset: number,
  requestBodyLength: number,
  requestBodySize: number,
  requestBodyTruncated: boolean,
  /** -1: no response */
  status: number,
  responseHeaders: HeaderPairs | null,
  responseBodyOffset: number,
  responseBodyLength: number,
  responseBodySize: number,
  responseBodyTruncated: boolean,
  ttfbMs: number | null,
  totalMs: number,
  failure: ExchangeFailure | null,
];

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
  /** Copies the body into the buffer; returns its offset. */
  const place = (b: StoredBody): number => {
    const offset = at;
    if (b.bytes) {
      view.set(b.bytes, at);
      at += b.bytes.length;
    }
    return offset;
  };
  const items = exchanges.map((e) => packExchange(e, place));
  return { items, bodies, dropped, bytes, latencies, observed };
}

/** One capture as its tuple; `place` puts a body's bytes after the previous ones and returns their offset. */
export function packExchange(e: Capture, place: (body: StoredBody) => number): PackedExchange {
  const req = e.request;
  const res = e.response;
  return [
    e.startedAt, e.upstream, req.method, req.url, req.headers,
    place(req.body), req.body.bytes ? req.body.bytes.length : -1, req.body.size, req.body.truncated,
    res ? res.status : -1, res ? res.headers : null,
    res ? place(res.body) : 0, res?.body.bytes ? res.body.bytes.length : -1, res ? res.body.size : 0, res ? res.body.truncated : false,
    e.timing.ttfbMs, e.timing.totalMs, e.failure,
  ];
}

/** The capture a tuple stands for; its bodies are views of `bodies`, not copies. */
export function unpackExchange(p: PackedExchange, bodies: Buffer): Capture {
  const body = (offset: number, length: number, size: number, truncated: boolean): StoredBody => ({
    bytes: length < 0 ? null : bodies.subarray(offset, offset + length),
    size,
    truncated,
  });
  return {
    startedAt: p[0],
    upstream: p[1],
    request: { method: p[2], url: p[3], headers: p[4], body: body(p[5], p[6], p[7], p[8]) },
    response: p[9] < 0 ? null : { status: p[9], headers: p[10]!, body: body(p[11], p[12], p[13], p[14]) },
    timing: { ttfbMs: p[15], totalMs: p[16] },
    failure: p[17],
  };
}

export function unpackBatch(batch: PackedBatch): Capture[] {
  // A view, not a copy: the bodies are read (bound into SQLite) before the buffer goes back.
  const all = Buffer.from(batch.bodies);
  return batch.items.map((p) => unpackExchange(p, all));
}
