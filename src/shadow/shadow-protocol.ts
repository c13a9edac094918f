import type { ConnectionOptions } from 'node:tls';
import type { Config } from '../config/schema.js';
import type { PackedBatch } from '../record/capture-batch.js';
import type { SerializedError } from '../worker-thread.js';
import type { RunSummary } from '../types/run.js';

/** What the shadow thread is started with. */
export interface ShadowInit {
  config: Config;
  /** HMAC key for the placeholders of what is stored (as the recordings have). */
  redactionKey: Uint8Array;
  session: string;
  recordingsDb: string;
  /** The resolved results folder. */
  outDir: string;
  tls: ConnectionOptions | undefined;
}

export type ToShadow =
  /** Sampled exchanges, already answered to their clients. */
  | { type: 'batch'; batch: PackedBatch }
  /** Store what is pending, apply learned noise, rewrite the summary; answered by a `summary` with the same id. */
  | { type: 'summarize'; id: number }
  /** Drop what waits, finish what is in flight, summarize a last time, close; answered by `closed`. */
  | { type: 'close' };

export type FromShadow =
  | { type: 'ready' }
  | { type: 'fatal'; error: SerializedError }
  /** Exchanges finished since the last report (compared, or failed inside the thread), and dropped at close. */
  | { type: 'progress'; compared: number; finished: number; dropped: number }
  /** A summary made on the thread's timer (id 0) or asked for. */
  | { type: 'summary'; id: number; summary: RunSummary | null; error?: string }
  | { type: 'warning'; message: string }
  | { type: 'closed' };
