export interface ScheduleOptions<T> {
  /** Requests in flight at most. */
  concurrency: number;
  /** Starts per second at most. @default unlimited */
  rate?: number;
  /**
   * True for items that change state (POST/PUT/PATCH/DELETE): they start only after every earlier
   * item finished, and later items wait for them, so state-changing flows keep their recorded order.
   */
  isBarrier: (item: T) => boolean;
  /** Checked before each start; true stops scheduling (in-flight items still finish). */
  shouldStop?: () => boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Pull items lazily from an async source and run them with bounded concurrency: memory holds at most
 * `concurrency` items whatever the source's size. `run` must not reject.
 */
export async function schedule<T>(items: AsyncIterable<T>, options: ScheduleOptions<T>, run: (item: T) => Promise<void>): Promise<void> {
  const inflight = new Set<Promise<void>>();
  // One waiter woken when any item finishes, instead of Promise.race over the in-flight set: a race
  // hangs a reaction on every in-flight promise per start (c per exchange, kept until each settles).
  let wake: (() => void) | null = null;
  const settled = (): Promise<void> => new Promise<void>((resolve) => (wake = resolve));
  const interval = options.rate ? 1000 / options.rate : 0;
  let nextStart = performance.now();
  // If the source fails part-way, what was started still finishes before the error goes up.
  try {
    for await (const item of items) {
      if (options.shouldStop?.()) break;
      const barrier = options.isBarrier(item);
      if (barrier) await Promise.all(inflight);
      while (inflight.size >= options.concurrency) await settled();
      if (options.shouldStop?.()) break;
      if (interval) {
        const wait = nextStart - performance.now();
        if (wait > 0) await sleep(wait);
        nextStart = Math.max(nextStart, performance.now() - interval) + interval;
      }
      const p: Promise<void> = run(item).finally(() => {
        inflight.delete(p);
        const w = wake;
        wake = null;
        w?.();
      });
      inflight.add(p);
      if (barrier) await p;
    }
  } finally {
    await Promise.all(inflight);
  }
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function isMutating(method: string): boolean {
  return MUTATING.has(method.toUpperCase());
}
