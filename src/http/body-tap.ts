import type { Readable } from 'node:stream';
import type { StoredBody } from '../types.js';

/**
 * Observes the chunks of a stream that something else consumes (the proxy pipes it on), keeping the
 * first `cap` bytes. It never changes what flows: no Transform in the path, no extra buffering of
 * what is forwarded, and past the cap it only counts.
 */
/** No body at all (as opposed to an empty one): one shared, frozen value, not an object per request. */
export const NO_BODY: StoredBody = Object.freeze({ bytes: null, size: 0, truncated: false });

export class BodyTap {
  private chunks: Buffer[] = [];
  private kept = 0;
  private seen = 0;
  /** With a known length, chunks are copied into one buffer as they pass and not retained. */
  private target: Buffer | null = null;

  /** @param expectedLength the content-length, when the message declares one */
  constructor(
    private readonly cap: number,
    expectedLength?: number,
  ) {
    if (expectedLength !== undefined && expectedLength > 0 && Number.isSafeInteger(expectedLength)) {
      this.target = Buffer.allocUnsafe(Math.min(cap, expectedLength));
    }
  }

  /**
   * Start observing. The stream is paused first so the added 'data' listener does not switch it to
   * flowing mode before its real consumer (pipe or async iterator) is attached; `Readable.read()`
   * emits 'data' for every chunk it returns, so the tap sees chunks in either consumption mode.
   */
  attach(stream: Readable): this {
    stream.pause();
    stream.on('data', (chunk: Buffer | string) => this.observe(chunk));
    return this;
  }

  observe(chunk: Buffer | string): void {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.seen += buf.length;
    if (this.kept < this.cap) {
      const room = this.cap - this.kept;
      const part = buf.length <= room ? buf : buf.subarray(0, room);
      if (this.target && this.kept + part.length <= this.target.length) part.copy(this.target, this.kept);
      else {
        // More bytes than declared (or no declaration): fall back to keeping chunks.
        if (this.target) this.chunks.push(this.target.subarray(0, this.kept));
        this.target = null;
        this.chunks.push(part);
      }
      this.kept += part.length;
    }
  }

  get bytesSeen(): number {
    return this.seen;
  }

  result(): StoredBody {
    if (this.seen === 0) return NO_BODY;
    const bytes = this.target ? this.target.subarray(0, this.kept) : this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.kept);
    return { bytes, size: this.seen, truncated: this.kept < this.seen };
  }
}
