import type { ConnectionOptions } from 'node:tls';
import type { Config } from '../config/schema.js';
import type { Capture } from '../types/exchange.js';
import type { SerializedError } from '../worker-thread.js';
import type { RunSummary } from '../types/run.js';

/** What the shadow process is started with (its first message). */
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
  | { type: 'init'; init: ShadowInit }
  /** Sampled exchanges, already answered to their clients (framed without copying bodies: shadow-channel.ts). */
  | { type: 'batch'; captures: Capture[] }
  /** Store what is pending, apply learned noise, rewrite the summary; answered by a `summary` with the same id. */
  | { type: 'summarize'; id: number }
  /** Drop what waits, finish what is in flight, summarize a last time, close; answered by `closed`. */
  | { type: 'close' };

export type FromShadow =
  | { type: 'ready' }
  | { type: 'fatal'; error: SerializedError }
  /** Exchanges finished since the last report (compared, or failed inside the process), and dropped at close. */
  | { type: 'progress'; compared: number; finished: number; dropped: number }
  /** A summary made on the process's timer (id 0) or asked for. */
  | { type: 'summary'; id: number; summary: RunSummary | null; error?: string }
  | { type: 'warning'; message: string }
  | { type: 'closed' };
