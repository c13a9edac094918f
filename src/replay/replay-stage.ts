import { PassThrough } from 'node:stream';
import { ReplayguardError, reasonOf } from '../errors.js';
import type { Exchange, ExchangeFailure } from '../types/exchange.js';
import { isTlsFailureCode, tlsFailureHint } from '../http/tls.js';
import { createExchangeReplayer, type ExchangeReplayerOptions, type Replayed } from './replay-exchange.js';
import { isMutating, schedule } from './scheduler.js';

export interface ReplayStageOptions extends ExchangeReplayerOptions {
  /** The candidate's URL as given (for messages). */
  target: string;
  runId: number;
  concurrency: number;
  rate?: number;
  /** Exchanges in the session, for the unreachable-target check. */
  total: number;
  /** Give up when the first this-many attempts all failed to connect. */
  unreachableAfter: number;
  warn: (message: string) => void;
}

/**
 * The first stage: send each exchange (bounded concurrency, mutating requests in order, see
 * scheduler.ts), compare, and yield results as they complete. The consumer's pace bounds the
 * scheduler's (backpressure), so a slow reporter never piles results up in memory.
 */
export async function* replayExchanges(exchanges: AsyncIterable<Exchange>, options: ReplayStageOptions): AsyncGenerator<Replayed> {
  const replayer = createExchangeReplayer(options);
  const pipe = new PassThrough({ objectMode: true, highWaterMark: Math.max(16, options.concurrency * 2) });
  // Every worker that finds the pipe full waits on one shared promise: a listener pair per wait
  // would leave a 'close' listener behind each time 'drain' came first, thousands over a long run.
  let drained: Promise<void> | null = null;
  const whenDrained = (): Promise<void> =>
    (drained ??= new Promise<void>((resolve) => {
      const done = (): void => {
        pipe.off('drain', done);
        pipe.off('close', done);
        drained = null;
        resolve();
      };
      pipe.on('drain', done);
      pipe.on('close', done);
    }));
  const emit = async (r: Replayed): Promise<void> => {
    if (pipe.destroyed || pipe.writableEnded) return;
    if (!pipe.write(r)) await whenDrained();
  };

  // Stop early when the target is plainly not there, instead of failing every exchange slowly.
  let attempts = 0;
  let connectFailures = 0;
  let unreachable: ExchangeFailure | null = null;
  let sourceError: unknown = null;
  const unreachableAfter = Math.min(options.unreachableAfter, options.total);

  const scheduled = schedule(
    exchanges,
    {
      concurrency: options.concurrency,
      rate: options.rate,
      isBarrier: (e) => isMutating(e.request.method),
      shouldStop: () => unreachable !== null || pipe.destroyed,
    },
    async (e) => {
      try {
        const replayed = await replayer.run(e, options.runId);
        if (replayed.result.verdict !== 'skipped') {
          attempts++;
          if (replayed.connectFailure) {
            connectFailures++;
            if (connectFailures === attempts && attempts >= unreachableAfter) unreachable ??= replayed.connectFailure;
          }
        }
        await emit(replayed);
      } catch (err) {
        // A bug in comparing one exchange must not lose the run: say so and carry on.
        options.warn(`internal error while replaying ${e.request.method} ${e.request.url}: ${reasonOf(err)}`);
      }
    },
  ).then(
    () => void pipe.end(),
    (err: unknown) => {
      // The source failed part-way (a damaged recordings file): what was replayed drains first.
      sourceError = err;
      pipe.end();
    },
  );

  try {
    for await (const r of pipe) yield r as Replayed;
  } finally {
    // Reached early when the consumer stops (or throws): let the scheduler wind down.
    pipe.destroy();
    await scheduled;
  }
  if (sourceError) throw sourceError;
  if (unreachable) {
    const failure = unreachable as ExchangeFailure;
    if (isTlsFailureCode(failure.code)) {
      throw new ReplayguardError('RG_ERR_TARGET_TLS', { url: options.target, count: attempts, reason: `${failure.code}: ${failure.message}`, fix: tlsFailureHint(failure.code) });
    }
    throw new ReplayguardError('RG_ERR_TARGET_UNREACHABLE', { url: options.target, count: attempts, reason: `${failure.code}: ${failure.message}` });
  }
}
