import { ReplayguardError } from '../errors.js';
import type { RecordingStore } from '../store/store.js';
import type { NewExchange, SessionInfo } from '../types/exchange.js';
import type { ReplayResult } from '../types/run.js';

const BATCH = 256;

/**
 * Copies `base` into a new revision in which the approved exchanges (by `seq`) carry the candidate's
 * response and timing, every other exchange as recorded, same order, same routes. The recordings and
 * the run's results are both read in `seq` order and joined as they stream, so memory holds one batch
 * whatever the session's size. The revision becomes the newest only once complete (`endSession`): a
 * copy cut short is never what a replay picks.
 */
export async function writeRevision(store: RecordingStore, base: SessionInfo, results: AsyncIterable<ReplayResult>, approved: ReadonlySet<number>, at: number): Promise<SessionInfo> {
  const revision = await store.createRevision(base.id, at);
  const pending = results[Symbol.asyncIterator]();
  let current: ReplayResult | undefined;
  const resultAt = async (seq: number): Promise<ReplayResult | undefined> => {
    while (!current || current.seq < seq) {
      const next = await pending.next();
      if (next.done) return undefined;
      current = next.value;
    }
    return current.seq === seq ? current : undefined;
  };
  let batch: NewExchange[] = [];
  const flush = async () => {
    if (batch.length) await store.append(revision.id, batch);
    batch = [];
  };
  for await (const e of store.iterate(base.id)) {
    const { id: _id, sessionId: _session, ...kept } = e;
    if (!approved.has(e.seq)) {
      batch.push(kept);
    } else {
      const r = await resultAt(e.seq);
      if (!r?.candidate || r.exchangeId !== e.id) {
        throw new ReplayguardError('RG_ERR_APPROVE_STALE', { session: base.name, seq: e.seq });
      }
      const c = r.candidate;
      batch.push({ ...kept, response: { status: c.status, headers: c.headers, body: c.body }, timing: { ttfbMs: c.timing.ttfbMs, totalMs: c.timing.totalMs }, failure: null });
    }
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  await store.endSession(revision.id, at);
  return { ...revision, endedAt: at };
}
