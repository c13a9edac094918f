import { LRUCache } from 'lru-cache';
import type { RecordingStore } from '../store/store.js';
import type { Exchange } from '../types.js';
import type { RecordedAnswer, StubEntry } from './stub-index.js';

/** Bytes of recorded answers kept in memory; beyond it the least recently served are read again. */
const CACHE_BYTES = 64 * 1024 * 1024;
/** Headers, object and bookkeeping of one cached answer, beyond its body. */
const OVERHEAD_BYTES = 512;

/**
 * The recorded exchanges of a served session, read from the store when first needed and their answers
 * kept in a bounded LRU cache: a session of a million exchanges is served with the memory of its hot
 * answers, not of all its bodies. The store stays open (read-only) while the stub serves.
 */
export class StubAnswers {
  private readonly cache = new LRUCache<number, RecordedAnswer>({
    maxSize: CACHE_BYTES,
    sizeCalculation: (a) => OVERHEAD_BYTES + (a.response?.body.bytes?.length ?? 0),
  });

  constructor(
    private readonly store: RecordingStore,
    private readonly sessionId: number,
  ) {}

  /** The stored exchange with this `seq`. */
  async exchange(seq: number): Promise<Exchange | undefined> {
    for await (const e of this.store.iterate(this.sessionId, { afterSeq: seq - 1, batchSize: 1 })) return e.seq === seq ? e : undefined;
    return undefined;
  }

  async answerOf(entry: StubEntry): Promise<RecordedAnswer> {
    if (entry.answer) return entry.answer;
    const cached = this.cache.get(entry.seq);
    if (cached) return cached;
    const e = await this.exchange(entry.seq);
    // The row is gone (the file was replaced under the stub): said, never a wrong answer.
    if (!e) return { response: null, failure: { kind: 'error', code: 'STUB_ROW_GONE', message: `exchange seq ${entry.seq} is no longer in the recordings` } };
    const answer = { response: e.response, failure: e.failure };
    this.cache.set(entry.seq, answer);
    return answer;
  }
}
