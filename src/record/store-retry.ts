import { isReplayguardError } from '../errors.js';

/** First wait after a failed write; doubled after each failure up to {@link MAX_DELAY_MS}. */
const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 2_000;

/** The one failure worth waiting out: the database is not there now (stopped, restarting, network). */
export function isUnreachable(e: unknown): boolean {
  return isReplayguardError(e) && e.code === 'RG_ERR_DB_UNREACHABLE';
}

/**
 * Writes to a store that may go away for a while (a PostgreSQL restart): a write that meets an
 * unreachable server is tried again with exponential backoff until it succeeds or the deadline set at
 * shutdown passes. Hand-written rather than p-retry: the deadline is not known when a write starts (a
 * stop signal sets it later), and past it a store known to be down is not even tried, so a queue of
 * batches gives up at once (with the last cause) instead of each waiting out its own timeout.
 */
export class StoreRetry {
  private giveUpAt = Number.POSITIVE_INFINITY;
  /** Why the last write failed, while the store is down; null while it answers. */
  private down: unknown = null;

  constructor(private readonly hooks: { onDown?: (reason: string) => void; onBack?: () => void } = {}) {}

  /** Cuts a backoff wait short when the deadline moves. */
  private wake: (() => void) | null = null;

  /** From now on, stop retrying at `at` (epoch ms). */
  stopBy(at: number): void {
    this.giveUpAt = Math.min(this.giveUpAt, at);
    this.wake?.();
  }

  /** Run `write`; `retryable` false means one attempt, as for a store that could store a retry twice. */
  async run<T>(write: () => Promise<T>, retryable: boolean): Promise<T> {
    for (let delay = FIRST_DELAY_MS; ; delay = Math.min(delay * 2, MAX_DELAY_MS)) {
      if (this.down !== null && Date.now() >= this.giveUpAt) throw this.down;
      try {
        const result = await write();
        if (this.down !== null) this.hooks.onBack?.();
        this.down = null;
        return result;
      } catch (e) {
        if (!isUnreachable(e)) throw e;
        if (this.down === null) this.hooks.onDown?.((e as Error).message);
        this.down = e;
        if (!retryable || Date.now() >= this.giveUpAt) throw e;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(delay, this.giveUpAt - Date.now()));
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = null;
      }
    }
  }
}
