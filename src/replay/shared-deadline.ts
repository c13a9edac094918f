import { setMaxListeners } from 'node:events';

/**
 * Deadline signals for requests, shared by every request that starts within the same slot (at most
 * 100 ms, or a twentieth of the timeout): one `AbortSignal.timeout` and its timer per slot instead of
 * one per request, which cost a timer, a signal and their bookkeeping on every exchange of a replay.
 * A request started in a slot is aborted `timeoutMs` to `timeoutMs + slot` after it started, never
 * sooner, so "no complete response within `timeoutMs`" stays true.
 */
export function createSharedDeadline(timeoutMs: number): () => AbortSignal {
  const slotMs = Math.max(1, Math.min(100, Math.floor(timeoutMs / 20)));
  let signal: AbortSignal | null = null;
  let slotEnd = 0;
  return () => {
    const now = performance.now();
    if (signal === null || now >= slotEnd) {
      signal = AbortSignal.timeout(timeoutMs + slotMs);
      // Every request of the slot listens to it (up to the concurrency): not a leak.
      setMaxListeners(0, signal);
      slotEnd = now + slotMs;
    }
    return signal;
  };
}
